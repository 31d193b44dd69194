import pytest

from httpserver import TestServer


@pytest.fixture
def http_server():
    server = TestServer()
    yield server
    server.close()
