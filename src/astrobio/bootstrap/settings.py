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
                                (also ``climate=W``: the surrogate component)    (climate 0)
ASTROBIO_LOG_LEVEL              ``debug`` / ``info`` / ``warning``               ``info``
ASTROBIO_LOG_JSON               ``1`` JSON lines, ``0`` console, unset: auto      JSON when not a terminal
ASTROBIO_HOST / ASTROBIO_PORT   ``astrobio serve`` bind address                  ``127.0.0.1`` / ``8000``
ASTROBIO_CUBE_ROOT              Zarr cube root (local path or fsspec URL)        ``<data dir>/cubes``
ASTROBIO_RUNS_DIR               GCM run work directories (shared FS for SLURM)   ``<data dir>/runs``
ASTROBIO_SLURM_PARTITION        SLURM partition for GCM runs                     the cluster default
ASTROBIO_DASK_SCHEDULER         dask.distributed scheduler address for ingest    unset: dask threads
ASTROBIO_GCM_RANKS              MPI ranks per ExoPlaSim run (1 or 2 prebuilt)    ``1``
ASTROBIO_LOCAL_MAX_PARALLEL     concurrent runs of the local job runner          ``1``
ASTROBIO_MAX_RUN_ATTEMPTS       submissions of a failed (not crashed) run        ``2``
ASTROBIO_MODELS_DIR             surrogate registry (checkpoints + model cards)   ``<bundled data dir>/models``
ASTROBIO_KEGG_URL               KEGG REST base URL (``--source rest``)           ``https://rest.kegg.jp``
ASTROBIO_AUTH                   ``on``: API keys required (mutations, non-public) ``off`` (local admin)
ASTROBIO_MASTER_KEY             base64 32-byte master key (envelope encryption)  unset: the key file
ASTROBIO_MASTER_KEY_FILE        master key file (created 0600 on first use)      ``<data dir>/master.key``
ASTROBIO_PHOENIX_DIR            local PHOENIX-ACES grid for stellar spectra      unset: templates, blackbody
ASTROBIO_NCBI_URL               NCBI genomes file server                         ``https://ftp.ncbi.nlm.nih.gov``
ASTROBIO_NCBI_API_KEY           NCBI API key (10 instead of 3 requests/s)        unset
ASTROBIO_JOB_TIMEOUT_S          cap on every job kind's own time limit, s        ``21600``
ASTROBIO_IMPORT_DIRS            directories (``:``-separated) whose files API     ``<data dir>/imports``
                                jobs may read (``source`` paths in job params)    and the bundled data dir
ASTROBIO_JOB_LEASE_S            lease of a running job (renewed every third), s  ``30``
ASTROBIO_JOB_REAP_INTERVAL_S    how often lapsed leases are taken back, s        ``10``
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


