"""1-D convolution + self-attention autoencoder for transmission spectra (plain ``nn.Module``).

Input: (batch, 2, n_bins) = normalised noisy depth and normalised sigma. Output: (batch, 2, n_bins)
= normalised clean-depth estimate and the log variance of that estimate.
"""

from __future__ import annotations

import torch
from torch import nn


class SpectrumDenoiserNet(nn.Module):
    def __init__(self, n_bins: int, channels: int = 32, heads: int = 4) -> None:
        super().__init__()
        if n_bins % 2:
            raise ValueError("n_bins must be even (one stride-2 down/up sampling)")
        self.n_bins = n_bins
        width = 2 * channels
        self.encode = nn.Sequential(
            nn.Conv1d(2, channels, 5, padding=2),
            nn.GELU(),
            nn.Conv1d(channels, channels, 5, padding=2),
            nn.GELU(),
        )
        self.down = nn.Sequential(nn.Conv1d(channels, width, 4, stride=2, padding=1), nn.GELU())
        self.position = nn.Parameter(torch.zeros(1, n_bins // 2, width))
        self.attention = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(
                width, heads, dim_feedforward=2 * width, dropout=0.0, batch_first=True
            ),
            num_layers=2,
        )
        self.up = nn.Sequential(nn.ConvTranspose1d(width, channels, 4, stride=2, padding=1), nn.GELU())
        self.decode = nn.Sequential(
            nn.Conv1d(2 * channels, channels, 5, padding=2), nn.GELU(), nn.Conv1d(channels, 1, 5, padding=2)
        )
        # The variance head reads detached features: its loss must not pull the mean's trunk.
        self.variance = nn.Sequential(
            nn.Conv1d(2 * channels + 3, channels, 5, padding=2),
            nn.GELU(),
            nn.Conv1d(channels, channels, 5, padding=2),
            nn.GELU(),
            nn.Conv1d(channels, 1, 5, padding=2),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = self.encode(x)
        h = self.down(skip).transpose(1, 2) + self.position
        h = self.attention(h).transpose(1, 2)
        features = torch.cat([self.up(h), skip], dim=1)
        # residual on the noisy input: the network learns the correction
        mean = x[:, 0:1] + self.decode(features)
        log_var = self.variance(torch.cat([features.detach(), mean.detach(), x], dim=1))
        return torch.cat([mean, log_var.clamp(-20.0, 10.0)], dim=1)
