"""Hyperparameter search wiring: study storage, objectives per model kind, the ``search_trials``
job, dispatch to workers (arq jobs or a SLURM array) and registration of the best trial.

Kinds: ``climate_scalar``, ``climate_datacube``, ``denoiser`` (objective: best validation loss,
minimised) and ``gvae`` (validation AUROC, maximised). Each trial trains in its own directory under
``<data dir>/search/<study>/trial-<n>`` (a file system every worker sees); the best trial is
registered afterwards (not activated unless asked) with the study in its model card.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from astrobio.application.ports.job_runner import BatchJobSpec
from astrobio.application.use_cases.jobs import JobHandler, SubmitJobCommand
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import InvalidQuantity, NotFound
from astrobio.domain.job import JobState

SEARCH_JOB = "search_trials"
KINDS = ("climate_scalar", "climate_datacube", "gvae", "denoiser")
#: Defaults of a tiny search trial (each trial is one short training run).
TRIAL_DEFAULTS: dict[str, dict[str, Any]] = {
    "climate_scalar": {"max_epochs": 30, "batch_size": 4, "holdout_fraction": 0.2, "patience": 10},
    "climate_datacube": {"max_epochs": 30, "batch_size": 4, "holdout_fraction": 0.2, "patience": 10},
    "gvae": {"epochs": 20},
    "denoiser": {"epochs": 5, "n_spectra": 2000, "mode": "supervised"},
}


def _storage(settings: Settings) -> Any:
    from astrobio.adapters.ml.search import open_storage, storage_url

    return open_storage(storage_url(settings.database_url, settings.data_dir))


def storage_kind(settings: Settings) -> str:
    return "postgresql" if settings.database_url.startswith("postgres") else "sqlite"


def create_search(settings: Settings, kind: str, n_trials: int, *, seed: int = 0,
                  config: dict[str, Any] | None = None) -> str:
    """Create the study; its name (the study id in model cards)."""
    from astrobio.adapters.ml.search import create_study

    if kind not in KINDS:
        raise InvalidQuantity(f"unknown search kind {kind!r}; known: {list(KINDS)}", field="kind")
    if not 1 <= n_trials <= 1000:
        raise InvalidQuantity("--search takes 1-1000 trials", field="search")
    name = f"{kind}-{uuid.uuid4().hex[:10]}"
    create_study(_storage(settings), name, kind=kind, n_trials=n_trials, seed=seed, maximize=kind == "gvae",
                 config=TRIAL_DEFAULTS[kind] | (config or {}))
    return name


def _load(settings: Settings, name: str) -> Any:
    from astrobio.adapters.ml.search import load_study

    try:
        return load_study(_storage(settings), name)
    except KeyError:
        raise NotFound(f"no search study {name!r}", field="study") from None


def _worker() -> str:
    """Which worker ran a trial (host:pid:job id, the job bound by the queue), recorded on the trial."""
    import os
    import socket

    import structlog

    job = structlog.contextvars.get_contextvars().get("job_id") or "-"
    return f"{socket.gethostname()}:{os.getpid()}:{job}"


class SearchObjectives:
    """Objective functions per kind, over the container's stores (given as providers)."""

    def __init__(self, settings: Settings, uow_factory: Callable[[], Any], cube_store: Callable[[], Any],
                 pathways: Callable[[], list[Any]]) -> None:
        self._settings, self._uow, self._store, self._pathways = settings, uow_factory, cube_store, pathways

    def objective(self, study: Any) -> Callable[[Any], float]:
        kind, config = study.user_attrs["kind"], dict(study.user_attrs["config"])
        root = (self._settings.data_dir / "search" / study.study_name).resolve()
        if kind.startswith("climate_"):
            return self._climate(kind, config, root)
        if kind == "denoiser":
            return self._denoiser(config, root)
        return self._gvae(config, root)

    def _climate(self, kind: str, config: dict[str, Any], root: Path) -> Callable[[Any], float]:
        from astrobio import __version__
        from astrobio.adapters.ml.registry import card_to_json
        from astrobio.adapters.ml.search import SPACES, OptunaPruning, suggest, trial_callbacks
        from astrobio.adapters.ml.training import LightningSurrogateTrainer
        from astrobio.application.ports.surrogate import TrainingConfig
        from astrobio.domain.surrogate import SurrogateMode

        mode = SurrogateMode(kind.removeprefix("climate_"))
        with self._uow() as uow:
            cubes = [c for c in uow.cubes.list() if c.parameters is not None]
        if len(cubes) < 4:
            raise InvalidQuantity(f"a climate search needs >= 4 cubes with run parameters, got {len(cubes)}",
                                  field="cubes")

        def objective(trial: Any) -> float:
            trial.set_user_attr("worker", _worker())  # first: pruned trials are attributed too
            hp = suggest(trial, SPACES[kind])
            train_config = TrainingConfig(
                mode=mode, max_epochs=int(config["max_epochs"]), seed=int(config.get("seed", 0)),
                batch_size=int(config["batch_size"]), learning_rate=hp.pop("learning_rate"),
                physics_weight=hp.pop("physics_weight"), ensemble=1, precision="32-true",
                holdout_fraction=float(config["holdout_fraction"]),
                extra={**hp, "patience": int(config["patience"]), "recalibrate": False,
                       "arch": str(config.get("arch", "unet"))})
            pruning = OptunaPruning(trial, "val_loss")
            trainer = LightningSurrogateTrainer(self._store(), root / f"trial-{trial.number}", __version__)
            with trial_callbacks(pruning):
                trained = trainer.train(cubes, train_config)
            trial.set_user_attr("checkpoint", trained.checkpoint_path)
            trial.set_user_attr("card", card_to_json(trained.card))
            if pruning.best is None:
                raise InvalidQuantity("the trial logged no validation loss", field="val_loss")
            return pruning.best

        return objective

    def _denoiser(self, config: dict[str, Any], root: Path) -> Callable[[Any], float]:
        from astrobio.adapters.jwst import dataset
        from astrobio.adapters.jwst.denoiser import train_denoiser
        from astrobio.adapters.jwst.forward import IsothermalTransmissionModel
        from astrobio.adapters.ml.search import SPACES, OptunaPruning, suggest, trial_callbacks

        model = IsothermalTransmissionModel(self._settings.bundled_data_dir / "jwst" / "opacity_grid.json")
        n = int(config["n_spectra"])
        seed = int(config.get("seed", 0))
        data_root, manifest = dataset.generate(model, self._settings.data_dir / "jwst" / "datasets",
                                               n_spectra=n, chunk_size=min(n, 5000), seed=seed)
        data = dataset.load(data_root)

        def objective(trial: Any) -> float:
            trial.set_user_attr("worker", _worker())  # first: pruned trials are attributed too
            hp = suggest(trial, SPACES["denoiser"])
            out = root / f"trial-{trial.number}"
            pruning = OptunaPruning(trial, "val_loss")
            with trial_callbacks(pruning):
                card = train_denoiser(data, model, out, mode=str(config["mode"]),
                                      epochs=int(config["epochs"]), batch_size=int(hp["batch_size"]),
                                      lr=float(hp["lr"]), seed=seed, dataset_version=manifest["version"])
            trial.set_user_attr("model_dir", str(out))
            trial.set_user_attr("held_out", card.get("held_out", {}))
            if pruning.best is None:
                raise InvalidQuantity("the trial logged no validation loss", field="val_loss")
            return pruning.best

        return objective

    def _gvae(self, config: dict[str, Any], root: Path) -> Callable[[Any], float]:
        from astrobio.adapters.ml.gvae import TorchGraphVaeTrainer
        from astrobio.adapters.ml.search import SPACES, OptunaPruning, suggest, trial_callbacks

        pathways = self._pathways()

        def objective(trial: Any) -> float:
            trial.set_user_attr("worker", _worker())  # first: pruned trials are attributed too
            hp = suggest(trial, SPACES["gvae"])
            out = root / f"trial-{trial.number}"
            out.mkdir(parents=True, exist_ok=True)
            trainer = TorchGraphVaeTrainer(out, hidden=hp["hidden"], latent=hp["latent"], lr=hp["lr"])
            with trial_callbacks(OptunaPruning(trial, "val_auroc", attribute="best_auroc", maximize=True)):
                metrics = trainer.train(pathways, epochs=int(config["epochs"]),
                                        seed=int(config.get("seed", 0)))
            trial.set_user_attr("model_dir", str(out))
            trial.set_user_attr("test_auroc", metrics.auroc)
            return float(metrics.val_auroc)

        return objective


