"""ArchiveTapCatalog against a real local HTTP server replaying recorded archive answers."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from astrobio.adapters.catalog.archive_tap import ArchiveTapCatalog
from astrobio.adapters.catalog.pscomppars import REQUIRED_COLUMNS
from astrobio.domain.errors import CatalogUnreadable, UpstreamUnavailable

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "archive"
ANSWER = (FIXTURES / "pscomppars_sync.csv").read_bytes()
ERROR_VOTABLE = (FIXTURES / "error_votable.xml").read_bytes()
ERROR_JSON = (FIXTURES / "error_json.json").read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = ANSWER
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    content_type: str = "text/plain"


class FakeArchive:
    """Serves queued replies in order (the last one repeats) and records each request path."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque([Reply()])
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/TAP"

    def script(self, *replies: Reply) -> None:
        self.replies = deque(replies)

    def _next(self, path: str) -> Reply:
        with self._lock:
            self.requests.append(path)
            return self.replies.popleft() if len(self.replies) > 1 else self.replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        archive = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply = archive._next(self.path)
                if reply.delay_s and archive.stopping.wait(reply.delay_s):
                    return
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        return Handler

    def __enter__(self) -> FakeArchive:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def archive() -> Iterator[FakeArchive]:
    with FakeArchive() as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


def catalog(archive: FakeArchive, sleeps: list[float], **kwargs: object) -> ArchiveTapCatalog:
    options: dict[str, object] = {
        "base_url": archive.base_url,
        "timeout_s": 5.0,
        "retries": 3,
        "backoff_s": 0.5,
        "sleep": sleeps.append,
    }
    options.update(kwargs)
    return ArchiveTapCatalog(**options)  # type: ignore[arg-type]


def test_sends_one_adql_query_on_pscomppars_asking_for_csv(archive: FakeArchive, sleeps: list[float]) -> None:
    catalog(archive, sleeps).fetch()
    (path,) = archive.requests
    url = urlsplit(path)
    params = parse_qs(url.query)
    assert url.path == "/TAP/sync"
    assert params["format"] == ["csv"]
    (query,) = params["query"]
    select, _, table = query.partition(" from ")
    assert table == "pscomppars"
    columns = select.removeprefix("select ").split(",")
    assert set(REQUIRED_COLUMNS) <= set(columns)
    assert {"pl_bmasse", "pl_bmassprov", "pl_bmasselim", "sy_jmag", "st_lum", "tran_flag"} <= set(columns)


def test_parses_the_recorded_answer(archive: FakeArchive, sleeps: list[float]) -> None:
    snap = catalog(archive, sleeps).fetch()
    assert snap.source == "exoplanet-archive:pscomppars"
    assert snap.rows_read == 41
    assert [(r.name, r.reason.split(":")[0]) for r in snap.rejected] == [("KOI-351 h", "eccentricity")]
    planets = {p.name: p for p in snap.planets}
    assert {"TRAPPIST-1 e", "Proxima Cen b", "K2-18 b", "LHS 1140 b"} <= set(planets)
    e = planets["TRAPPIST-1 e"]
    assert (e.radius_earth, e.mass_earth, e.star.teff_k, e.star.k_mag) == (0.92, 0.692, 2566.0, 10.296)
    assert planets["Proxima Cen b"].mass_is_minimum
    assert planets["Kepler-186 f"].mass_earth is None  # archive mass from its M-R relationship
    assert planets["Kepler-22 b"].mass_earth is None  # archive mass is an upper limit
    assert sleeps == []


def test_retries_a_503_then_succeeds(archive: FakeArchive, sleeps: list[float]) -> None:
    archive.script(Reply(status=503, body=b"Service Unavailable"), Reply())
    snap = catalog(archive, sleeps).fetch()
    assert len(archive.requests) == 2
    assert sleeps == [0.5]
    assert snap.rows_read == 41


def test_waits_as_long_as_a_short_retry_after_on_429(archive: FakeArchive, sleeps: list[float]) -> None:
    archive.script(Reply(status=429, body=b"slow down", headers={"Retry-After": "2"}), Reply())
    catalog(archive, sleeps).fetch()
    assert len(archive.requests) == 2
    assert sleeps == [2.0]


def test_a_long_retry_after_fails_at_once(archive: FakeArchive, sleeps: list[float]) -> None:
    archive.script(Reply(status=429, body=b"", headers={"Retry-After": "3600"}))
    with pytest.raises(UpstreamUnavailable, match="Retry-After 3600"):
        catalog(archive, sleeps).fetch()
    assert len(archive.requests) == 1 and sleeps == []


