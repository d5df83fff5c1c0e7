"""``LightningSurrogateTrainer``: trains a deep ensemble of climate surrogates with Lightning.

One ``train`` call: read the cubes' time means (:class:`~.data.cube_datamodule.TimeMeans`),
hold out runs by simulation (seeded), train ``config.ensemble`` members (each with its own seed and
early-stopping runs, its normalization from its train runs only), score the ensemble on the held-out
runs, and write one checkpoint file (format: :mod:`astrobio.adapters.ml.checkpoint`).

Scaling out: ``config.accelerator``/``devices``/``strategy`` go to the Lightning ``Trainer``. For
several GPUs use ``strategy="ddp"`` with ``devices=N``; under SLURM launch one task per GPU
(``srun --ntasks-per-node=N``) and Lightning reads the SLURM environment. Only global rank 0
evaluates and writes the checkpoint (shared file system); the other ranks wait at a barrier and
return the same result. ``precision``: ``"bf16-mixed"`` on CPU (oneDNN bf16 convolutions, 3-5x
faster than fp32 here), ``"16-mixed"`` or ``"bf16-mixed"`` on GPUs, ``"32"`` for full precision.

``config.extra`` keys: ``width`` (U-Net channels, 8), ``hidden`` (MLP width, 64), ``dropout``
(0.1), ``patience`` (early stopping, 40 epochs), ``val_fraction`` (0.15), ``weight_decay``,
``gradient_clip_val`` (1.0), ``physics`` (term -> weight, default all 1), ``fast_dev_run`` (bool),
``collocation`` (2: unlabeled parameter vectors per step for the datacube physics terms),
``recalibrate`` (True: per-variable sigma factors from the validation runs), ``min_epochs`` (0),
``restore`` (``"best"`` val epoch or ``"last"``), ``holdout_cubes`` (cube ids to hold out instead
of the seeded draw: k-fold cross-validation), ``deterministic``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightning as L
import numpy as np
import torch
from lightning.pytorch.callbacks import EarlyStopping, ModelCheckpoint

from astrobio.adapters.ml import checkpoint as ckpt
from astrobio.adapters.ml.data.cube_datamodule import ClimateDataModule, TimeMeans, split_by_simulation
from astrobio.adapters.ml.evaluation import evaluate, sigma_scale, supersat_kappa
from astrobio.adapters.ml.systems.climate import DATACUBE_TERMS, SCALAR_TERMS, DatacubeSystem, ScalarSystem
from astrobio.adapters.monitoring.training_curves import TrainingCurves, curves_logger, metrics_csv
from astrobio.application.ports.cube_store import CubeStore
from astrobio.application.ports.surrogate import SurrogateTrainer, TrainedModel, TrainingConfig
from astrobio.domain.climate import ClimateCube
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.surrogate import SURROGATE_INPUTS, ModelCard, SurrogateMode, input_vector


def _model(system: L.LightningModule) -> torch.nn.Module:
    model = system.get_submodule("model")
    return model


def _config_dict(config: TrainingConfig) -> dict[str, Any]:
    d = asdict(config)
    d["mode"] = config.mode.value
    return d


class LightningSurrogateTrainer(SurrogateTrainer):
    """Trains climate surrogates on cubes read through a :class:`CubeStore`.

    Parameters
    ----------
    store:
        Where the cubes' arrays are read from.
    work_dir:
        Lightning checkpoints and logs go under ``<work_dir>/<mode>/member-<k>``; the final
        checkpoint file is ``<work_dir>/<mode>-surrogate.pt``.
    code_version:
        Recorded on the model card (e.g. a git revision).
    """

    def __init__(self, store: CubeStore, work_dir: str | os.PathLike[str], code_version: str) -> None:
        self._store = store
        self._work = Path(work_dir)
        self._code_version = code_version

    def train(self, cubes: Sequence[ClimateCube], config: TrainingConfig) -> TrainedModel:
        """Train on ``cubes`` (split by simulation), evaluate on the held-out runs, write one file."""
        if config.extra.get("arch") in ckpt.EMULATORS:
            return self._train_emulator(cubes, config, str(config.extra["arch"]))
        if config.ensemble < 1:
            raise InvalidQuantity("ensemble must be >= 1", field="ensemble")
        L.seed_everything(config.seed, workers=True, verbose=False)
        data = TimeMeans(self._store, cubes, config.mode)
        extra = config.extra
        kappa = 1.0
        if config.mode is SurrogateMode.DATACUBE:
            test = split_by_simulation(cubes, seed=config.seed, holdout_fraction=config.holdout_fraction,
                                       holdout=extra.get("holdout_cubes")).test
            kappa = supersat_kappa(data, [i for i in range(len(cubes)) if i not in test])
        arch = self._arch(config, data)
        members, splits, curves = [], [], []
        for k in range(config.ensemble):
            split = split_by_simulation(cubes, seed=config.seed, holdout_fraction=config.holdout_fraction,
                                        val_fraction=float(extra.get("val_fraction", 0.15)), member=k,
                                        holdout=extra.get("holdout_cubes"))
            dm = ClimateDataModule(data, split, batch_size=config.batch_size)
            model = ckpt.build_model(arch)
            ckpt.set_derived_buffers(model, dm.norm, self._grid(data))
            system = self._system(config, model, dm, kappa)
            L.seed_everything(config.seed + 1009 * k, workers=True, verbose=False)
            trainer = self._fit(config, system, dm, self._work / config.mode.value / f"member-{k}")
            curves.append(metrics_csv(trainer))  # loss, grad norm, lr per step (linked from the card)
            members.append({"state": ckpt.member_state(_model(system)), "norm": dm.norm})
            splits.append(split)
        payload: dict[str, Any] = {
            "format": ckpt.FORMAT, "mode": config.mode.value, "arch": arch, "members": members,
            "inputs": list(SURROGATE_INPUTS), "log_inputs": list(ckpt.LOG_INPUTS), "grid": self._grid(data),
            "kappa": kappa, "config": _config_dict(config),
        }
        payload |= self._outputs(config.mode)
        test_idx = splits[0].test
        used = sorted({i for s in splits for i in s.train + s.val})
        payload["split"] = {"train_cubes": [cubes[i].id for i in used],
                            "holdout_cubes": [cubes[i].id for i in test_idx]}
        path = self._work / f"{config.mode.value}-surrogate.pt"
        if trainer.is_global_zero:
            if extra.get("recalibrate", True) and not extra.get("fast_dev_run"):
                payload["sigma_scale"] = sigma_scale(payload, data, [s.val for s in splits])
            payload["metrics"] = evaluate(payload, data, test_idx) if test_idx else {}
            ckpt.save(payload, path)
        trainer.strategy.barrier()
        metrics = ckpt.load(path)["metrics"]
        n_parameters = int(sum(p.numel() for p in _model(system).parameters()))
        card = ModelCard(
            id=ckpt.sha256_file(path), mode=config.mode, created_at=datetime.now(UTC),
            code_version=self._code_version, metrics=dict(metrics),
            training_cubes=tuple((cubes[i].id, cubes[i].checksum) for i in used),
            input_ranges=self._ranges(data.params[used]), outputs=tuple(payload["outputs"]),
            hyperparameters={**_config_dict(config), "arch": arch, "kappa": kappa,
                             "holdout_cubes": payload["split"]["holdout_cubes"],
                             "parameters": n_parameters,
                             "training_curves": [c for c in curves if c],
                             **({"study": extra["study"]} if "study" in extra else {})},
        )
        return TrainedModel(checkpoint_path=str(path), card=card)

    def _train_emulator(self, cubes: Sequence[ClimateCube], config: TrainingConfig, arch: str,
                        ) -> TrainedModel:
        """EBM prior + PCA + GP/MLP (:mod:`.emulator_training`), cross-validated by simulation."""
        from astrobio.adapters.ml.emulator_training import train_emulator

        path = self._work / f"{config.mode.value}-surrogate.pt"
        payload, metrics = train_emulator(self._store, cubes, config.mode, arch,
                                          {"seed": config.seed, **config.extra}, path)
        x = np.array([input_vector(c.parameters) for c in cubes if c.parameters], dtype=np.float64)
        emulator = payload["emulator"]
        card = ModelCard(
            id=ckpt.sha256_file(path), mode=config.mode, created_at=datetime.now(UTC),
            code_version=self._code_version, metrics=metrics,
            training_cubes=tuple((c.id, c.checksum) for c in cubes), input_ranges=self._ranges(x),
            outputs=tuple(payload["outputs"]),
            hyperparameters={**_config_dict(config), "arch": {"name": arch}, "holdout_cubes": [],
                             "cv_folds": payload["split"]["cv_folds"],
                             "sigma_calibration": dict(emulator["calibration"]), "ebm": emulator["ebm"],
                             "ood_threshold": float(emulator["domain"]["threshold"]),
                             "emulator": {k: v for k, v in emulator["config"].items()},
                             "parameters": 0},
        )
        return TrainedModel(checkpoint_path=str(path), card=card)

    # --- pieces ---------------------------------------------------------------------------
    @staticmethod
    def _grid(data: TimeMeans) -> dict[str, Any]:
        g = data.grid
        return {"lat_deg": list(g.lat_deg), "lon_deg": list(g.lon_deg), "lev": list(g.lev)}

    @staticmethod
    def _arch(config: TrainingConfig, data: TimeMeans) -> dict[str, Any]:
        dropout = float(config.extra.get("dropout", 0.05))
        if config.mode is SurrogateMode.SCALAR:
            return {"name": "scalar_mlp", "n_params": len(SURROGATE_INPUTS),
                    "n_out": len(ckpt.SCALAR_OUTPUTS), "hidden": int(config.extra.get("hidden", 64)),
                    "depth": 2, "dropout": dropout}
        g = data.grid
        if config.extra.get("arch") == "transformer":  # patch-token attention surrogate
            return {"name": "climate_transformer", "n_params": len(SURROGATE_INPUTS),
                    "n_out3d": len(ckpt.FIELDS_3D), "n_out2d": len(ckpt.FIELDS_2D),
                    "grid": [len(g.lev), len(g.lat_deg), len(g.lon_deg)],
                    "patch": list(config.extra.get("patch", [2, 8, 8])),
                    "dim": int(config.extra.get("dim", 64)),
                    "depth": int(config.extra.get("depth", 2)), "heads": 4, "dropout": dropout,
                    "coords": {"lat_deg": list(g.lat_deg), "lon_deg": list(g.lon_deg), "lev": list(g.lev)}}
        return {"name": "unet3d", "n_params": len(SURROGATE_INPUTS), "n_out3d": len(ckpt.FIELDS_3D),
                "n_out2d": len(ckpt.FIELDS_2D), "grid": [len(g.lev), len(g.lat_deg), len(g.lon_deg)],
                "width": int(config.extra.get("width", 8)), "dropout": dropout,
                "static_channels": ckpt.STATIC_CHANNELS}

    @staticmethod
    def _outputs(mode: SurrogateMode) -> dict[str, Any]:
        if mode is SurrogateMode.SCALAR:
            return {"outputs": list(ckpt.SCALAR_OUTPUTS),
                    "units": {k: u for k, (_, _, u) in ckpt.SCALAR_OUTPUTS.items()}}
        dims = {v: ["lev", "lat", "lon"] for v in ckpt.FIELDS_3D}
        dims |= {v: ["lat", "lon"] for v in ckpt.FIELDS_2D}
        return {"outputs": [*ckpt.FIELDS_3D, *ckpt.FIELDS_2D], "units": dict(ckpt.UNITS), "dims": dims}

    @staticmethod
    def _ranges(params: np.ndarray) -> dict[str, tuple[float, float]]:
        return {name: (float(params[:, i].min()), float(params[:, i].max()))
                for i, name in enumerate(SURROGATE_INPUTS)}

    @staticmethod
    def _system(config: TrainingConfig, model: torch.nn.Module, dm: ClimateDataModule,
                kappa: float) -> L.LightningModule:
        terms = DATACUBE_TERMS if config.mode is SurrogateMode.DATACUBE else SCALAR_TERMS
        physics = {t: 1.0 for t in terms} | dict(config.extra.get("physics", {}))
        common: dict[str, Any] = {"physics": physics, "physics_weight": config.physics_weight,
                                  "lr": config.learning_rate, "epochs": config.max_epochs}
        common["weight_decay"] = float(config.extra.get(
            "weight_decay", 0.5 if config.mode is SurrogateMode.DATACUBE else 1e-3))
        if config.mode is SurrogateMode.SCALAR:
            return ScalarSystem(model, dm.norm, **common)
        g = dm.data.grid
        x_train = dm.sets["train"].tensors[0]
        return DatacubeSystem(model, dm.norm, g.lat_deg, g.lev, kappa=kappa, **common,
                              x_range=(x_train.min(0).values, x_train.max(0).values),
                              collocation=int(config.extra.get("collocation", 2)))

    @staticmethod
    def _fit(config: TrainingConfig, system: L.LightningModule, dm: ClimateDataModule,
             root: Path) -> L.Trainer:
        from astrobio.adapters.ml.search import search_callbacks

        fast = bool(config.extra.get("fast_dev_run", False))
        best = ModelCheckpoint(dirpath=root / "checkpoints", monitor="val_loss", mode="min", save_top_k=1,
                               save_weights_only=True, filename="best", enable_version_counter=False)
        stop = EarlyStopping(monitor="val_loss", mode="min", patience=int(config.extra.get("patience", 40)))
        trainer = L.Trainer(
            accelerator=config.accelerator, devices=config.devices, strategy=config.strategy,
            precision=config.precision,  # type: ignore[arg-type]
            max_epochs=config.max_epochs, min_epochs=int(config.extra.get("min_epochs", 0)),
            gradient_clip_val=float(config.extra.get("gradient_clip_val", 1.0)),
            callbacks=[best, stop, TrainingCurves(), *search_callbacks()],  # + pruning inside a search trial
            default_root_dir=root, logger=curves_logger(root),
            enable_progress_bar=False,
            enable_model_summary=False, num_sanity_val_steps=0, fast_dev_run=fast,
            # CUDA has no deterministic trilinear-upsampling backward: warn there instead of failing.
            deterministic=config.extra.get("deterministic", True if config.accelerator == "cpu" else "warn"),
            log_every_n_steps=1,
        )
        trainer.fit(system, datamodule=dm)
        if not fast and best.best_model_path and config.extra.get("restore", "best") == "best":
            state = torch.load(best.best_model_path, map_location="cpu", weights_only=True)["state_dict"]
            system.load_state_dict(state)
        system.to("cpu").eval()
        return trainer
