"""MLP for the global-mean climate surrogate, with a Gaussian (mean, log-variance) head.

A deep ensemble of these (Lakshminarayanan et al. 2017) gives the predictive sigma: each member's
aleatoric variance plus the spread of the members' means (see :func:`ensemble_moments`).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["ScalarMLP", "ensemble_moments"]

LOG_VAR_MIN, LOG_VAR_MAX = -10.0, 4.0


class ScalarMLP(nn.Module):
    """Normalized parameters (B, n_params) -> normalized (mean (B, n_out), log-variance (B, n_out)).

    Parameters
    ----------
    n_params, n_out:
        Input length (8) and number of global-mean outputs (7).
    hidden, depth:
        Width and number of hidden layers (GELU, dropout ``dropout`` for MC dropout).
    """

    def __init__(self, n_params: int = 8, n_out: int = 7, hidden: int = 64, depth: int = 2,
                 dropout: float = 0.1) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = n_params
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.GELU(), nn.Dropout(dropout)]
            width = hidden
        self.body = nn.Sequential(*layers)
        self.mean = nn.Linear(width, n_out)
        self.log_var = nn.Linear(width, n_out)
        nn.init.zeros_(self.log_var.weight)
        nn.init.constant_(self.log_var.bias, -2.0)

    def forward(self, p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(p)
        return self.mean(h), self.log_var(h).clamp(LOG_VAR_MIN, LOG_VAR_MAX)


def ensemble_moments(means: torch.Tensor, variances: torch.Tensor | None = None,
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """Mixture mean and standard deviation over the member axis 0.

    ``means`` (M, ...) and optional per-member ``variances`` (M, ...): the mixture variance is the
    mean variance plus the variance of the means (population variance over members).
    """
    mu = means.mean(0)
    # Explicit sum over the leading axis: torch.var(dim=0) takes a slow strided path (7 ms per cube).
    var = torch.zeros_like(mu)
    for m in means:
        var += (m - mu).square()
    var /= means.shape[0]
    if variances is not None:
        var = var + variances.mean(0)
    return mu, var.clamp_min(0).sqrt()
