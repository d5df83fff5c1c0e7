"""KeggRestCatalog against a real loopback HTTP server replaying recorded KEGG REST answers."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from astrobio.adapters.kegg.rest import KeggRestCatalog
from astrobio.domain.errors import InvalidDataset, NotFound, UpstreamUnavailable

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kegg"
KGML = (FIXTURES / "get_ko00010_kgml.xml").read_bytes()
RECORDED = {
    "/list/pathway/ko": (FIXTURES / "list_pathway_ko.txt").read_bytes(),
    "/get/ko00010/kgml": KGML,
    "/get/ko00020/kgml": KGML[: len(KGML) // 2],  # a cut-off transfer
}
FORBIDDEN = (FIXTURES / "error_403.html").read_bytes()


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class FakeKegg:
    """Answers recorded bodies by path (``/list/cpd:...`` from the compound fixture); a scripted
    queue of error replies is served first. Every request path is recorded."""

    def __init__(self) -> None:
        self.errors: deque[Reply] = deque()
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _reply(self, path: str) -> Reply:
        with self._lock:
            self.requests.append(path)
            if self.errors:
                return self.errors.popleft()
        if path in RECORDED:
            return Reply(200, RECORDED[path])
        if path.startswith("/list/cpd:"):
            wanted = {p.removeprefix("cpd:") for p in path.removeprefix("/list/").split("+")}
            lines = (FIXTURES / "list_compounds_ko00010.txt").read_text().splitlines(keepends=True)
            return Reply(200, "".join(x for x in lines if x.split("\t")[0][4:] in wanted).encode())
        return Reply(404)  # KEGG answers unknown entries with an empty 404

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply = fake._reply(self.path)
                self.send_response(reply.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply.body)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> FakeKegg:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def kegg() -> Iterator[FakeKegg]:
    with FakeKegg() as server:
        yield server


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def client(kegg: FakeKegg, t: FakeTime, **kw: object) -> KeggRestCatalog:
    options: dict[str, object] = {
        "base_url": kegg.base_url,
        "timeout_s": 5.0,
        "retries": 2,
        "backoff_s": 1.0,
        "sleep": t.sleep,
        "clock": t.clock,
    }
    return KeggRestCatalog(**(options | kw))  # type: ignore[arg-type]


def test_lists_map_ids_from_list_pathway(kegg: FakeKegg) -> None:
    ids = client(kegg, FakeTime()).list_ids()
    assert ids[:3] == ["ko00010", "ko00020", "ko00030"]
    assert kegg.requests == ["/list/pathway/ko"]


def test_fetches_kgml_and_compound_names(kegg: FakeKegg) -> None:
    p = client(kegg, FakeTime()).fetch("ko00010")
    assert p.id == "ko00010" and p.title == "Glycolysis / Gluconeogenesis"
    assert p.compound_names["C00022"] == "Pyruvate"
    assert kegg.requests[0] == "/get/ko00010/kgml"
    assert kegg.requests[1].startswith("/list/cpd:C00022+cpd:C00024")


def test_keeps_at_most_three_requests_per_second(kegg: FakeKegg) -> None:
    t = FakeTime()
    c = client(kegg, t)
    c.list_ids()
    c.fetch("ko00010")  # two more requests
    assert len(kegg.requests) == 3
    assert t.sleeps == pytest.approx([0.34, 0.34])


@pytest.mark.parametrize("status", [403, 429, 500, 503])
def test_retries_refusals_and_server_errors_then_succeeds(kegg: FakeKegg, status: int) -> None:
    t = FakeTime()
    kegg.errors.extend([Reply(status, FORBIDDEN), Reply(status, FORBIDDEN)])
    assert client(kegg, t).list_ids()[0] == "ko00010"
    assert len(kegg.requests) == 3
    assert [s for s in t.sleeps if s >= 1.0] == [1.0, 2.0]  # exponential backoff


@pytest.mark.parametrize("status", [403, 429, 503])
def test_persistent_refusal_is_a_retryable_upstream_error(kegg: FakeKegg, status: int) -> None:
    kegg.errors.extend([Reply(status, FORBIDDEN)] * 3)
    with pytest.raises(UpstreamUnavailable, match=f"HTTP {status}") as info:
        client(kegg, FakeTime()).fetch("ko00010")
    assert info.value.service == "kegg"
    assert len(kegg.requests) == 3


def test_honours_short_retry_after(kegg: FakeKegg) -> None:
    t = FakeTime()
    kegg.errors.append(Reply(429, b"", {"Retry-After": "7"}))
    client(kegg, t).list_ids()
    assert 7.0 in t.sleeps


def test_unknown_map_is_not_found_without_retries(kegg: FakeKegg) -> None:
    with pytest.raises(NotFound):
        client(kegg, FakeTime()).fetch("ko99999")
    assert kegg.requests == ["/get/ko99999/kgml"]


def test_truncated_kgml_is_a_clear_error(kegg: FakeKegg) -> None:
    with pytest.raises(InvalidDataset, match="malformed or truncated KGML"):
        client(kegg, FakeTime()).fetch("ko00020")


def test_cached_answers_skip_the_network(kegg: FakeKegg, tmp_path: Path) -> None:
    first = client(kegg, FakeTime(), cache_dir=tmp_path).fetch("ko00010")
    count = len(kegg.requests)
    again = client(kegg, FakeTime(), cache_dir=tmp_path).fetch("ko00010")
    assert again == first
    assert len(kegg.requests) == count
    assert not list(tmp_path.glob(".part-*"))


def test_unreachable_server_is_upstream_unavailable() -> None:
    c = KeggRestCatalog(base_url="http://127.0.0.1:9", retries=1, backoff_s=0.0, timeout_s=2.0)
    with pytest.raises(UpstreamUnavailable, match="kegg"):
        c.list_ids()


def test_refused_rest_ingestion_raises_upstream_error_and_writes_nothing(kegg: FakeKegg) -> None:
    from astrobio.adapters.memory.pathways import InMemoryPathwayRepository
    from astrobio.application.use_cases.pathways import IngestKegg, IngestKeggCommand

    repo = InMemoryPathwayRepository()
    c = client(kegg, FakeTime())
    kegg.errors.extend([Reply(200, KGML)] + [Reply(429)] * 3)  # the map, then refused names
    with pytest.raises(UpstreamUnavailable, match="HTTP 429"):
        IngestKegg(repo, lambda source: c).execute(IngestKeggCommand(source="rest", pathway_ids=("ko00010",)))
    assert repo.all() == []


@pytest.mark.slow
def test_cli_ingests_from_kegg_rest(kegg: FakeKegg, tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    env |= {"ASTROBIO_DATA_DIR": str(tmp_path), "ASTROBIO_KEGG_URL": kegg.base_url, "OMP_NUM_THREADS": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "astrobio.entrypoints.cli.main", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("db", "upgrade").returncode == 0
    r = run("ingest", "kegg", "--source", "rest", "--pathway", "ko00010", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ids"] == ["ko00010"]
    shown = json.loads(run("pathways", "show", "ko00010", "--json").stdout)
    assert shown["source"].startswith("kegg-rest:")
    assert "/get/ko00010/kgml" in kegg.requests
