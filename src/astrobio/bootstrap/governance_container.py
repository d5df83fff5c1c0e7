"""Providers for quality reports, dataset versions, encryption, access control, audit log.

Wired into :class:`astrobio.bootstrap.container.Container` as ``governance``. Adapter modules are
imported inside factory functions so building the container stays cheap.

Other ingestions publish through ``container.governance.record_ingestion()`` (see
:class:`~astrobio.application.use_cases.record_ingestion.RecordIngestion`) with a report from
``container.governance.validators()[kind]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from astrobio.application.ports.clock import SystemClock
from astrobio.application.ports.governance import (
    CubeInspector,
    GovernanceRepository,
    ObjectStore,
    QualityValidator,
)
from astrobio.application.use_cases.access import (
    Authenticate,
    CreateApiKey,
    ListApiKeys,
    RecordAudit,
    RecordAuthFailure,
    ResolvePrincipal,
    RevokeApiKey,
    VerifyAudit,
)
from astrobio.application.use_cases.datasets import (
    DiffDatasetVersions,
    ExportLineage,
    GetDataset,
    GetVersion,
    ListDatasets,
    OverrideQualityGate,
    ReadVersionFile,
    RollbackTag,
    TagDatasetVersion,
)
from astrobio.application.use_cases.governed_ingestion import ApplyCatalogVersion
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.provenance import ResolveModelProvenance
from astrobio.application.use_cases.record_ingestion import RecordIngestion
from astrobio.bootstrap.settings import Settings
from astrobio.domain.access import LOCAL_ADMIN, Principal


def _job_handlers() -> dict[str, JobHandler]:
    return {}


def _repository(engine: Any) -> GovernanceRepository:
    from astrobio.adapters.sql.governance_repository import SqlGovernanceRepository

    return SqlGovernanceRepository(engine)


def _envelope(settings: Settings) -> Any:
    from astrobio.adapters.crypto.aes_gcm import AesGcmEnvelope
    from astrobio.adapters.crypto.keys import load_master_key

    return AesGcmEnvelope(load_master_key(settings.master_key_b64, settings.master_key_file))


def _object_store(root: Path, envelope: providers.Provider[Any]) -> ObjectStore:
    from astrobio.adapters.governance.file_objects import FileObjectStore

    return FileObjectStore(root, envelope)


def _hasher() -> Any:
    from astrobio.adapters.crypto.keys import ScryptSecretHasher

    return ScryptSecretHasher()


def _validators() -> dict[str, QualityValidator]:
    from astrobio.adapters.quality.cubes import ClimateCubeValidator
    from astrobio.adapters.quality.exoplanets import ExoplanetTableValidator
    from astrobio.adapters.quality.reactions import ReactionNetworkValidator
    from astrobio.adapters.quality.sequences import GenomeSequenceValidator

    found: list[QualityValidator] = [
        ExoplanetTableValidator(),
        ClimateCubeValidator(),
        GenomeSequenceValidator(),
        ReactionNetworkValidator(),
    ]
    return {v.kind: v for v in found}


def _catalog_validator() -> QualityValidator:
    from astrobio.adapters.quality.exoplanets import ExoplanetTableValidator

    return ExoplanetTableValidator()


def _cube_inspector() -> CubeInspector:
    from astrobio.adapters.quality.cubes import XarrayCubeInspector

    return XarrayCubeInspector()


def _code_version() -> str:
    from astrobio import __version__

    return __version__


def rotate_master_key(settings: Settings, new_key: bytes | None = None) -> tuple[str, str, int]:
    """Re-wrap every stored data key under a new master key; returns (old kid, new kid, count).

    With a key file, the new key replaces it after every header is re-wrapped (the old key is kept
    as ``<file>.previous`` until then, so an interrupted rotation can be rerun). With
    ``ASTROBIO_MASTER_KEY`` the caller passes the new key and then updates the variable.
    """
    import os

    from astrobio.adapters.crypto.aes_gcm import AesGcmEnvelope
    from astrobio.adapters.crypto.keys import load_master_key, write_key_file
    from astrobio.adapters.governance.file_objects import FileObjectStore

    old = AesGcmEnvelope(load_master_key(settings.master_key_b64, settings.master_key_file))
    key = new_key if new_key is not None else os.urandom(32)
    fresh = AesGcmEnvelope(key)
    store = FileObjectStore(settings.governance_dir, lambda: old)
    if not settings.master_key_b64:
        write_key_file(
            settings.master_key_file.with_name(settings.master_key_file.name + ".previous"),
            load_master_key(None, settings.master_key_file),
        )
    count = store.rotate(old, fresh)
    if not settings.master_key_b64:
        write_key_file(settings.master_key_file, key)
    return old.kid, fresh.kid, count


def local_principal() -> Principal:
    return LOCAL_ADMIN


class GovernanceContainer(containers.DeclarativeContainer):
    """Quality reports, dataset versions, encryption, access control, audit log."""

    settings = providers.Dependency(instance_of=Settings)
    uow_factory: providers.Dependency[Any] = providers.Dependency()
    engine: providers.Dependency[Any] = providers.Dependency()

    clock = providers.Singleton(SystemClock)
    repository = providers.ThreadSafeSingleton(_repository, engine)
    envelope = providers.ThreadSafeSingleton(_envelope, settings)
    object_store = providers.ThreadSafeSingleton(
        _object_store, settings.provided.governance_dir, envelope.provider
    )
    hasher = providers.ThreadSafeSingleton(_hasher)
    validators = providers.ThreadSafeSingleton(_validators)
    catalog_validator = providers.ThreadSafeSingleton(_catalog_validator)
    cube_inspector = providers.ThreadSafeSingleton(_cube_inspector)
    code_version = providers.Singleton(_code_version)

    record_ingestion = providers.Factory(RecordIngestion, repository, object_store, clock, code_version)
    list_datasets = providers.Factory(ListDatasets, repository)
    get_dataset = providers.Factory(GetDataset, repository)
    get_version = providers.Factory(GetVersion, repository)
    diff_versions = providers.Factory(DiffDatasetVersions, repository)
    tag_version = providers.Factory(TagDatasetVersion, repository, clock)
    #: Rolling back ``main`` of the catalog re-applies that version to the planet table.
    apply_catalog_version = providers.Factory(ApplyCatalogVersion, uow_factory, repository, object_store,
                                              record_ingestion)
    rollback_tag = providers.Factory(RollbackTag, repository, clock, appliers=providers.Dict(
        exoplanet_table=providers.Callable(lambda uc: uc.execute, apply_catalog_version)))
    export_lineage = providers.Factory(ExportLineage, repository)
    override_gate = providers.Factory(OverrideQualityGate, repository, clock)
    read_version_file = providers.Factory(ReadVersionFile, repository, object_store)
    create_api_key = providers.Factory(CreateApiKey, repository, hasher, clock)
    revoke_api_key = providers.Factory(RevokeApiKey, repository, clock)
    list_api_keys = providers.Factory(ListApiKeys, repository)
    authenticate = providers.ThreadSafeSingleton(Authenticate, repository, hasher)
    record_audit = providers.Factory(RecordAudit, repository, clock)
    #: The one "who is acting" rule of the HTTP API and the CLI.
    resolve_principal = providers.ThreadSafeSingleton(
        ResolvePrincipal, authenticate.provider, settings.provided.auth
    )
    #: 401s audited per (actor, client) and minute, not one row each.
    record_auth_failure = providers.ThreadSafeSingleton(RecordAuthFailure, repository, clock)
    verify_audit = providers.Factory(VerifyAudit, repository)
    #: Provenance of predictions: the checkpoint and the recorded versions of its training cubes.
    model_provenance = providers.Factory(
        ResolveModelProvenance, uow_factory, repository.provider, code_version
    )

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(_job_handlers)
