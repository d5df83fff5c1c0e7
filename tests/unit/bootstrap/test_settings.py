"""Settings come from ASTROBIO_* variables only, with clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from astrobio.bootstrap.settings import load_settings, parse_weights
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.ranking import ScoreWeights


def test_defaults_are_the_embedded_sqlite_and_in_process_queue() -> None:
    s = load_settings({})
    assert s.sqlalchemy_url.startswith("sqlite:///") and s.sqlalchemy_url.endswith("var/astrobio.sqlite3")
    assert s.redis_url is None and s.rank_weights == ScoreWeights()
    assert s.catalog_path.is_file() and s.colours_path.is_file() and s.gcm_dir.is_dir()


def test_environment_overrides(tmp_path: Path) -> None:
    s = load_settings({
        "ASTROBIO_DATA_DIR": str(tmp_path), "ASTROBIO_DATABASE_URL": "postgresql://u@h/db",
        "ASTROBIO_REDIS_URL": "redis://127.0.0.1:6379/3", "ASTROBIO_RANK_WEIGHTS": "hz=1,esi=0",
        "ASTROBIO_PORT": "9000", "ASTROBIO_GCM_RANKS": "2", "ASTROBIO_LOG_JSON": "0",
        "ASTROBIO_JOB_TIMEOUT_S": "86400",
    })
    assert s.job_timeout_s == 86400
    assert s.sqlalchemy_url == "postgresql://u@h/db" and s.redis_url == "redis://127.0.0.1:6379/3"
    assert s.rank_weights.hz == 1 and s.rank_weights.esi == 0 and s.rank_weights.detectability == 0.25
    assert s.port == 9000 and s.gcm_ranks == 2 and s.log_json is False
    assert s.cube_root == str((tmp_path / "cubes").resolve())


@pytest.mark.parametrize(("env", "field"), [
    ({"ASTROBIO_PORT": "eighty"}, "ASTROBIO_PORT"),
    ({"ASTROBIO_GCM_RANKS": "0"}, "ASTROBIO_GCM_RANKS"),
    ({"ASTROBIO_JOB_TIMEOUT_S": "-5"}, "ASTROBIO_JOB_TIMEOUT_S"),
    ({"ASTROBIO_HTTP_TIMEOUT_S": "soon"}, "ASTROBIO_HTTP_TIMEOUT_S"),
    ({"ASTROBIO_RANK_WEIGHTS": "hz=high"}, "ASTROBIO_RANK_WEIGHTS"),
    ({"ASTROBIO_RANK_WEIGHTS": "colour=1"}, "ASTROBIO_RANK_WEIGHTS"),
])
def test_bad_values_name_the_variable(env: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidQuantity) as err:
        load_settings(env)
    assert err.value.field == field


def test_parse_weights_keeps_unnamed_defaults() -> None:
    assert parse_weights("detectability=0.5") == ScoreWeights(detectability=0.5)
