"""HttpxGenomeSource against a real loopback HTTP server replaying NCBI assembly-directory answers.

The directory served is ``GCF_000005845.2_ASM584v2``: its ``md5checksums.txt`` (NCBI's format,
``tests/fixtures/genomes/ncbi``), the bundled genomic GFF and an ANI report. Scripted faults: 429 with
Retry-After, 503, a connection cut mid-file (resumed with Range), corrupted bytes (MD5 mismatch), 404.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from astrobio.adapters.genomes.ncbi_client import HttpxGenomeSource, RateLimiter
from astrobio.adapters.memory.genomes import InMemoryGenomeRepository
from astrobio.application.use_cases.genomes import DownloadAssembly, DownloadAssemblyCommand
from astrobio.domain.errors import InvalidDataset, NotFound, UpstreamUnavailable
from astrobio.domain.genome import AssemblyRecord

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "genomes" / "ncbi"
DIR = "/genomes/all/GCF/000/005/845/GCF_000005845.2_ASM584v2"
GFF = "GCF_000005845.2_ASM584v2_genomic.gff.gz"
ANI = "GCF_000005845.2_ASM584v2_ani_report.txt"
FILES = {
    f"{DIR}/md5checksums.txt": (FIX / "md5checksums.txt").read_bytes(),
    f"{DIR}/{GFF}": (ROOT / "data" / "ncbi" / "gff" / GFF).read_bytes(),
    f"{DIR}/{ANI}": (FIX / ANI).read_bytes(),
}


@dataclass
class Fault:
    kind: str  # "status", "cut", "corrupt"
    status: int = 503
    retry_after: str | None = None


class FakeNcbi:
    """Serves FILES (with Range support); ``faults[path]`` are consumed one per request."""

    def __init__(self) -> None:
        self.faults: dict[str, list[Fault]] = {}
        self.requests: list[tuple[str, str | None]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                rng = self.headers.get("Range")
                fake.requests.append((self.path, rng))
                body = FILES.get(path)
                if body is None:
                    self.send_error(404)
                    return
                faults = fake.faults.get(path, [])
                fault = faults.pop(0) if faults else None
                if fault and fault.kind == "status":
                    self.send_response(fault.status)
                    if fault.retry_after:
                        self.send_header("Retry-After", fault.retry_after)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if fault and fault.kind == "corrupt":
                    body = body[:-1] + bytes([body[-1] ^ 0xFF])
                start = 0
                if rng and (m := re.fullmatch(r"bytes=(\d+)-", rng)):
                    start = int(m.group(1))
                    if start >= len(body):
                        self.send_response(416)
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                payload = body[start:]
                if fault and fault.kind == "cut":  # the connection drops half way through
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(payload)

        return Handler

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def ncbi() -> Iterator[FakeNcbi]:
    fake = FakeNcbi()
    yield fake
    fake.close()


def _source(fake: FakeNcbi, **kw: object) -> HttpxGenomeSource:
    return HttpxGenomeSource(base_url=fake.url, timeout_s=5.0, sleep=lambda s: None, **kw)  # type: ignore[arg-type]


def _repo() -> InMemoryGenomeRepository:
    repo = InMemoryGenomeRepository()
    repo.add_assemblies(
        [
            AssemblyRecord(
                accession="GCF_000005845.2",
                taxid=511145,
                species_taxid=562,
                organism_name="Escherichia coli",
                assembly_level="Complete Genome",
                asm_name="ASM584v2",
                ftp_path=f"ftp://ftp.ncbi.nlm.nih.gov{DIR}",
            )
        ]
    )
    return repo


def test_downloads_the_listed_files_and_verifies_them(ncbi: FakeNcbi, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    files = DownloadAssembly(_repo(), _source(ncbi)).execute(
        DownloadAssemblyCommand(accession="GCF_000005845.2", dest_dir=tmp_path),
        lambda done, total: seen.append((done, total)),
    )
    assert sorted(f.path.name for f in files) == sorted([GFF, ANI])  # fna, gbff... are not in md5checksums
    for f in files:
        assert f.path.read_bytes() == FILES[f"{DIR}/{f.path.name}"]
    assert seen[-1][0] == seen[-1][1]
    assert not list(tmp_path.rglob("*.part"))


def test_retries_429_and_503(ncbi: FakeNcbi, tmp_path: Path) -> None:
    ncbi.faults[f"{DIR}/md5checksums.txt"] = [Fault("status", 429, retry_after="1"), Fault("status", 503)]
    ncbi.faults[f"{DIR}/{GFF}"] = [Fault("status", 502)]
    src = _source(ncbi)
    files = DownloadAssembly(_repo(), src).execute(
        DownloadAssemblyCommand(accession="GCF_000005845.2", dest_dir=tmp_path)
    )
    assert len(files) == 2 and src.requests_made == 3 + 2 + 1


def test_connection_cut_mid_file_resumes_with_range(ncbi: FakeNcbi, tmp_path: Path) -> None:
    ncbi.faults[f"{DIR}/{GFF}"] = [Fault("cut")]
    out = _source(ncbi).download(
        f"https://ftp.ncbi.nlm.nih.gov{DIR}/{GFF}",
        tmp_path / GFF,
        expected_md5="f9096b6e65904e0ca607bf775e406a73",
    )
    assert out.path.read_bytes() == FILES[f"{DIR}/{GFF}"]
    ranges = [r for p, r in ncbi.requests if p.endswith(GFF)]
    assert ranges[0] is None and len(ranges) == 2
    resumed_at = int(ranges[1].removeprefix("bytes=").rstrip("-"))  # what reached the disk before the cut
    assert 0 < resumed_at <= len(FILES[f"{DIR}/{GFF}"]) // 2


def test_a_part_file_left_by_an_earlier_run_is_resumed(ncbi: FakeNcbi, tmp_path: Path) -> None:
    body = FILES[f"{DIR}/{GFF}"]
    (tmp_path / f"{GFF}.part").write_bytes(body[:100_000])
    out = _source(ncbi).download(
        f"{ncbi.url}{DIR}/{GFF}", tmp_path / GFF, expected_md5="f9096b6e65904e0ca607bf775e406a73"
    )
    assert out.resumed_from_bytes == 100_000 and out.path.read_bytes() == body
    assert ncbi.requests[-1][1] == "bytes=100000-"


def test_checksum_mismatch_leaves_nothing(ncbi: FakeNcbi, tmp_path: Path) -> None:
    ncbi.faults[f"{DIR}/{GFF}"] = [Fault("corrupt")]
    with pytest.raises(InvalidDataset, match=r"does not match md5checksums\.txt") as e:
        DownloadAssembly(_repo(), _source(ncbi)).execute(
            DownloadAssemblyCommand(accession="GCF_000005845.2", dest_dir=tmp_path)
        )
    assert e.value.field == "md5"
    assert not (tmp_path / "GCF_000005845.2" / GFF).exists()
    assert not list(tmp_path.rglob("*.part"))


def test_persistent_5xx_is_upstream_unavailable(ncbi: FakeNcbi, tmp_path: Path) -> None:
    ncbi.faults[f"{DIR}/{GFF}"] = [Fault("status", 500)] * 10
    with pytest.raises(UpstreamUnavailable, match="HTTP 500"):
        _source(ncbi, max_retries=2).download(f"{ncbi.url}{DIR}/{GFF}", tmp_path / GFF)
    assert not (tmp_path / GFF).exists()


def test_missing_file_is_not_found(ncbi: FakeNcbi, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        _source(ncbi).fetch_text(f"{ncbi.url}/genomes/all/nothing/md5checksums.txt")


def test_api_key_raises_the_rate_and_is_sent(ncbi: FakeNcbi) -> None:
    src = _source(ncbi, api_key="K3Y")
    assert src.limiter.interval_s == pytest.approx(0.1)
    assert _source(ncbi).limiter.interval_s == pytest.approx(1 / 3)
    src.fetch_text(f"{ncbi.url}{DIR}/md5checksums.txt")
    assert "api_key=K3Y" in ncbi.requests[-1][0]


def test_rate_limiter_spaces_requests() -> None:
    now = [0.0]
    slept: list[float] = []
    lim = RateLimiter(3.0, clock=lambda: now[0], sleep=slept.append)
    for _ in range(3):
        lim.wait()
    assert slept == pytest.approx([1 / 3, 2 / 3])


def test_download_assembly_job_through_the_container(ncbi: FakeNcbi, tmp_path: Path) -> None:
    from dependency_injector import providers

    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.settings import Settings

    c = build_container(Settings(data_dir=tmp_path, ncbi_url=ncbi.url))
    c.genomes.repository.override(providers.Object(_repo()))
    c.genomes.source().limiter.interval_s = 0.0
    result = c.job_handlers()["download_assembly"]({"accession": "GCF_000005845.2"})
    assert sorted(Path(f["path"]).name for f in result["files"]) == sorted([GFF, ANI])
    assert all(Path(f["path"]).is_relative_to(tmp_path / "genomes") for f in result["files"])