def parse_weights(text: str, source: str = "ASTROBIO_RANK_WEIGHTS") -> ScoreWeights:
    """Parse ``"hz=0.4,esi=0.2"`` into :class:`ScoreWeights` (unnamed weights keep defaults).

    ``source`` names where the text came from (the variable, or the ``--weights`` flag) in errors.
    """
    values: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, val = part.partition("=")
        if not sep or key.strip() not in {"hz", "esi", "detectability", "planet_class", "climate"}:
            raise InvalidQuantity(
                f"bad weight {part!r} (use hz/esi/detectability/planet_class/climate=NUMBER)",
                field=source)
        try:
            values[key.strip()] = float(val)
        except ValueError:
            raise InvalidQuantity(f"weight {key.strip()} is not a number: {val!r}",
                                  field=source) from None
    try:
        return ScoreWeights(**values)
    except InvalidQuantity as exc:
        raise InvalidQuantity(exc.message, field=source) from None


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
    cube_root_url: str | None = None
    runs_dir_path: Path | None = None
    slurm_partition: str | None = None
    dask_scheduler: str | None = None
    gcm_ranks: int = 1
    local_max_parallel: int = 1
    max_run_attempts: int = 2
    models_dir_path: Path | None = None
    kegg_url: str = "https://rest.kegg.jp"
    auth: bool = False
    master_key_b64: str | None = field(default=None, repr=False)  # a secret: never in a repr
    master_key_file_path: Path | None = None
    phoenix_dir: Path | None = None
    ncbi_url: str = "https://ftp.ncbi.nlm.nih.gov"
    ncbi_api_key: str | None = None
    #: A cap on every job kind's own time limit (each kind has one, see ``bootstrap/jobs.py``).
    job_timeout_s: int = 6 * 3600
    #: A running job's lease: renewed every third of it; lapsed leases are reaped every interval.
    job_lease_s: int = 30
    #: Server-side files named in API job parameters must lie under one of these (None: defaults).
    import_dirs_paths: tuple[Path, ...] | None = None
    job_reap_interval_s: int = 10

    @property
    def import_dirs(self) -> tuple[Path, ...]:
        """Where API-submitted jobs may read server-side files (resolved, symlinks followed)."""
        dirs = self.import_dirs_paths or ((self.data_dir / "imports"), self.bundled_data_dir)
        return tuple(d.resolve() for d in dirs)

    @property
    def master_key_file(self) -> Path:
        return self.master_key_file_path or (self.data_dir / "master.key").resolve()

    @property
    def governance_dir(self) -> Path:
        """Stored dataset-version content (encrypted at RESTRICTED and above)."""
        return (self.data_dir / "datasets").resolve()

    @property
    def cube_root(self) -> str:
        return self.cube_root_url or str((self.data_dir / "cubes").resolve())

    @property
    def runs_dir(self) -> Path:
        return self.runs_dir_path or (self.data_dir / "runs").resolve()

    @property
    def models_dir(self) -> Path:
        """The climate-surrogate registry (the bundled default model unless ASTROBIO_MODELS_DIR)."""
        return self.models_dir_path or self.bundled_data_dir / "models"

    @property
    def gcm_dir(self) -> Path:
        """The bundled ExoPlaSim runs (the example cube set)."""
        return self.bundled_data_dir / "gcm"

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
    def kegg_dir(self) -> Path:
        """The bundled KEGG snapshot (KGML maps + flat tables)."""
        return self.bundled_data_dir / "kegg"

    @property
    def gvae_dir(self) -> Path:
        """The active graph VAE (``model.pt`` + ``card.json``)."""
        return self.models_dir / "gvae"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


def _int(value: str, name: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise InvalidQuantity(f"ASTROBIO_{name} must be a positive integer, got {value!r}",
                              field=f"ASTROBIO_{name}")
    return int(value)


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
        kw["port"] = _int(v, "PORT")
    if (v := get("CUBE_ROOT")) is not None:
        kw["cube_root_url"] = v
    if (v := get("RUNS_DIR")) is not None:
        kw["runs_dir_path"] = Path(v).resolve()
    if (v := get("SLURM_PARTITION")) is not None:
        kw["slurm_partition"] = v
    if (v := get("MODELS_DIR")) is not None:
        kw["models_dir_path"] = Path(v).resolve()
    if (v := get("AUTH")) is not None:
        if v.lower() not in {"on", "off", "1", "0", "true", "false"}:
            raise InvalidQuantity(f"ASTROBIO_AUTH must be on or off, got {v!r}", field="ASTROBIO_AUTH")
        kw["auth"] = v.lower() in {"on", "1", "true"}
    if (v := get("MASTER_KEY")) is not None:
        kw["master_key_b64"] = v
    if (v := get("MASTER_KEY_FILE")) is not None:
        kw["master_key_file_path"] = Path(v).resolve()
    if (v := get("PHOENIX_DIR")) is not None:
        kw["phoenix_dir"] = Path(v).resolve()
    if (v := get("KEGG_URL")) is not None:
        kw["kegg_url"] = v
    if (v := get("DASK_SCHEDULER")) is not None:
        kw["dask_scheduler"] = v
    if (v := get("NCBI_URL")) is not None:
        kw["ncbi_url"] = v
    if (v := get("NCBI_API_KEY")) is not None:
        kw["ncbi_api_key"] = v
    if (v := get("IMPORT_DIRS")) is not None:
        kw["import_dirs_paths"] = tuple(Path(p) for p in v.split(os.pathsep) if p)
    for name, key in (("GCM_RANKS", "gcm_ranks"), ("LOCAL_MAX_PARALLEL", "local_max_parallel"),
                      ("MAX_RUN_ATTEMPTS", "max_run_attempts"), ("JOB_TIMEOUT_S", "job_timeout_s"),
                      ("JOB_LEASE_S", "job_lease_s"), ("JOB_REAP_INTERVAL_S", "job_reap_interval_s")):
        if (v := get(name)) is not None:
            kw[key] = _int(v, name)
    return Settings(**kw)  # type: ignore[arg-type]
