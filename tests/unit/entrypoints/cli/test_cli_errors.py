"""The CLI's error surface: JSON on every path with --json, one line otherwise, exit codes as documented."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

import pytest

from astrobio.domain.access import AccessDenied, Unauthenticated
from astrobio.domain.errors import UpstreamUnavailable
from astrobio.entrypoints.cli import errors
from astrobio.entrypoints.cli.main import app
from astrobio.entrypoints.cli.noise import LibraryNoiseFilter

README = Path(__file__).resolve().parents[4] / "README.md"


@pytest.fixture(autouse=True)
def _plain_mode() -> None:
    errors.set_json_mode(False)
    yield
    errors.set_json_mode(False)


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
            ) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["astrobio", *argv])
    with pytest.raises(SystemExit) as exc:
        errors.run_app(app, list(argv))
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0), out, err


def test_rank_weights_typo_blames_the_flag_not_the_variable_in_json(monkeypatch, capsys) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "rank", "--weights", "hz=abc", "--json")
    assert code == 2 and out == ""
    problem = json.loads(err)["error"]
    assert problem["field"] == "--weights" and problem["exit_code"] == 2
    assert "ASTROBIO_RANK_WEIGHTS" not in err and "'abc'" in problem["detail"]


def test_rank_weights_typo_is_one_plain_line_without_json(monkeypatch, capsys) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "rank", "--weights", "hz=abc")
    assert code == 2
    assert err.strip().splitlines() == [err.strip()] and err.startswith("error: --weights:")


def test_negative_weight_blames_the_flag(monkeypatch, capsys) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "rank", "--weights", "hz=-1", "--json")
    assert code == 2 and json.loads(err)["error"]["field"] == "--weights"


def test_bad_hz_choice_names_the_flag(monkeypatch, capsys) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "rank", "--hz", "warm", "--json")
    assert code == 2 and json.loads(err)["error"]["field"] == "--hz"


def test_usage_errors_are_json_problems_too(monkeypatch, capsys) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "rank", "--top", "0", "--json")
    assert code == 2 and out == ""
    assert json.loads(err)["error"]["field"] == "--top"
    code, _, err = run_cli(monkeypatch, capsys, "rank", "--no-such-flag", "--json")
    assert code == 2 and "no-such-flag" in json.loads(err)["error"]["detail"]


@pytest.mark.parametrize(("exc", "code"), [
    (AccessDenied("role 'reader' may not rotate keys"), 5),
    (Unauthenticated("unknown API key"), 5),
    (UpstreamUnavailable("redis", "Error 111 connecting to 127.0.0.1:6399."), 3),
])
def test_error_map_exit_codes_and_json_shape(capsys, exc: Exception, code: int) -> None:
    errors.set_json_mode(True)
    with pytest.raises(SystemExit) as raised, errors.cli_errors():
        raise exc
    assert raised.value.code == code
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert json.loads(err)["error"]["exit_code"] == code


def test_readme_exit_code_table_lists_every_code_the_cli_uses() -> None:
    text = README.read_text()
    documented = {int(m) for m in re.findall(r"^\| ([0-9]) \|", text, re.M)}
    used = {errors.EXIT_INTERNAL, errors.EXIT_INPUT, errors.EXIT_UPSTREAM, errors.EXIT_NOT_FOUND,
            errors.EXIT_DENIED}
    assert used | {0} <= documented


def test_readme_documents_the_ranking_tie_break_the_domain_uses() -> None:
    text = README.read_text()
    assert re.search(r"ties .{0,40}broken by planet name", text, re.S)


def _record(name: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, "noise", None, None)


def test_library_noise_is_dropped_unless_debug() -> None:
    quiet, debug = LibraryNoiseFilter(debug=False), LibraryNoiseFilter(debug=True)
    for name in ("arq.connections", "lightning.pytorch.utilities.rank_zero", "py.warnings"):
        assert not quiet.filter(_record(name))
        rec = _record(name)
        assert debug.filter(rec) and rec.levelname == "DEBUG"
    assert quiet.filter(_record("astrobio.cli"))


def test_redis_down_is_one_line_without_retry_noise(capsys) -> None:
    from astrobio.entrypoints.cli.noise import quiet_library_noise

    root = logging.getLogger()
    before = {h: list(h.filters) for h in root.handlers}
    try:
        quiet_library_noise("info")
        logging.getLogger("arq.connections").warning("redis connection error ..., 4 retries remaining...")
        with pytest.raises(SystemExit), errors.cli_errors():
            raise UpstreamUnavailable("redis", "Error 111 connecting to 127.0.0.1:6399.")
    finally:  # leave the test session's logging as it was
        logging.captureWarnings(False)
        for h in root.handlers:
            h.filters[:] = before.get(h, [f for f in h.filters if not isinstance(f, LibraryNoiseFilter)])
    err = capsys.readouterr().err
    assert "retries remaining" not in err
    assert err.strip().splitlines() == ["error: upstream service 'redis' unavailable: Error 111 connecting "
                                        "to 127.0.0.1:6399."]


def test_lightning_tips_srun_hints_and_numpy_warnings_stay_out_of_the_terminal() -> None:
    import subprocess

    script = """
import sys
from astrobio.bootstrap.logging import configure_logging
from astrobio.entrypoints.cli.noise import quiet_library_noise
configure_logging(sys.argv[1], False); quiet_library_noise(sys.argv[1])
from lightning.pytorch.utilities.rank_zero import rank_zero_info, rank_zero_warn
rank_zero_info("GPU available: False, used: False")
rank_zero_info("Tip: For seamless cloud logging, try installing litlogger")
rank_zero_warn("The `srun` command is available on your system but is not used.")
import numpy as np
np.array([0.0]) / 0.0
"""
    def run(level: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", script, level], capture_output=True, text=True,
                              timeout=120)

    quiet = run("info")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == "", quiet.stderr
    debug = run("debug")
    assert "Tip: For seamless" in debug.stderr and "srun" in debug.stderr and "divide" in debug.stderr


def test_set_typo_names_the_flag_and_parameter(monkeypatch, capsys) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "predict", "--mode", "scalar", "--set", "star_teff_k=abc",
                             "--json")
    assert code == 2 and out == ""
    problem = json.loads(err)["error"]
    assert problem["field"] == "--set" and problem["detail"].startswith("--set star_teff_k:")


def test_redis_down_from_the_real_cli_is_one_line(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    env.update(ASTROBIO_DATA_DIR=str(tmp_path))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "astrobio.entrypoints.cli.main", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    assert cli("db", "upgrade").returncode == 0
    env["ASTROBIO_REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    for extra in ([], ["--json"]):
        r = cli("jobs", "submit-ingest", *extra)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 3 and len(lines) == 1, r.stderr
        assert "retries" not in r.stderr and "'redis' unavailable" in r.stderr
