"""Hyperparameter search with Optuna: studies in the project's database, trials on many workers.

* **Storage** (:func:`open_storage`): Optuna's ``RDBStorage`` in the project's database. On
  PostgreSQL the study tables live in their own schema ``optuna`` of the same database (Optuna
  keeps its own ``alembic_version`` table, which must not meet the project's); on the embedded
  default they live in ``<data dir>/optuna.sqlite3`` beside the project's SQLite file.
* **Distribution**: every worker (an arq job, a SLURM array element, or this process) opens the
  same study and calls ``study.optimize`` until the study holds ``n_trials`` finished trials
  (:class:`~optuna.study.MaxTrialsCallback`); Optuna's storage hands each worker its own trials.
* **Pruning** (:class:`OptunaPruning`): a Lightning callback reports the monitored value after
  every validation (or epoch) and raises :class:`optuna.TrialPruned` when the median pruner says so.
* **Search spaces** (:data:`SPACES`): narrow ranges around the shipped defaults (documented in
  docs/ml.md), log-uniform for rates.

Heavy imports (optuna, lightning) happen here, never on the CLI/API start path.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import lightning as L
import optuna

#: name -> (distribution, low, high): "log" (log-uniform float), "float", "int".
Space = dict[str, tuple[str, float, float]]
SPACES: dict[str, Space] = {
    # Climate surrogates (scalar MLP / U-Net), around the defaults lr 1e-3, physics weight 1,
    # dropout 0.05, hidden 64 (scalar) or width 8 (datacube), weight decay 1e-3 / 0.5.
    "climate_scalar": {"learning_rate": ("log", 3e-4, 3e-3), "physics_weight": ("float", 0.3, 3.0),
                       "dropout": ("float", 0.0, 0.2), "hidden": ("int", 32, 128),
                       "weight_decay": ("log", 1e-4, 1e-2)},
    "climate_datacube": {"learning_rate": ("log", 3e-4, 3e-3), "physics_weight": ("float", 0.3, 3.0),
                         "dropout": ("float", 0.0, 0.2), "width": ("int", 6, 12),
                         "weight_decay": ("log", 0.05, 1.0)},
    # JWST denoiser, around lr 1e-3, batch 128.
    "denoiser": {"lr": ("log", 3e-4, 3e-3), "batch_size": ("int", 64, 256)},
    # Graph VAE, around lr 3e-3, hidden 64, latent 64.
    "gvae": {"lr": ("log", 1e-3, 1e-2), "hidden": ("int", 32, 96), "latent": ("int", 32, 96)},
}
STUDY_SCHEMA = "optuna"
SQLITE_FILE = "optuna.sqlite3"

_CALLBACKS: ContextVar[tuple[L.Callback, ...]] = ContextVar("astrobio_search_callbacks", default=())


def search_callbacks() -> list[L.Callback]:
    """Callbacks a trainer adds to its Lightning ``Trainer`` while it runs inside a trial."""
    return list(_CALLBACKS.get())


@contextlib.contextmanager
def trial_callbacks(*callbacks: L.Callback) -> Iterator[None]:
    token = _CALLBACKS.set(tuple(callbacks))
    try:
        yield
    finally:
        _CALLBACKS.reset(token)


def storage_url(database_url: str, data_dir: Path) -> str:
    """The SQLAlchemy URL of the study storage (PostgreSQL: the project's database, driver psycopg)."""
    if database_url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        rest = database_url.split("://", 1)[1]
        return f"postgresql+psycopg://{rest}"
    return f"sqlite:///{(Path(data_dir) / SQLITE_FILE).resolve()}"


def open_storage(url: str) -> optuna.storages.RDBStorage:
    """Optuna's RDB storage at ``url`` (on PostgreSQL: in schema ``optuna``, created when missing)."""
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        import sqlalchemy as sa

        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {STUDY_SCHEMA}")
        engine.dispose()
        kwargs["connect_args"] = {"options": f"-csearch_path={STUDY_SCHEMA}"}
    else:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 60}  # several local workers share the file
    return optuna.storages.RDBStorage(url, engine_kwargs=kwargs, heartbeat_interval=30, grace_period=120)


