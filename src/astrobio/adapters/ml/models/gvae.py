"""The graph VAE's encoder: GCN layers with residuals, and a linear skip into the latent mean."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class GcnEncoder(nn.Module):
    """``x (N, F), edge_index (2, E) -> (mu, logstd)``, each ``(N, latent)``.

    The skip ``Linear(F, latent)`` added to the mean lets the inner-product decoder use the
    input features (map layout) directly, while the GCN layers add neighbourhood structure.
    """

    def __init__(self, in_features: int, hidden: int = 64, latent: int = 64) -> None:
        super().__init__()
        from torch_geometric.nn import GCNConv

        self.in_features, self.hidden, self.latent = in_features, hidden, latent
        self.lin = nn.Linear(in_features, hidden)
        self.conv1 = GCNConv(hidden, hidden)
        self.conv2 = GCNConv(hidden, hidden)
        self.conv_mu = GCNConv(hidden, latent)
        self.conv_logstd = GCNConv(hidden, latent)
        self.skip = nn.Linear(in_features, latent)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h0 = self.lin(x).relu()
        h = self.conv1(h0, edge_index).relu() + h0
        h = self.conv2(h, edge_index).relu() + h
        return self.conv_mu(h, edge_index) + self.skip(x), self.conv_logstd(h, edge_index)


def build_vgae(in_features: int, hidden: int = 64, latent: int = 64) -> Any:
    """``torch_geometric.nn.VGAE`` with :class:`GcnEncoder` and the inner-product edge decoder."""
    from torch_geometric.nn import VGAE

    return VGAE(GcnEncoder(in_features, hidden, latent))
