from tests.notify.conftest import smtp_server  # noqa: F401 - fixture re-export