def suggest(trial: optuna.Trial, space: Space) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, (kind, low, high) in space.items():
        if kind == "int":
            out[name] = trial.suggest_int(name, int(low), int(high))
        else:
            out[name] = trial.suggest_float(name, low, high, log=kind == "log")
    return out


class OptunaPruning(L.Callback):
    """Reports ``monitor`` to the trial after each validation (``callback_metrics``) or, for systems
    without a validation loop, the module attribute ``attribute`` after each epoch; prunes the
    trial when the pruner says so. Keeps the best value seen (the trial's objective)."""

    def __init__(self, trial: optuna.Trial, monitor: str = "val_loss", *, attribute: str | None = None,
                 maximize: bool = False) -> None:
        self._trial, self._monitor, self._attribute, self._maximize = trial, monitor, attribute, maximize
        self.best: float | None = None

    def _report(self, value: float | None, step: int) -> None:
        if value is None or not math.isfinite(value):
            return
        better = self.best is None or (value > self.best if self._maximize else value < self.best)
        if better:
            self.best = value
        self._trial.report(value, step)
        if self._trial.should_prune():
            raise optuna.TrialPruned(f"pruned at epoch {step} ({self._monitor} = {value:.4g})")

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if self._attribute is None and not trainer.sanity_checking:
            metric = trainer.callback_metrics.get(self._monitor)
            self._report(None if metric is None else float(metric), trainer.current_epoch)

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if self._attribute is not None:  # the module updates it in its own (later) epoch-end hook
            self._report(float(getattr(pl_module, self._attribute)), trainer.current_epoch)


def create_study(storage: optuna.storages.RDBStorage, name: str, *, kind: str, n_trials: int, seed: int,
                 maximize: bool, config: dict[str, Any]) -> optuna.Study:
    """A new study (its description in the study's user attributes: kind, n_trials, config)."""
    study = optuna.create_study(
        storage=storage, study_name=name, direction="maximize" if maximize else "minimize",
        sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(5, n_trials)),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1))
    for key, value in {"kind": kind, "n_trials": n_trials, "seed": seed, "config": config}.items():
        study.set_user_attr(key, value)
    return study


def load_study(storage: optuna.storages.RDBStorage, name: str) -> optuna.Study:
    study = optuna.load_study(study_name=name, storage=storage)
    seed = int(study.user_attrs.get("seed", 0))
    # Each worker samples with its own stream (same seed everywhere would repeat the same points).
    study.sampler = optuna.samplers.TPESampler(seed=seed * 100_003 + os.getpid(),
                                               n_startup_trials=min(5, int(study.user_attrs["n_trials"])))
    study.pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1)
    return study


def run_trials(study: optuna.Study, objective: Callable[[optuna.Trial], float]) -> int:
    """Run trials until the study holds its ``n_trials`` finished (complete or pruned) trials.

    Returns how many trials this worker ran. A failing trial is recorded as FAIL and counted
    too, so a broken configuration cannot loop forever.
    """
    n_trials = int(study.user_attrs["n_trials"])
    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED, optuna.trial.TrialState.FAIL)
    before = len(study.get_trials(deepcopy=False))
    done = len(study.get_trials(deepcopy=False, states=states))
    if done >= n_trials:
        return 0
    study.optimize(objective, n_trials=n_trials, catch=(Exception,),
                   callbacks=[optuna.study.MaxTrialsCallback(n_trials, states=states)])
    return len(study.get_trials(deepcopy=False)) - before


def summary(study: optuna.Study) -> dict[str, Any]:
    """JSON-ready: counts per state, the best trial (number, value, params, user attributes)."""
    trials = study.get_trials(deepcopy=False)
    counts: dict[str, int] = {}
    for t in trials:
        counts[t.state.name.lower()] = counts.get(t.state.name.lower(), 0) + 1
    complete = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
    best = None
    if complete:
        b = study.best_trial
        best = {"number": b.number, "value": b.value, "params": dict(b.params),
                "user_attrs": dict(b.user_attrs)}
    return {"study": study.study_name, "direction": study.direction.name.lower(),
            "kind": study.user_attrs.get("kind"), "n_trials": study.user_attrs.get("n_trials"),
            "counts": counts, "best": best}
