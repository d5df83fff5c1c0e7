"""Training curves: loss, gradient norm and learning rate per step, through a Lightning logger.

Every trainer here passes :func:`curves_logger` as its Lightning ``logger`` and
:class:`TrainingCurves` as a callback. The losses are what the systems ``self.log``
(``train_*``/``val_loss``); the callback adds the global L2 gradient norm (before clipping) and
the learning rate of the first parameter group at every optimizer step, and the loss each training
step returned. The result is one
``metrics.csv`` per fit (Lightning's CSV format: a ``step``/``epoch`` column, one column per
metric); the model registry copies it next to the model and links it from the model card.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.pytorch.loggers import CSVLogger

CURVES_DIR = "curves"


def curves_logger(root: str | Path) -> CSVLogger:
    """A CSV logger writing ``<root>/curves/metrics.csv`` (one file per fit directory)."""
    return CSVLogger(save_dir=str(root), name=CURVES_DIR, version="", flush_logs_every_n_steps=50)


def metrics_csv(trainer: L.Trainer) -> str | None:
    """The curves file of a finished fit, or None when it logged nothing."""
    for logger in trainer.loggers:
        if isinstance(logger, CSVLogger):
            path = Path(logger.log_dir) / "metrics.csv"
            return str(path) if path.is_file() else None
    return None


class TrainingCurves(L.Callback):
    """Logs ``grad_norm`` (global L2, before clipping) and ``lr`` at every optimizer step, and the
    training step's ``loss`` (what ``training_step`` returned) after every batch."""

    def on_train_batch_end(self, trainer: L.Trainer, pl_module: L.LightningModule, outputs: Any,
                           batch: Any, batch_idx: int) -> None:
        loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
        if isinstance(loss, torch.Tensor) and loss.numel() == 1:
            for logger in trainer.loggers:
                logger.log_metrics({"loss": float(loss.detach())}, step=trainer.global_step)

    def on_before_optimizer_step(self, trainer: L.Trainer, pl_module: L.LightningModule,
                                 optimizer: Any) -> None:
        grads = [p.grad.detach().float().norm(2) for p in pl_module.parameters() if p.grad is not None]
        norm = float(torch.stack(grads).norm(2)) if grads else 0.0
        lr = float(optimizer.param_groups[0]["lr"])
        for logger in trainer.loggers:
            logger.log_metrics({"grad_norm": norm, "lr": lr}, step=trainer.global_step)
