"""Graph VAE training and inference over pathway maps (torch-geometric + Lightning, CPU).

The model lives in a folder (default ``data/models/gvae/``): ``model.pt`` (state dict) and
``card.json`` (architecture, features, held-out metrics). Training writes both atomically.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from astrobio.application.ports.pathways import GraphVaeTrainer, PathwayEmbedder
from astrobio.atomic import write_bytes_atomic
from astrobio.domain.errors import InsufficientData, NotFound
from astrobio.domain.pathway import GraphVaeMetrics, Pathway

MIN_EDGES = 10  # maps with fewer compound-compound edges are too small to hold edges out of


def split_graphs(pathways: Sequence[Pathway], seed: int) -> list[tuple[Any, Any, Any]]:
    """Per map: (train, val, test) ``Data`` from ``RandomLinkSplit`` (5 % val, 10 % test edges,
    as many negatives); node features count training edges only."""
    import torch
    from torch_geometric.transforms import RandomLinkSplit

    from astrobio.adapters.ml.data.pathway_graphs import edge_array, node_features, to_pyg

    torch.manual_seed(seed)
    split = RandomLinkSplit(
        num_val=0.05, num_test=0.10, is_undirected=True, split_labels=True, add_negative_train_samples=False
    )
    out = []
    for p in pathways:
        if len(p.compound_edges()) < MIN_EDGES:
            continue
        data = to_pyg(p)
        train, val, test = split(data)
        nodes, _ = edge_array(p)
        x = torch.from_numpy(node_features(p, nodes, train.edge_index.numpy()))
        for part in (train, val, test):
            part.x = x
        out.append((train, val, test))
    return out




class TorchGraphVaeTrainer(GraphVaeTrainer):
    def __init__(self, model_dir: Path, hidden: int = 64, latent: int = 64, lr: float = 0.003) -> None:
        self._dir = Path(model_dir)
        self._hidden, self._latent, self._lr = hidden, latent, lr

    def train(self, pathways: Sequence[Pathway], *, epochs: int, seed: int) -> GraphVaeMetrics:
        import io

        import lightning as L
        import torch
        from torch.utils.data import DataLoader

        from astrobio.adapters.ml.data.pathway_graphs import FEATURES
        from astrobio.adapters.ml.models.gvae import build_vgae
        from astrobio.adapters.ml.search import search_callbacks
        from astrobio.adapters.ml.systems.gvae import GraphVaeSystem, auroc_ap, link_scores
        from astrobio.adapters.monitoring.training_curves import TrainingCurves, curves_logger

        torch.set_num_threads(1)
        L.seed_everything(seed, workers=False, verbose=False)
        graphs = split_graphs(pathways, seed)
        if not graphs:
            raise InsufficientData(
                f"no map has {MIN_EDGES}+ compound-compound edges to train on", field="pathways"
            )
        train = [g[0] for g in graphs]
        model = build_vgae(len(FEATURES), self._hidden, self._latent)
        system = GraphVaeSystem(model, [g[1] for g in graphs], lr=self._lr)
        loader: Any = DataLoader(
            train,  # type: ignore[arg-type]
            batch_size=1,
            shuffle=True,
            collate_fn=lambda batch: batch[0],
        )
        trainer = L.Trainer(
            max_epochs=epochs,
            accelerator="cpu",
            devices=1,
            logger=curves_logger(self._dir),  # loss, grad norm, lr per step: <dir>/curves/metrics.csv
            callbacks=[TrainingCurves(), *search_callbacks()],  # + pruning inside a search trial
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        start = time.perf_counter()
        trainer.fit(system, loader)
        seconds = (time.perf_counter() - start) / epochs
        model.load_state_dict(system.best_state)
        auroc, ap = auroc_ap(*link_scores(model, [g[2] for g in graphs]))
        buffer = io.BytesIO()
        torch.save(system.best_state, buffer)
        blob = buffer.getvalue()
        model_id = hashlib.sha256(blob).hexdigest()[:16]
        n_test = sum(int(g[2].pos_edge_label_index.size(1)) for g in graphs)
        metrics = GraphVaeMetrics(
            model_id=model_id,
            auroc=auroc,
            average_precision=ap,
            val_auroc=system.best_auroc,
            epochs=epochs,
            best_epoch=system.best_epoch,
            seconds_per_epoch=seconds,
            n_graphs=len(graphs),
            n_nodes=sum(int(g[0].num_nodes) for g in graphs),
            n_test_edges=n_test,
            path=str(self._dir),
        )
        card = {
            "model_id": model_id,
            "kind": "graph-vae",
            "created_at": datetime.now(UTC).isoformat(),
            "architecture": {
                "encoder": "GcnEncoder",
                "in_features": len(FEATURES),
                "hidden": self._hidden,
                "latent": self._latent,
                "decoder": "inner product",
            },
            "features": FEATURES,
            "graph": "compound-compound projection of each KEGG map",
            "training": {
                "epochs": epochs,
                "best_epoch": system.best_epoch,
                "seed": seed,
                "lr": self._lr,
                "seconds_per_epoch": round(seconds, 4),
                "split": "RandomLinkSplit 85/5/10 per map",
            },
            "metrics": {
                "test_auroc": round(auroc, 4),
                "test_average_precision": round(ap, 4),
                "val_auroc": round(system.best_auroc, 4),
                "test_positive_edges": n_test,
            },
            "pathways": sorted(p.id for p in pathways),
            "n_graphs": len(graphs),
        }
        self._dir.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(self._dir / "model.pt", blob)
        write_bytes_atomic(self._dir / "card.json", (json.dumps(card, indent=2) + "\n").encode())
        return metrics


class TorchPathwayEmbedder(PathwayEmbedder):
    """Mean latent node embedding of each map under the model in ``model_dir``."""

    def __init__(self, model_dir: Path) -> None:
        self._dir = Path(model_dir)
        card_path = self._dir / "card.json"
        if not card_path.is_file() or not (self._dir / "model.pt").is_file():
            raise NotFound(f"no graph VAE in {self._dir} (run `astrobio train gvae`)", field="model")
        self.card: dict[str, Any] = json.loads(card_path.read_text())
        self._model: Any = None

    @property
    def model_id(self) -> str:
        return str(self.card["model_id"])

    def _load(self) -> Any:
        if self._model is None:
            import torch

            from astrobio.adapters.ml.models.gvae import build_vgae

            arch = self.card["architecture"]
            model = build_vgae(arch["in_features"], arch["hidden"], arch["latent"])
            model.load_state_dict(torch.load(self._dir / "model.pt", map_location="cpu", weights_only=True))
            self._model = model.eval()
        return self._model

    def embed(self, pathways: Sequence[Pathway]) -> list[list[float]]:
        import torch

        from astrobio.adapters.ml.data.pathway_graphs import to_pyg

        model = self._load()
        out = []
        with torch.no_grad():
            for p in pathways:
                data = to_pyg(p)
                z = model.encode(data.x, data.edge_index) if data.num_nodes else torch.zeros(1, 1)
                out.append(z.mean(dim=0).tolist())
        return out
