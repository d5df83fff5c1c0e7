"""One frozen settings object, loaded once per process from ``ASTROBIO_*`` variables.

Nothing reads the environment at import time: call :func:`load_settings`.

==============================  ===============================================  ==========================
variable                        meaning                                          default
==============================  ===============================================  ==========================
ASTROBIO_DATA_DIR               where the embedded SQLite file and caches live   ``./var``
ASTROBIO_DATABASE_URL           SQLAlchemy URL (``postgresql://...`` or sqlite)  SQLite in the data dir
ASTROBIO_REDIS_URL              use arq workers on this Redis for jobs           unset: in-process jobs
ASTROBIO_QUEUE_NAME             arq queue name                                   ``astrobio:queue``
ASTROBIO_BUNDLED_DATA_DIR       the bundled snapshots (``data/``)                the repository's data/
ASTROBIO_ARCHIVE_URL            NASA Exoplanet Archive TAP base URL              the archive's TAP URL
ASTROBIO_HTTP_TIMEOUT_S         upstream HTTP timeout, s                         ``30``
ASTROBIO_RANK_WEIGHTS           ``hz=0.35,esi=0.25,detectability=0.25,...``      the documented defaults
ASTROBIO_LOG_LEVEL              ``debug`` / ``info`` / ``warning``               ``info``
ASTROBIO_LOG_JSON               ``1`` JSON lines, ``0`` console, unset: auto      JSON when not a terminal
ASTROBIO_HOST / ASTROBIO_PORT   ``astrobio serve`` bind address                  ``127.0.0.1`` / ``8000``
==============================  ===============================================  ==========================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.ranking import ScoreWeights

DEFAULT_ARCHIVE_URL = "https://exoplanetarchive.ipac.caltech.edu/TAP"


def _default_bundled_dir() -> Path:
    # src/astrobio/bootstrap/settings.py -> repository root / data
    return Path(__file__).resolve().parents[3] / "data"


def parse_weights(text: str) -> ScoreWeights:
    """Parse ``"hz=0.4,esi=0.2"`` into :class:`ScoreWeights` (unnamed weights keep defaults)."""
    values: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, val = part.partition("=")
        if not sep or key.strip() not in {"hz", "esi", "detectability", "planet_class"}:
            raise InvalidQuantity(f"bad weight {part!r} (use hz/esi/detectability/planet_class=NUMBER)",
                                  field="ASTROBIO_RANK_WEIGHTS")
        try:
            values[key.strip()] = float(val)
        except ValueError:
            raise InvalidQuantity(f"weight {key.strip()} is not a number: {val!r}",
                                  field="ASTROBIO_RANK_WEIGHTS") from None
    return ScoreWeights(**values)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str | None = None
    queue_name: str = "astrobio:queue"
    bundled_data_dir: Path = field(default_factory=_default_bundled_dir)
    archive_url: str = DEFAULT_ARCHIVE_URL
    http_timeout_s: float = 30.0
    rank_weights: ScoreWeights = field(default_factory=ScoreWeights)
    log_level: str = "info"
    log_json: bool | None = None
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'astrobio.sqlite3').resolve()}"

    @property
    def catalog_path(self) -> Path:
        return self.bundled_data_dir / "exoplanet_archive" / "PSCompPars_2025-08.csv"

    @property
    def colours_path(self) -> Path:
        return self.bundled_data_dir / "stellar_colors" / "EEM_dwarf_UBVIJHK_colors_Teff.txt"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``env`` (default: ``os.environ``)."""
    e = os.environ if env is None else env

    def get(name: str) -> str | None:
        v = e.get(f"ASTROBIO_{name}")
        return v if v not in (None, "") else None

    kw: dict[str, object] = {}
    if (v := get("DATA_DIR")) is not None:
        kw["data_dir"] = Path(v)
    if (v := get("DATABASE_URL")) is not None:
        kw["database_url"] = v
    if (v := get("REDIS_URL")) is not None:
        kw["redis_url"] = v
    if (v := get("QUEUE_NAME")) is not None:
        kw["queue_name"] = v
    if (v := get("BUNDLED_DATA_DIR")) is not None:
        kw["bundled_data_dir"] = Path(v)
    if (v := get("ARCHIVE_URL")) is not None:
        kw["archive_url"] = v
    if (v := get("HTTP_TIMEOUT_S")) is not None:
        try:
            kw["http_timeout_s"] = float(v)
        except ValueError:
            raise InvalidQuantity(f"ASTROBIO_HTTP_TIMEOUT_S is not a number: {v!r}",
                                  field="ASTROBIO_HTTP_TIMEOUT_S") from None
    if (v := get("RANK_WEIGHTS")) is not None:
        kw["rank_weights"] = parse_weights(v)
    if (v := get("LOG_LEVEL")) is not None:
        kw["log_level"] = v.lower()
    if (v := get("LOG_JSON")) is not None:
        kw["log_json"] = v.lower() in {"1", "true", "yes"}
    if (v := get("HOST")) is not None:
        kw["host"] = v
    if (v := get("PORT")) is not None:
        if not v.isdigit():
            raise InvalidQuantity(f"ASTROBIO_PORT is not a port number: {v!r}", field="ASTROBIO_PORT")
        kw["port"] = int(v)
    return Settings(**kw)  # type: ignore[arg-type]
