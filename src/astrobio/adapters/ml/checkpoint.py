"""The surrogate checkpoint format, shared by training and inference (imports torch and numpy only).

One file, written with ``torch.save`` and read with ``torch.load(weights_only=True)``: plain dicts,
lists, strings, numbers and tensors, no pickled classes. Keys:

``format`` (:data:`FORMAT`), ``mode`` (``"scalar"``/``"datacube"``), ``arch`` (model name and
constructor arguments), ``members`` (one dict per ensemble member: ``state`` the model's state dict
without the derived buffers, ``norm`` its train-split normalization), ``inputs`` (input names),
``log_inputs``, ``outputs``, ``units``, ``dims`` (datacube), ``grid`` (``lat_deg`` ascending,
``lon_deg``, ``lev`` sigma), ``kappa`` (supersaturation tolerance), ``split`` (cube ids used for
training and held out), ``metrics`` (held-out scores) and ``config`` (training settings).

The bytes hold no timestamp: the same training gives the same file and so the same SHA-256 id.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from astrobio.adapters.ml.models.scalar import ScalarMLP
from astrobio.adapters.ml.models.unet3d import UNet3d
from astrobio.domain.surrogate import SURROGATE_INPUTS

FORMAT = "astrobio.climate-surrogate/1"
FIELDS_3D = ("ta", "hus", "ua", "va", "cl")
FIELDS_2D = ("ts",)
UNITS = {"ta": "K", "hus": "kg kg-1", "ua": "m s-1", "va": "m s-1", "cl": "1", "ts": "K"}
#: scalar output -> (source variable, sign applied to the ExoPlaSim field, units)
SCALAR_OUTPUTS = {
    "ts_k": ("ts", 1.0, "K"), "rlut_w_m2": ("rlut", -1.0, "W m-2"), "rsut_w_m2": ("rsut", -1.0, "W m-2"),
    "rst_w_m2": ("rst", 1.0, "W m-2"), "sic_fraction": ("sic", 1.0, "1"), "clt_fraction": ("clt", 1.0, "1"),
    "prw_kg_m2": ("prw", 1.0, "kg m-2"),
}
#: inputs normalized in log10 (they span decades)
LOG_INPUTS = ("rotation_period_days", "surface_pressure_bar", "pco2_bar")
#: buffers rebuilt from ``norm`` on load (not stored twice)
_DERIVED = ("static", "base3d", "base2d")
STATIC_CHANNELS = 4 + len(FIELDS_3D) + len(FIELDS_2D)


def input_transform(params: np.ndarray) -> np.ndarray:
    """Raw inputs (N, 8) in SURROGATE_INPUTS order -> float64 with log10 applied to LOG_INPUTS."""
    x = np.array(params, dtype=np.float64, ndmin=2)
    for i, name in enumerate(SURROGATE_INPUTS):
        if name in LOG_INPUTS:
            x[:, i] = np.log10(x[:, i])
    return x


def normalize_inputs(params: np.ndarray, norm: dict[str, torch.Tensor]) -> torch.Tensor:
    """Raw inputs (N, 8) -> normalized float32 tensor (N, 8) with the member's ``x_mean``/``x_std``."""
    x = (input_transform(params) - norm["x_mean"].double().numpy()) / norm["x_std"].double().numpy()
    return torch.as_tensor(x, dtype=torch.float32)


def static_channels(norm: dict[str, torch.Tensor], lat_deg: Sequence[float], lon_deg: Sequence[float],
                    sigma: Sequence[float]) -> torch.Tensor:
    """The U-Net's fixed input channels (10, lev, lat, lon).

    sigma, sin(lat), cos(lon), sin(lon), the normalized training mean of the five 3-D fields and of
    ts (broadcast over lev).
    """
    clim3d, clim2d = norm["clim3d"], norm["clim2d"]
    n_lev, n_lat, n_lon = clim3d.shape[1:]
    lat = torch.deg2rad(torch.tensor(lat_deg, dtype=torch.float32))
    lon = torch.deg2rad(torch.tensor(lon_deg, dtype=torch.float32))
    sig = torch.tensor(sigma, dtype=torch.float32)
    shape = (n_lev, n_lat, n_lon)
    coords = [(2 * sig - 1)[:, None, None].expand(shape), torch.sin(lat)[None, :, None].expand(shape),
              torch.cos(lon)[None, None, :].expand(shape), torch.sin(lon)[None, None, :].expand(shape)]
    return torch.cat([torch.stack(coords), clim3d, clim2d[:, None].expand(-1, n_lev, -1, -1)])