def test_exhausted_retries_are_upstream_unavailable(archive: FakeArchive, sleeps: list[float]) -> None:
    archive.script(Reply(status=502, body=b"Bad Gateway"))
    with pytest.raises(UpstreamUnavailable, match="HTTP 502") as info:
        catalog(archive, sleeps, retries=2).fetch()
    assert info.value.service == "exoplanet-archive"
    assert len(archive.requests) == 3
    assert sleeps == [0.5, 1.0]  # exponential backoff


def test_a_client_error_is_not_retried(archive: FakeArchive, sleeps: list[float]) -> None:
    archive.script(Reply(status=400, body=ERROR_VOTABLE, content_type="application/xml"))
    with pytest.raises(UpstreamUnavailable, match="HTTP 400: ORA-00942"):
        catalog(archive, sleeps).fetch()
    assert len(archive.requests) == 1


@pytest.mark.parametrize(
    "body", [ERROR_VOTABLE, ERROR_JSON, b"ERROR: query timed out\n"], ids=["votable", "json", "text"]
)
def test_an_error_document_served_with_200_is_upstream_unavailable(
    archive: FakeArchive, sleeps: list[float], body: bytes, tmp_path: Path
) -> None:
    archive.script(Reply(body=body))
    tap = catalog(archive, sleeps, cache_dir=tmp_path)
    with pytest.raises(UpstreamUnavailable, match=r"error document with HTTP 200: .*(ORA-00942|ERROR)"):
        tap.fetch()
    assert len(archive.requests) == 1
    assert list(tmp_path.iterdir()) == []  # an error is never cached


def test_a_fresh_cache_answers_without_a_request(
    archive: FakeArchive, sleeps: list[float], tmp_path: Path
) -> None:
    first = catalog(archive, sleeps, cache_dir=tmp_path).fetch()
    second = catalog(archive, sleeps, cache_dir=tmp_path).fetch()
    assert len(archive.requests) == 1
    assert second == first
    tap = catalog(archive, sleeps, cache_dir=tmp_path)
    cached = tmp_path / f"{hashlib.sha256(tap.url.encode()).hexdigest()}.csv"
    assert tap.cache_path() == cached
    assert cached.read_bytes() == ANSWER
    assert [p.name for p in tmp_path.iterdir()] == [cached.name]  # no temporary file left behind


def test_a_stale_cache_is_refetched(archive: FakeArchive, sleeps: list[float], tmp_path: Path) -> None:
    tap = catalog(archive, sleeps, cache_dir=tmp_path, max_age_s=3600)
    tap.fetch()
    cached = tap.cache_path()
    assert cached is not None
    two_hours_ago = time.time() - 7200
    os.utime(cached, (two_hours_ago, two_hours_ago))
    tap.fetch()
    assert len(archive.requests) == 2
    assert cached.stat().st_mtime > two_hours_ago + 3600  # rewritten


def test_an_unreadable_cache_entry_is_refetched(
    archive: FakeArchive, sleeps: list[float], tmp_path: Path
) -> None:
    tap = catalog(archive, sleeps, cache_dir=tmp_path)
    cached = tap.cache_path()
    assert cached is not None
    cached.write_bytes(ANSWER[:-40])  # a truncated entry (e.g. written by an older version)
    assert tap.fetch().rows_read == 41
    assert len(archive.requests) == 1
    assert cached.read_bytes() == ANSWER


def test_a_slow_answer_times_out_and_ends_upstream_unavailable(
    archive: FakeArchive, sleeps: list[float]
) -> None:
    archive.script(Reply(delay_s=5.0))
    with pytest.raises(UpstreamUnavailable, match="timed out"):
        catalog(archive, sleeps, timeout_s=0.2, retries=1).fetch()
    assert len(archive.requests) == 2


def test_a_timeout_then_a_good_answer_succeeds(archive: FakeArchive, sleeps: list[float]) -> None:
    archive.script(Reply(delay_s=5.0), Reply())
    assert catalog(archive, sleeps, timeout_s=0.5).fetch().rows_read == 41
    assert sleeps == [0.5]


def test_a_refused_connection_is_upstream_unavailable(sleeps: list[float]) -> None:
    with FakeArchive() as closed:  # bind a free port, then close it: nobody listens there
        base_url = closed.base_url
    tap = ArchiveTapCatalog(base_url=base_url, timeout_s=2.0, retries=1, backoff_s=0.0, sleep=sleeps.append)
    with pytest.raises(UpstreamUnavailable, match="ConnectError"):
        tap.fetch()
    assert sleeps == [0.0]


def test_a_truncated_csv_answer_is_unreadable_and_not_cached(
    archive: FakeArchive, sleeps: list[float], tmp_path: Path
) -> None:
    archive.script(Reply(body=ANSWER[: len(ANSWER) - 30]))
    with pytest.raises(CatalogUnreadable):
        catalog(archive, sleeps, cache_dir=tmp_path).fetch()
    assert list(tmp_path.iterdir()) == []
