"""Provenance of predictions and pipeline results: the dataset versions and model checkpoints used.

Every ingestion is recorded by the governance store as a content-addressed dataset version
(``exoplanet_table.pscomppars@sha256:...``, ``climate_cube.<name>@sha256:...``,
``sbml_model.<id>@sha256:...``). A prediction or a pipeline result names the versions it read
and the checkpoints it ran. Lookups are best effort: embedded use without any ingestion (or a
store without governance tables) gives ``None`` for a version, never a wrong one, and never
fails the prediction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from astrobio.application.ports.governance import GovernanceRepository
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.climate import ClimateCube
from astrobio.domain.dataset_version import MAIN_TAG, SecurityLevel, check_dataset_id, dataset_id_for
from astrobio.domain.surrogate import ModelCard

_log = logging.getLogger(__name__)

#: Dataset kinds of the ingestions predictions read.
CATALOG_KIND = "exoplanet_table"
CUBE_KIND = "climate_cube"
SBML_KIND = "sbml_model"
#: The dataset of the bundled and archive catalog snapshots.
CATALOG_DATASET = f"{CATALOG_KIND}.pscomppars"


def published_version_id(repo: GovernanceRepository | None, dataset_id: str) -> str | None:
    """The ``sha256:...`` id of the dataset's published (``main``-tagged) version.

    None when the dataset is not recorded, has no published version, or the governance store
    cannot be read (embedded use without ingestion).
    """
    if repo is None:
        return None
    try:
        return repo.current_tags(check_dataset_id(dataset_id)).get(MAIN_TAG)
    except Exception as exc:  # provenance is best effort: it never fails the prediction
        _log.debug("no published version of %s: %s", dataset_id, exc)
        return None


def published_version(repo: GovernanceRepository | None, dataset_id: str) -> str | None:
    """``<dataset id>@sha256:...`` of the published version, or None (see :func:`published_version_id`)."""
    version = published_version_id(repo, dataset_id)
    return None if version is None else f"{dataset_id}@{version}"


def published_versions_of_kind(repo: GovernanceRepository | None, kind: str, limit: int = 1000) -> list[str]:
    """``<dataset id>@sha256:...`` of every dataset of ``kind`` that has a published version."""
    if repo is None:
        return []
    try:
        page = repo.list_datasets(
            query=None, max_level=SecurityLevel.SECRET, kind=kind, offset=0, limit=limit
        )
        ids = [d.id for d in page.items]
    except Exception as exc:
        _log.debug("no %s datasets: %s", kind, exc)
        return []
    return [v for v in (published_version(repo, i) for i in ids) if v is not None]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServedCatalog:
    """The catalog version the planet table holds: the one a run reads.

    ``dataset_version`` is ``exoplanet_table.<name>@sha256:...``; ``source`` what that ingestion
    read (``bundled``, ``archive`` or a file path).
    """

    dataset_version: str
    source: str


def served_catalog(repo: GovernanceRepository | None) -> ServedCatalog | None:
    """The catalog dataset whose ``serving`` tag moved last (an applied ingestion or a rollback);
    None when none was recorded (or the store cannot be read)."""
    if repo is None:
        return None
    from astrobio.application.use_cases.record_ingestion import SERVING_TAG

    try:
        page = repo.list_datasets(query=None, max_level=SecurityLevel.SECRET, kind=CATALOG_KIND, offset=0,
                                  limit=1000)
        latest = None
        for ds in page.items:
            history = repo.tag_history(ds.id, SERVING_TAG)
            if history and (latest is None or history[-1].moved_at >= latest.moved_at):
                latest = history[-1]
        if latest is None:
            return None
        version = repo.get_version(latest.dataset_id, latest.version_id)
    except Exception as exc:  # provenance is best effort: it never fails the run
        _log.debug("no served catalog: %s", exc)
        return None
    source = "" if version is None else str(version.lineage.parameters.get("source", ""))
    return ServedCatalog(dataset_version=f"{latest.dataset_id}@{latest.version_id}", source=source)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingDatum:
    """One training cube of a model: its id and checksum on the card, and its recorded version.

    ``dataset_version`` is ``climate_cube.<name>@sha256:...`` (the published version of the cube's
    dataset) or None when the cube or its dataset is not recorded here.
    """

    cube_id: str
    checksum: str
    dataset_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"cube_id": self.cube_id, "checksum": self.checksum, "dataset_version": self.dataset_version}


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelProvenance:
    """The checkpoint a prediction ran and the data it was trained on.

    ``model_id`` is the SHA-256 of the checkpoint; ``code_version`` the code that predicted,
    ``model_code_version`` the code that trained the model.
    """

    model_id: str
    model_mode: str
    code_version: str
    model_code_version: str
    training_data: tuple[TrainingDatum, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "model_mode": self.model_mode,
            "code_version": self.code_version,
            "model_code_version": self.model_code_version,
            "training_data": [t.to_dict() for t in self.training_data],
        }


def card_provenance(card: ModelCard, code_version: str = "") -> ModelProvenance:
    """The provenance a card alone gives (no dataset versions)."""
    return ModelProvenance(
        model_id=card.id,
        model_mode=card.mode.value,
        code_version=code_version,
        model_code_version=card.code_version,
        training_data=tuple(TrainingDatum(cube_id=i, checksum=s) for i, s in card.training_cubes),
    )


class ResolveModelProvenance:
    """A surrogate's provenance with the recorded dataset version of each training cube.

    Rules: a training cube is the stored cube with the card's checksum (same content), else the
    stored cube with the card's cube id; its dataset is ``climate_cube.<cube name>`` and its
    version the published (``main``) one. A cube not stored, a dataset not recorded or an
    unreadable store leaves ``dataset_version`` None.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory | None = None,
        governance: Callable[[], GovernanceRepository] | None = None,
        code_version: str = "",
    ) -> None:
        self._uow_factory = uow_factory
        self._governance = governance
        self._code_version = code_version

    def _cubes(self) -> Sequence[ClimateCube]:
        if self._uow_factory is None:
            return ()
        try:
            with self._uow_factory() as uow:
                return list(uow.cubes.list())
        except Exception as exc:
            _log.debug("no stored cubes: %s", exc)
            return ()

    def execute(self, card: ModelCard) -> ModelProvenance:
        base = card_provenance(card, self._code_version)
        if not card.training_cubes or self._governance is None:
            return base
        cubes = self._cubes()
        by_checksum = {c.checksum: c for c in cubes}
        by_id = {c.id: c for c in cubes}
        try:
            repo: GovernanceRepository | None = self._governance()
        except Exception as exc:
            _log.debug("no governance store: %s", exc)
            repo = None
        out = []
        for t in base.training_data:
            cube = by_checksum.get(t.checksum) or by_id.get(t.cube_id)
            version = None
            if cube is not None:
                try:
                    version = published_version(repo, dataset_id_for(CUBE_KIND, cube.name))
                except Exception:  # an unusable cube name: no dataset
                    version = None
            out.append(TrainingDatum(cube_id=t.cube_id, checksum=t.checksum, dataset_version=version))
        return ModelProvenance(
            model_id=base.model_id,
            model_mode=base.model_mode,
            code_version=base.code_version,
            model_code_version=base.model_code_version,
            training_data=tuple(out),
        )


def metabolic_model_versions(
    repo: GovernanceRepository | None, model_ids: Iterable[str]
) -> list[dict[str, Any]]:
    """``{"kind": "metabolic_model", "id", "dataset_version"}`` per model (version None if unrecorded)."""
    out = []
    for model_id in model_ids:
        try:
            dataset_id: str | None = dataset_id_for(SBML_KIND, model_id)
        except Exception:
            dataset_id = None
        version = None if dataset_id is None else published_version(repo, dataset_id)
        out.append({"kind": "metabolic_model", "id": model_id, "dataset_version": version})
    return out
