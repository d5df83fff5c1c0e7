"""Walk the README top to bottom: every command in its ``bash`` blocks, on a fresh data directory.

The blocks are parsed at test time, so the walk follows the README as it is edited. A command line
annotated ``walk-skip: PATH (why)`` is skipped here, and PATH (the test that covers it) must exist;
the skips are reported with their reasons (``pytest -rs``). ``astrobio serve`` and ``astrobio worker``
start in the background (on a free port, for the ``curl`` examples that follow) and stop at the end.
Placeholders (``SWEEP_ID``, ``CUBE_ID``, ``MODEL_ID``) are filled from what the earlier commands stored.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SKIP = re.compile(r"walk-skip:\s*(\S+)\s*(\([^)]*\))?")
DAEMONS = ("astrobio serve", "astrobio worker")

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@dataclass(frozen=True)
class Step:
    line: int
    command: str

    @property
    def skip(self) -> re.Match[str] | None:
        return SKIP.search(self.command)


def readme_steps(text: str) -> list[Step]:
    """Logical commands of every ``bash`` block: continuation lines and open quotes joined."""
    steps: list[Step] = []
    for m in re.finditer(r"^```bash\n(.*?)^```", text, re.S | re.M):
        first = text[:m.start()].count("\n") + 2
        buf: list[str] = []
        start = first
        for i, raw in enumerate(m.group(1).splitlines()):
            if not buf:
                if not raw.strip() or raw.lstrip().startswith("#"):
                    continue
                start = first + i
            buf.append(raw)
            joined = "\n".join(buf)
            if joined.endswith("\\"):
                continue
            try:
                shlex.split(joined, comments=True)
            except ValueError:  # an open quote: the command goes on
                continue
            steps.append(Step(start, joined))
            buf = []
        assert not buf, f"README line {start}: unterminated command"
    return steps


STEPS = readme_steps(README.read_text())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Walk:
    cwd: Path
    env: dict[str, str]
    port: int
    daemons: list[subprocess.Popen[bytes]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def capture(self, command: str) -> str:
        r = subprocess.run(["bash", "-c", command], cwd=self.cwd, env=self.env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout

    def fill(self, command: str) -> str:
        if "SWEEP_ID" in command:
            ids = [i for out in self.outputs for i in re.findall(r"\b([0-9a-f]{32})-0000\b", out)]
            assert ids, "no sweep planned before SWEEP_ID is used"
            command = command.replace("SWEEP_ID", ids[-1])
        if "CUBE_ID" in command:
            cubes = json.loads(self.capture("astrobio climate cubes list --json"))["items"]
            assert cubes, "no cube stored before CUBE_ID is used"
            command = command.replace("CUBE_ID", cubes[0]["id"])
        if "MODEL_ID" in command:
            models = json.loads(self.capture("astrobio surrogates list --json"))
            command = command.replace("MODEL_ID", next(m["id"] for m in models if m["active"]))
        return command.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}")


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    cwd = tmp_path_factory.mktemp("readme")
    for name in (".venv", "scripts", "data", "docs"):
        (cwd / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "data/models", cwd / "models")  # `surrogates activate` writes there
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    port = _free_port()
    env.update(PATH=f"{ROOT / '.venv/bin'}:{env.get('PATH', '/usr/bin:/bin')}", OMP_NUM_THREADS="1",
               ASTROBIO_DATA_DIR=str(cwd / "var"), ASTROBIO_MODELS_DIR=str(cwd / "models"),
               ASTROBIO_PORT=str(port), ASTROBIO_LOG_LEVEL="warning",
               ASTROBIO_QUEUE_NAME=f"astrobio:readme-walk:{port}")
    w = Walk(cwd=cwd, env=env, port=port)
    yield w
    for p in w.daemons:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
    print("README walk skipped:\n" + "\n".join(w.skipped))


def _start_daemon(walk: Walk, command: str) -> None:
    p = subprocess.Popen(["bash", "-c", command], cwd=walk.cwd, env=walk.env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True)
    walk.daemons.append(p)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert p.poll() is None, f"{command!r} exited: {p.stderr.read().decode()[-2000:] if p.stderr else ''}"
        if "serve" in command:
            try:
                with socket.create_connection(("127.0.0.1", walk.port), timeout=1):
                    return
            except OSError:
                pass
        elif time.monotonic() > deadline - 55:  # a worker that is still up after 5 s has connected
            return
        time.sleep(0.25)
    raise AssertionError(f"{command!r} did not come up")


@pytest.mark.parametrize("step", STEPS, ids=[f"L{s.line}:{s.command.split()[0]}" for s in STEPS])
def test_readme_command(walk: Walk, step: Step) -> None:
    if (hit := step.skip) is not None:
        covered_by = hit.group(1)
        assert (ROOT / covered_by).exists(), f"README line {step.line}: {covered_by} does not exist"
        walk.skipped.append(f"line {step.line}: {step.command.splitlines()[0][:80]} -> {covered_by}")
        pytest.skip(f"README line {step.line} covered by {covered_by} {hit.group(2) or ''}".strip())
    command = walk.fill(step.command)
    if any(re.search(rf"(^|\s){d}\b", command) for d in DAEMONS):
        _start_daemon(walk, command)
        return
    r = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=walk.cwd, env=walk.env,
                       capture_output=True, text=True, timeout=300)
    walk.outputs.append(r.stdout)
    assert r.returncode == 0, (f"README line {step.line}: {step.command!r} exited {r.returncode}\n"
                               f"{r.stderr[-3000:]}")
    assert "Traceback" not in r.stderr


def test_the_walk_parses_every_block_of_the_readme() -> None:
    blocks = len(re.findall(r"^```bash\n", README.read_text(), re.M))
    assert blocks >= 4 and len(STEPS) >= 20
    assert any(s.command.startswith("curl ") for s in STEPS), "the README has no curl example"
