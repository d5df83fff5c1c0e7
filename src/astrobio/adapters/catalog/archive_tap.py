"""The NASA Exoplanet Archive's TAP service (table ``pscomppars``) as an exoplanet catalog."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from astrobio import __version__
from astrobio.adapters.catalog.pscomppars import ADQL_QUERY, parse_pscomppars_bytes
from astrobio.adapters.http_headers import retry_after_s
from astrobio.application.ports.catalogs import ExoplanetCatalog
from astrobio.domain.catalog import CatalogSnapshot
from astrobio.domain.errors import CatalogUnreadable, UpstreamUnavailable

log = logging.getLogger(__name__)

SERVICE = "exoplanet-archive"
DEFAULT_BASE_URL = "https://exoplanetarchive.ipac.caltech.edu/TAP"
_QUERY_STATUS_ERROR = re.compile(
    r"<INFO[^>]*name=\"QUERY_STATUS\"[^>]*value=\"ERROR\"[^>]*>(.*?)</INFO>", re.IGNORECASE | re.DOTALL
)
_TAGS = re.compile(r"<[^>]+>")
_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def error_in_body(text: str) -> str | None:
    """The archive's error message when a 2xx body is an error document, else ``None``.

    The archive (nexsciTAP) answers some failures with HTTP 200 and a VOTable
    (``<INFO name="QUERY_STATUS" value="ERROR">``), a JSON ``{"status": "error", "msg": ...}``
    or a plain ``ERROR ...`` line instead of the CSV.
    """
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        match = _QUERY_STATUS_ERROR.search(head)
        message = _TAGS.sub(" ", match.group(1) if match else head)
        return " ".join(message.split())[:500] or "XML/HTML document instead of CSV"
    if head.startswith("{"):
        try:
            payload = json.loads(head)
        except ValueError:
            return head[:500]
        if isinstance(payload, dict):
            return str(payload.get("msg") or payload.get("message") or payload)[:500]
        return head[:500]
    lines = head.splitlines()
    if lines and "ERROR" in lines[0]:
        return lines[0][:500]
    return next((line[:500] for line in lines if line.lstrip('"').startswith("ERROR")), None)


def _excerpt(response: httpx.Response) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, LookupError):
        return ""
    return error_in_body(text) or " ".join(text.split())[:200]


class ArchiveTapCatalog(ExoplanetCatalog):
    """PSCompPars fetched with one TAP ``sync`` query, with retries and a local cache.

    ``GET {base_url}/sync?query=select <columns> from pscomppars&format=csv``.
    Connect errors, timeouts, 429 and 5xx are retried up to ``retries`` times with
    exponential backoff (``backoff_s * 2**n``; a ``Retry-After`` of at most
    ``max_retry_after_s`` is waited instead, a longer one fails at once); other 4xx fail at
    once. Every failure ends in :class:`UpstreamUnavailable` (service ``"exoplanet-archive"``);
    an error document served with HTTP 200 too. A malformed CSV is :class:`CatalogUnreadable`.

    With ``cache_dir``, a successful answer is stored as ``<sha256 of the URL>.csv``
    (temporary file + ``os.replace``, so readers never see half a file); an entry younger than
    ``max_age_s`` is served without touching the network, an older one is refetched.

    Parameters
    ----------
    base_url: the TAP service root.
    timeout_s: connect/read/write/pool timeout of each attempt, seconds.
    retries: attempts after the first one.
    backoff_s: first retry delay, seconds (doubles each retry); 0 in tests.
    cache_dir: response cache folder (created when needed), or ``None`` for no cache.
    max_age_s: how long a cached answer stays fresh, seconds.
    max_retry_after_s: longest ``Retry-After`` honoured.
    transport: an ``httpx`` transport for the internally built client (tests).
    client: a ready ``httpx.Client`` to use instead (not closed by this class).
    sleep, clock: injectable ``time.sleep`` and ``time.time``.
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout_s: float = 30.0,
        retries: int = 3,
        backoff_s: float = 1.0,
        cache_dir: str | os.PathLike[str] | None = None,
        max_age_s: float = 86_400.0,
        max_retry_after_s: float = 120.0,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if retries < 0 or timeout_s <= 0 or backoff_s < 0:
            raise ValueError("retries and backoff_s must be >= 0, timeout_s > 0")
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._retries = retries
        self._backoff_s = backoff_s
        self._cache_dir = None if cache_dir is None else Path(cache_dir)
        self._max_age_s = max_age_s
        self._max_retry_after_s = max_retry_after_s
        self._transport = transport
        self._client = client
        self._sleep = sleep
        self._clock = clock

    @property
    def source(self) -> str:
        return "exoplanet-archive:pscomppars"

    @property
    def url(self) -> str:
        """The full request URL (also the cache key)."""
        return str(httpx.URL(f"{self._base_url}/sync", params={"query": ADQL_QUERY, "format": "csv"}))

    def cache_path(self) -> Path | None:
        if self._cache_dir is None:
            return None
        return self._cache_dir / f"{hashlib.sha256(self.url.encode()).hexdigest()}.csv"

    def fetch(self) -> CatalogSnapshot:
        cached = self._read_fresh_cache()
        if cached is not None:
            try:
                return parse_pscomppars_bytes(cached, source=self.source)
            except CatalogUnreadable:
                log.warning("discarding unreadable cached archive answer %s", self.cache_path())
        body = self._download()
        snapshot = parse_pscomppars_bytes(body, source=self.source)
        self._write_cache(body)
        return snapshot

    # -- network ------------------------------------------------------------------------
    def _download(self) -> bytes:
        if self._client is not None:
            return self._download_with(self._client)
        headers = {"User-Agent": f"astrobio/{__version__}"}
        with httpx.Client(
            timeout=self._timeout_s, transport=self._transport, follow_redirects=True, headers=headers
        ) as client:
            return self._download_with(client)

    def _download_with(self, client: httpx.Client) -> bytes:
        attempts = self._retries + 1
        detail = ""
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                response = client.get(self.url, timeout=self._timeout_s)
            except httpx.TimeoutException as exc:
                detail = f"timed out after {self._timeout_s:g} s ({type(exc).__name__})"
            except _RETRYABLE as exc:
                detail = f"{type(exc).__name__}: {exc}"
            except httpx.HTTPError as exc:
                raise UpstreamUnavailable(SERVICE, f"{type(exc).__name__}: {exc}") from exc
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return self._checked_body(response)
                detail = f"HTTP {status}" + (f": {excerpt}" if (excerpt := _excerpt(response)) else "")
                if status != 429 and status < 500:
                    raise UpstreamUnavailable(SERVICE, detail)
                retry_after = retry_after_s(response.headers.get("Retry-After"), self._clock())
                if retry_after is not None and retry_after > self._max_retry_after_s:
                    raise UpstreamUnavailable(SERVICE, f"{detail} (Retry-After {retry_after:g} s)")
            if attempt + 1 < attempts:
                delay = retry_after if retry_after is not None else self._backoff_s * 2**attempt
                log.info("archive attempt %d/%d: %s; retry in %g s", attempt + 1, attempts, detail, delay)
                self._sleep(delay)
        raise UpstreamUnavailable(SERVICE, f"{detail} (gave up after {attempts} attempts)")

    @staticmethod
    def _checked_body(response: httpx.Response) -> bytes:
        body = response.content
        message = error_in_body(body.decode("utf-8", errors="replace"))
        if message is not None:
            raise UpstreamUnavailable(SERVICE, f"error document with HTTP {response.status_code}: {message}")
        return body

    # -- cache ----------------------------------------------------------------------------
    def _read_fresh_cache(self) -> bytes | None:
        path = self.cache_path()
        if path is None:
            return None
        try:
            if self._clock() - path.stat().st_mtime > self._max_age_s:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def _write_cache(self, body: bytes) -> None:
        path = self.cache_path()
        if path is None:
            return
        tmp_name = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", suffix=".tmp", delete=False) as tmp:
                tmp_name = tmp.name
                tmp.write(body)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, path)
        except OSError as exc:  # the cache only saves time: never fail a good fetch for it
            log.warning("could not cache the archive answer in %s: %s", path, exc)
            if tmp_name is not None:
                Path(tmp_name).unlink(missing_ok=True)
