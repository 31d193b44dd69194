import pytest

from httpserver import TestServer


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory):
    """The rules' word-form cache of the tests (and of the commands they run) goes to a
    temporary directory, not the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


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
