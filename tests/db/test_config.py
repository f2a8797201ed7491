"""Storage configuration: clear messages for bad URLs, unreachable servers, read-only folders."""

import os
import stat
import subprocess

import pytest

from db.config import ConfigError, database_url, read_secrets
from db.engine import make_engine


def test_default_is_sqlite_file_under_data(tmp_path):
    url = database_url({}, secrets_path=tmp_path / "missing.toml")
    assert url.get_backend_name() == "sqlite"
    assert url.database.endswith("data/contract_desk.db")


def test_env_wins_and_postgres_uses_psycopg3(tmp_path):
    url = database_url({"DATABASE_URL": "postgresql://u:p@db:5432/cd"},
                       secrets_path=tmp_path / "x.toml")
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "db"


def test_secrets_toml_is_read(tmp_path):
    f = tmp_path / "secrets.toml"
    f.write_text('[connections.contracts]\nurl = "postgresql://a@h/db"\n')
    assert database_url({}, secrets_path=f).database == "db"


def test_malformed_secrets_is_a_clear_error(tmp_path):
    f = tmp_path / "secrets.toml"
    f.write_text("[connections.contracts\nurl = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_secrets(f)


def test_garbage_url_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="not a database URL"):
        database_url({"DATABASE_URL": "not a url"}, secrets_path=tmp_path / "x")


def test_unsupported_backend(tmp_path):
    with pytest.raises(ConfigError, match="Unsupported database"):
        database_url({"DATABASE_URL": "mysql://u@h/db"}, secrets_path=tmp_path / "x")


def test_unreachable_postgres_says_so_without_password():
    with pytest.raises(ConfigError) as err:
        make_engine("postgresql://user:hunter2pw@127.0.0.1:1/nowhere")
    assert "Cannot reach the database" in str(err.value)
    assert "hunter2pw" not in str(err.value)


def test_read_only_data_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # root ignores permission bits; the immutable flag binds root too
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(ConfigError, match="read-only"):
            make_engine(f"sqlite:///{folder / 'x.db'}")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(stat.S_IRWXU)
