"""Apps for the edge tests: a real (tmp, migrated) SQLite database, auth off or on."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.crypto.keys import ScryptSecretHasher
from astrobio.adapters.sql import migrate
from astrobio.application.use_cases.record_ingestion import IngestedFile, RecordIngestionCommand
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.dataset_version import DublinCore, SecurityLevel
from astrobio.domain.quality import QualityMetrics, QualityReport
from astrobio.entrypoints.http import create_app

MASTER = base64.b64encode(b"e" * 32).decode()
GOOD = QualityReport(
    kind="t", subject="s", rows=1,
    metrics=QualityMetrics(completeness=1.0, validity=1.0, consistency=1.0, uniqueness=1.0,
                           timeliness=1.0, outlier_fraction=0.0),
)
EARTH = {
    "name": "Earth", "radius_earth": 1.0, "mass_earth": 1.0, "orbital_period_days": 365.25,
    "star": {"teff_k": 5772, "radius_sun": 1.0, "mass_sun": 1.0},
}


@dataclass
class Edge:
    client: TestClient[Litestar]
    container: Container
    tokens: dict[str, str]
    settings: Settings


def build(
    tmp_path: Path, *, auth: bool, imports: tuple[Path, ...] | None = None
) -> tuple[Container, Settings]:
    settings = Settings(data_dir=tmp_path / "var", auth=auth, master_key_b64=MASTER,
                        import_dirs_paths=imports)
    migrate.upgrade(settings.sqlalchemy_url, "head")
    c = build_container(settings)
    c.governance.hasher.override(providers.Object(ScryptSecretHasher(n=2**10)))
    for name, level, edition in (
        ("catalog", SecurityLevel.PUBLIC, 1),
        ("catalog", SecurityLevel.PUBLIC, 2),  # two versions: a rollback has somewhere to go
        ("methanogen-genomes", SecurityLevel.RESTRICTED, 1),
    ):
        c.governance.record_ingestion().execute(RecordIngestionCommand(
            kind="table", name=name, quality=GOOD, produced_by="test", security_level=level,
            files=(IngestedFile(name="data.txt", data=f"{name} rows, edition {edition}".encode()),),
            metadata=DublinCore(title=f"{name} title"),
        ))
    return c, settings


def _edge(tmp_path: Path, auth: bool) -> Iterator[Edge]:
    c, settings = build(tmp_path, auth=auth, imports=(tmp_path / "imports",))
    tokens = {} if not auth else {
        role: c.governance.create_api_key().execute(f"{role}-user", role).token
        for role in ("viewer", "analyst", "curator", "admin")
    }
    with TestClient(app=create_app(c)) as client:
        yield Edge(client=client, container=c, tokens=tokens, settings=settings)


@pytest.fixture
def open_edge(tmp_path: Path) -> Iterator[Edge]:
    yield from _edge(tmp_path, auth=False)


@pytest.fixture(scope="module")
def shared_open_edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    """One app per module, for tests that only read or are refused."""
    yield from _edge(tmp_path_factory.mktemp("edge"), auth=False)


@pytest.fixture(scope="module")
def shared_secured_edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    yield from _edge(tmp_path_factory.mktemp("edge"), auth=True)


@pytest.fixture
def secured_edge(tmp_path: Path) -> Iterator[Edge]:
    yield from _edge(tmp_path, auth=True)


def key(token: str) -> dict[str, str]:
    return {"X-API-Key": token}