def study_summary(settings: Settings, name: str) -> dict[str, Any]:
    from astrobio.adapters.ml.search import summary

    return summary(_load(settings, name))


def run_search_worker(settings: Settings, objectives: SearchObjectives, name: str) -> dict[str, Any]:
    """Run trials of study ``name`` here until the study holds its trials; the study's summary."""
    from astrobio.adapters.ml.search import run_trials, summary

    study = _load(settings, name)
    ran = run_trials(study, objectives.objective(study))
    return {**summary(study), "ran_here": ran}


def search_job_handlers(settings: Settings, objectives: SearchObjectives) -> dict[str, JobHandler]:
    def search_trials(params: dict[str, Any]) -> dict[str, Any]:
        return run_search_worker(settings, objectives, str(params["study"]))

    return {SEARCH_JOB: search_trials}


def dispatch(container: Any, name: str, workers: int, backend: str | None) -> list[str]:
    """Start ``workers`` workers on the study: queued jobs (arq with Redis, else in-process) or,
    with ``backend`` ``slurm``/``local``, one batch array (one element per worker)."""
    if not 1 <= workers <= 256:
        raise InvalidQuantity("--workers takes 1-256", field="workers")
    if backend is None:
        submit = container.submit_job()
        return [submit.execute(SubmitJobCommand(kind=SEARCH_JOB, params={"study": name})).id
                for _ in range(workers)]
    import sys

    runners = container.job_runners()
    if backend not in runners:
        raise InvalidQuantity(f"unknown backend {backend!r}; known: {sorted(runners)}", field="submit")
    workdir = container.workspace().workdir(f"search-{name}")
    argv = (sys.executable, "-m", "astrobio.entrypoints.cli.main", "search", "worker", name, "--json")
    specs = [BatchJobSpec(name=f"astrobio-search-{k}", argv=argv, workdir=workdir) for k in range(workers)]
    return [f"{backend}:{i}" for i in runners[backend].submit_array(specs)]