def build_model(arch: dict[str, Any]) -> nn.Module:
    """A fresh model from ``arch`` (``name`` plus constructor keyword arguments)."""
    kwargs = {k: v for k, v in arch.items() if k != "name"}
    if arch["name"] == "unet3d":
        kwargs["grid"] = tuple(kwargs["grid"])
        return UNet3d(**kwargs)
    if arch["name"] == "scalar_mlp":
        return ScalarMLP(**kwargs)
    if arch["name"] == "climate_transformer":
        from astrobio.adapters.ml.models.climate_transformer import ClimateTransformer

        kwargs["grid"], kwargs["patch"] = tuple(kwargs["grid"]), tuple(kwargs["patch"])
        return ClimateTransformer(**kwargs)
    raise ValueError(f"unknown architecture {arch['name']!r}")


def set_derived_buffers(model: nn.Module, norm: dict[str, torch.Tensor], grid: dict[str, Any]) -> None:
    """Fill a U-Net's ``static``/``base3d``/``base2d`` buffers from the member's normalization."""
    if isinstance(model, UNet3d):
        with torch.no_grad():
            model.static.copy_(static_channels(norm, grid["lat_deg"], grid["lon_deg"], grid["lev"]))
            model.base3d.copy_(norm["clim3d"])
            model.base2d.copy_(norm["clim2d"])
        model.enc0.clear_cache()
    elif hasattr(model, "base3d") and hasattr(model, "base2d"):  # the climate transformer
        with torch.no_grad():
            base3d: torch.Tensor = model.base3d  # type: ignore[assignment]
            base2d: torch.Tensor = model.base2d  # type: ignore[assignment]
            base3d.copy_(norm["clim3d"])
            base2d.copy_(norm["clim2d"])


def member_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The model's state dict without the derived buffers, detached fp32 CPU copies."""
    return {k: v.detach().float().cpu().clone() for k, v in model.state_dict().items() if k not in _DERIVED}


def load_member(payload: dict[str, Any], i: int) -> nn.Module:
    """Ensemble member ``i`` of a loaded checkpoint as a model in eval mode."""
    model = build_model(payload["arch"])
    member = payload["members"][i]
    set_derived_buffers(model, member["norm"], payload["grid"])
    missing, unexpected = model.load_state_dict(member["state"], strict=False)
    if unexpected or set(missing) - set(_DERIVED):
        raise ValueError(f"checkpoint does not fit the model: missing {missing}, unexpected {unexpected}")
    return model.eval()


def save(payload: dict[str, Any], path: str | os.PathLike[str]) -> str:
    """Write ``payload`` atomically (temporary file + ``os.replace``); returns its SHA-256."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pt")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha256_file(target)


def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a checkpoint safely (``weights_only=True``) onto the CPU and check its format."""
    payload = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} checkpoint")
    return payload


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: architectures whose checkpoint holds an ``emulator`` dict (:mod:`.prior_surrogate`), not members
EMULATORS = ("pca_gp", "pca_mlp")


def to_tensors(obj: Any) -> Any:
    """numpy arrays -> tensors (float32 for fields and PCA bases of > 4096 values, float64 below),
    numpy scalars -> Python numbers, recursively (for saving)."""
    if isinstance(obj, np.ndarray):
        return torch.as_tensor(np.ascontiguousarray(obj, dtype=np.float32 if obj.size > 4096 else np.float64))
    if isinstance(obj, dict):
        return {k: to_tensors(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_tensors(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def from_tensors(obj: Any) -> Any:
    """Inverse of :func:`to_tensors`: tensors -> numpy arrays."""
    if isinstance(obj, torch.Tensor):
        return obj.numpy()
    if isinstance(obj, dict):
        return {k: from_tensors(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [from_tensors(v) for v in obj]
    return obj
