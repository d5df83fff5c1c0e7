"""``HttpxGenomeSource``: NCBI genomes over HTTPS with rate limiting, retries and resumable downloads.

NCBI allows 3 requests/s without an API key and 10 with one; the limiter spaces request starts by
1/rate seconds across threads. 429 and 5xx answers and transport errors are retried with
exponential backoff (``Retry-After`` honoured up to 30 s). Downloads stream into ``<dest>.part``;
an existing part file is resumed with ``Range: bytes=<size>-`` (a 200 answer restarts from zero);
the finished file is checked against its MD5 and only then renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from astrobio.adapters.http_headers import retry_after_s
from astrobio.application.ports.genomes import DownloadedFile, GenomeSource, Progress
from astrobio.domain.errors import InvalidDataset, NotFound, UpstreamUnavailable

NCBI_FILES_URL = "https://ftp.ncbi.nlm.nih.gov"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class RateLimiter:
    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval_s = 1.0 / per_second
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval_s
        if start > now:
            self._sleep(start - now)


def md5_of(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class HttpxGenomeSource(GenomeSource):
    def __init__(
        self,
        *,
        base_url: str = NCBI_FILES_URL,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 4,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.limiter = RateLimiter(10.0 if api_key else 3.0, sleep=sleep)
        self._timeout_s, self._retries, self._backoff_s, self._sleep = (
            timeout_s,
            max_retries,
            backoff_s,
            sleep,
        )
        self.requests_made = 0

    def _url(self, url: str) -> str:
        for canonical in (NCBI_FILES_URL, "ftp://ftp.ncbi.nlm.nih.gov", "http://ftp.ncbi.nlm.nih.gov"):
            if url.startswith(canonical):
                return self.base_url + url[len(canonical) :]
        return url

    def _client(self) -> Any:
        import httpx

        params = {"api_key": self.api_key} if self.api_key else None
        return httpx.Client(timeout=self._timeout_s, follow_redirects=True, params=params)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        asked = retry_after_s(retry_after)
        if asked is not None:
            return min(asked, 30.0)
        return float(self._backoff_s * 2**attempt)

    def fetch_text(self, url: str) -> str:
        import httpx

        target = self._url(url)
        with self._client() as client:
            for attempt in range(self._retries + 1):
                self.limiter.wait()
                self.requests_made += 1
                try:
                    r = client.get(target)
                except httpx.HTTPError as exc:
                    if attempt == self._retries:
                        raise UpstreamUnavailable("ncbi", f"{type(exc).__name__} for {target}") from exc
                    self._sleep(self._delay(attempt, None))
                    continue
                if r.status_code == 404:
                    raise NotFound(f"{url} not found at NCBI", field="url")
                if r.status_code in RETRY_STATUS and attempt < self._retries:
                    self._sleep(self._delay(attempt, r.headers.get("Retry-After")))
                    continue
                if r.status_code != 200:
                    raise UpstreamUnavailable("ncbi", f"HTTP {r.status_code} for {target}")
                return str(r.text)
        raise UpstreamUnavailable("ncbi", f"no answer for {target}")  # pragma: no cover

    def download(
        self, url: str, dest: Path, *, expected_md5: str | None = None, progress: Progress | None = None
    ) -> DownloadedFile:
        import httpx

        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        first_offset = part.stat().st_size if part.exists() else 0
        target = self._url(url)
        with self._client() as client:
            for attempt in range(self._retries + 1):
                offset = part.stat().st_size if part.exists() else 0
                headers = {"Range": f"bytes={offset}-"} if offset else {}
                self.limiter.wait()
                self.requests_made += 1
                try:
                    with client.stream("GET", target, headers=headers) as r:
                        if r.status_code == 416 and offset:  # the part file already holds everything
                            break
                        if r.status_code == 404:
                            raise NotFound(f"{url} not found at NCBI", field="url")
                        if r.status_code in RETRY_STATUS:
                            if attempt == self._retries:
                                raise UpstreamUnavailable("ncbi", f"HTTP {r.status_code} for {target}")
                            self._sleep(self._delay(attempt, r.headers.get("Retry-After")))
                            continue
                        if r.status_code not in (200, 206):
                            raise UpstreamUnavailable("ncbi", f"HTTP {r.status_code} for {target}")
                        resumed = r.status_code == 206
                        total = _total(r.headers, offset if resumed else 0)
                        with open(part, "ab" if resumed else "wb") as out:
                            done = offset if resumed else 0
                            for chunk in r.iter_bytes(1 << 16):
                                out.write(chunk)
                                done += len(chunk)
                                if progress is not None:
                                    progress(done, total)
                        if total is not None and done < total:
                            raise httpx.RemoteProtocolError(f"short body: {done} of {total} bytes")
                        break
                except httpx.HTTPError as exc:
                    if attempt == self._retries:
                        raise UpstreamUnavailable(
                            "ncbi", f"{type(exc).__name__} downloading {target}"
                        ) from exc
                    self._sleep(self._delay(attempt, None))
        md5 = md5_of(part)
        if expected_md5 is not None and md5 != expected_md5.lower():
            part.unlink(missing_ok=True)
            raise InvalidDataset(
                f"{dest.name}: MD5 {md5} does not match md5checksums.txt ({expected_md5}); "
                "the partial file was removed",
                field="md5",
            )
        os.replace(part, dest)
        return DownloadedFile(
            path=dest, size_bytes=dest.stat().st_size, md5=md5, resumed_from_bytes=first_offset
        )


def _total(headers: Any, offset: int) -> int | None:
    cr = headers.get("Content-Range")
    if cr and "/" in cr and cr.rsplit("/", 1)[1].isdigit():
        return int(cr.rsplit("/", 1)[1])
    cl = headers.get("Content-Length")
    return offset + int(cl) if cl and cl.isdigit() else None
