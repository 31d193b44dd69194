import pytest

from httpserver import TestServer


@pytest.fixture
def http_server():
    server = TestServer()
    yield server
    server.close()


@pytest.fixture
def smtp_server():
    from receivers import SmtpServer

    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def webhook_receiver():
    from receivers import WebhookReceiver

    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
