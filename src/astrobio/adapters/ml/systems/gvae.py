"""Lightning system of the graph VAE: one pathway graph per step, held-out link prediction."""

from __future__ import annotations

import copy
from typing import Any

import lightning as L
import torch


def link_scores(model: Any, graphs: list[Any], split: str = "test") -> tuple[list[int], list[float]]:
    """Labels and decoder probabilities of the held-out positive and negative edges of ``graphs``."""
    labels: list[int] = []
    scores: list[float] = []
    model.eval()
    with torch.no_grad():
        for g in graphs:
            z = model.encode(g.x, g.edge_index)
            for label, key in ((1, "pos_edge_label_index"), (0, "neg_edge_label_index")):
                index = getattr(g, key, None)
                if index is not None and index.numel():
                    p = model.decoder(z, index, sigmoid=True)
                    labels += [label] * int(p.numel())
                    scores += p.tolist()
    return labels, scores


def auroc_ap(labels: list[int], scores: list[float]) -> tuple[float, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    if len(set(labels)) < 2:
        return float("nan"), float("nan")
    return float(roc_auc_score(labels, scores)), float(average_precision_score(labels, scores))


class GraphVaeSystem(L.LightningModule):
    """VGAE reconstruction loss (+ KL / N) on the training edges of one graph per step; after
    each epoch the validation AUROC is measured and the best weights kept (``best_state``)."""

    def __init__(self, model: Any, val_graphs: list[Any], lr: float = 0.003) -> None:
        super().__init__()
        self.model = model
        self.val_graphs = val_graphs
        self.lr = lr
        self.best_auroc = -1.0
        self.best_epoch = -1
        self.best_state: dict[str, Any] = copy.deepcopy(model.state_dict())

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        z = self.model.encode(batch.x, batch.edge_index)
        loss = self.model.recon_loss(z, batch.pos_edge_label_index)
        loss = loss + self.model.kl_loss() / batch.num_nodes
        return loss  # type: ignore[no-any-return]

    def on_train_epoch_end(self) -> None:
        auroc, _ = auroc_ap(*link_scores(self.model, self.val_graphs, "val"))
        if auroc > self.best_auroc:
            self.best_auroc, self.best_epoch = auroc, self.current_epoch
            self.best_state = copy.deepcopy(self.model.state_dict())
        self.model.train()

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.model.parameters(), lr=self.lr)