def wait(container: Any, name: str, job_ids: list[str], timeout_s: float,
         poll_s: float = 1.0) -> dict[str, Any]:
    """Wait until the study holds its trials (or every queued worker job ended); the summary."""
    from astrobio.adapters.ml.search import summary

    settings = container.settings()
    deadline = time.monotonic() + timeout_s
    while True:
        study = _load(settings, name)
        out = summary(study)
        finished = sum(v for k, v in out["counts"].items() if k in ("complete", "pruned", "fail"))
        queued = [i for i in job_ids if ":" not in i]  # batch-array ids ("slurm:123") are not polled
        jobs_done = all(container.get_job().execute(i).state in (JobState.SUCCEEDED, JobState.FAILED)
                        for i in queued)
        # Full study and every queued worker back (a worker may finish one trial past the count).
        if (queued and jobs_done) or (finished >= int(out["n_trials"]) and (jobs_done or not queued)) \
                or time.monotonic() > deadline:
            return out
        time.sleep(poll_s)


def register_best(container: Any, name: str, *, activate: bool) -> dict[str, Any]:
    """Register the study's best trial (activated only when asked), its card citing the study."""
    from dataclasses import replace

    from astrobio.adapters.ml.registry import card_from_json
    from astrobio.adapters.ml.search import summary
    from astrobio.application.ports.surrogate import TrainedModel

    settings = container.settings()
    out = summary(_load(settings, name))
    best = out["best"]
    if best is None:
        raise NotFound(f"study {name} has no completed trial to register", field="study")
    study = {"study_id": name, "storage": storage_kind(settings), "trial": best["number"],
             "value": best["value"], "direction": out["direction"], "params": best["params"],
             "n_trials": out["n_trials"], "counts": out["counts"]}
    if out["kind"] in ("gvae", "denoiser"):
        from astrobio.bootstrap.models import model_registry

        entry = model_registry(settings).register(out["kind"], Path(best["user_attrs"]["model_dir"]),
                                                  activate=activate, extra={"study": study})
        if activate:
            container.jwst.denoiser.reset()
        return {"kind": out["kind"], "id": entry["id"], "active": entry["active"], "study": study}
    card = card_from_json(best["user_attrs"]["card"])
    card = replace(card, hyperparameters={**card.hyperparameters, "study": study})
    registered = container.surrogate_registry().register(
        TrainedModel(checkpoint_path=best["user_attrs"]["checkpoint"], card=card), activate=activate)
    return {"kind": out["kind"], "id": registered.id, "active": registered.active, "study": study}


def pathways_loader(repository: Callable[[], Any], bundled: Callable[[], Any]) -> Callable[[], list[Any]]:
    """The stored maps, or the bundled ones when none are stored (as ``train gvae`` does)."""

    def load() -> list[Any]:
        stored = list(repository().all())
        if stored:
            return stored
        catalog = bundled()
        return [catalog.fetch(i) for i in catalog.list_ids()]

    return load
