"""KEGG REST (``https://rest.kegg.jp``) as a pathway catalog: rate-limited, cached, with backoff.

Requests used: ``/list/pathway/ko`` (the map ids), ``/get/<id>/kgml`` (one map) and
``/list/cpd:C00001+cpd:C00002...`` (compound names, at most 100 per request).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from astrobio import __version__
from astrobio.adapters.http_headers import retry_after_s
from astrobio.adapters.kegg.kgml import parse_kgml, strip_prefix
from astrobio.application.ports.pathways import PathwayCatalog
from astrobio.domain.errors import NotFound, UpstreamUnavailable
from astrobio.domain.pathway import Pathway, require_pathway_id

SERVICE = "kegg"
DEFAULT_BASE_URL = "https://rest.kegg.jp"
_RETRY_STATUS = frozenset({403, 429})  # KEGG answers 403 to clients that go too fast
_NETWORK = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class KeggRestCatalog(PathwayCatalog):
    """KEGG maps fetched over HTTP.

    At most one request every ``min_interval_s`` (KEGG allows about 3 per second). 403, 429,
    5xx, timeouts and connection errors are retried ``retries`` times with exponential backoff
    (``backoff_s * 2**n``, or the ``Retry-After`` seconds when given and shorter than
    ``max_retry_after_s``); then :class:`UpstreamUnavailable` (service ``"kegg"``): the CLI
    exits 3, the API answers 503, a job ends failed with the message. 400/404 is
    :class:`NotFound`. Successful answers are cached in ``cache_dir`` (``<sha256 of URL>``,
    written atomically) for ``max_age_s``.
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout_s: float = 30.0,
        retries: int = 3,
        backoff_s: float = 1.0,
        min_interval_s: float = 0.34,
        cache_dir: Path | None = None,
        max_age_s: float = 7 * 86_400.0,
        max_retry_after_s: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._retries = retries
        self._backoff_s = backoff_s
        self._min_interval_s = min_interval_s
        self._cache_dir = cache_dir
        self._max_age_s = max_age_s
        self._max_retry_after_s = max_retry_after_s
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._last_request: float | None = None
        self._lock = threading.Lock()
        self.requests = 0  # network requests made (not cache hits)

    @property
    def source(self) -> str:
        return f"kegg-rest:{self._base}"

    def list_ids(self) -> list[str]:
        text = self._get("/list/pathway/ko").decode()
        return [strip_prefix(line.split("\t", 1)[0].strip()) for line in text.splitlines() if line.strip()]

    def fetch(self, pathway_id: str) -> Pathway:
        return self.fetch_document(pathway_id)[0]

    def fetch_document(self, pathway_id: str) -> tuple[Pathway, bytes]:
        pid = require_pathway_id(pathway_id)
        data = self._get(f"/get/{pid}/kgml")
        pathway = parse_kgml(data, source=f"{self.source}/get/{pid}/kgml")
        return dataclasses.replace(pathway, compound_names=self.compound_names(pathway.compounds)), data

    def compound_names(self, ids: tuple[str, ...]) -> dict[str, str]:
        wanted = sorted(c for c in ids if c.startswith("C"))
        names: dict[str, str] = {}
        for start in range(0, len(wanted), 100):
            query = "+".join(f"cpd:{c}" for c in wanted[start : start + 100])
            for line in self._get(f"/list/{query}").decode().splitlines():
                key, _, value = line.partition("\t")
                if value:
                    names[strip_prefix(key.strip())] = value.split(";")[0].strip()
        return names

    # -- transport ---------------------------------------------------------------------------
    def _cache_path(self, url: str) -> Path | None:
        return None if self._cache_dir is None else self._cache_dir / hashlib.sha256(url.encode()).hexdigest()

    def _get(self, path: str) -> bytes:
        url = self._base + path
        cached = self._cache_path(url)
        if (
            cached is not None
            and cached.exists()
            and self._wall_clock() - cached.stat().st_mtime < self._max_age_s
        ):
            return cached.read_bytes()
        body = self._download(url)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".part-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.replace(tmp, cached)
        return body

    def _throttle(self) -> None:
        with self._lock:
            now = self._clock()
            if self._last_request is not None:
                wait = self._last_request + self._min_interval_s - now
                if wait > 0:
                    self._sleep(wait)
                    now += wait
            self._last_request = now

    def _download(self, url: str) -> bytes:
        detail = ""
        headers = {"User-Agent": f"astrobio/{__version__}"}
        with httpx.Client(timeout=self._timeout_s, headers=headers, follow_redirects=True) as client:
            for attempt in range(self._retries + 1):
                retry_after: float | None = None
                self._throttle()
                self.requests += 1
                try:
                    response = client.get(url)
                except _NETWORK as exc:
                    detail = f"{type(exc).__name__}: {exc}"
                except httpx.HTTPError as exc:
                    raise UpstreamUnavailable(SERVICE, f"{type(exc).__name__}: {exc}") from exc
                else:
                    status = response.status_code
                    if 200 <= status < 300:
                        return response.content
                    if status in (400, 404):
                        raise NotFound(
                            f"KEGG has no {url.removeprefix(self._base)} (HTTP {status})", field="pathway_id"
                        )
                    detail = f"HTTP {status} for {url.removeprefix(self._base)}"
                    if status not in _RETRY_STATUS and status < 500:
                        raise UpstreamUnavailable(SERVICE, detail)
                    retry_after = retry_after_s(response.headers.get("Retry-After"), self._wall_clock())
                if attempt < self._retries:
                    delay = self._backoff_s * 2**attempt
                    if retry_after is not None and retry_after <= self._max_retry_after_s:
                        delay = retry_after
                    self._sleep(delay)
        raise UpstreamUnavailable(SERVICE, f"{detail} (after {self._retries + 1} attempts)")
