"""Page fixtures shared with tests/pages (a small seeded demo store, AppTest helper)."""

from tests.pages.conftest import app_env, demo_url  # noqa: F401
