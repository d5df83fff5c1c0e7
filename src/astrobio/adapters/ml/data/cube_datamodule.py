"""Training data for the climate surrogates: time-mean fields of a cube set, split by simulation.

Reading: each cube is opened lazily as an xarray Dataset of dask arrays, one dask chunk per stored
time record read through the ``CubeStore`` port (for the Zarr store that is exactly one Zarr chunk),
and reduced to its time mean; cubes are computed one at a time, so memory holds one cube's records
plus the (small) time means. Targets:

- ``datacube``: 3-D ``ta hus ua va cl`` (lev, lat, lon) and 2-D ``ts`` (lat, lon);
- ``scalar``: cos(lat)-weighted global means of ``ts rlut rsut rst sic clt prw``. ExoPlaSim writes
  the TOA fluxes positive downward (``rlut``, ``rsut`` <= 0); the scalar outputs use the CF sign
  (outgoing/reflected positive upward), so ``rst_w_m2 + rsut_w_m2`` is the incoming S/4.

Splits are by simulation (a cube's ``run_id``, else its parameters): a run is wholly in train, val
or test. Normalization statistics come from the train split only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import dask
import dask.array as da
import lightning as L
import numpy as np
import torch
import xarray as xr
from dask.delayed import delayed
from torch.utils.data import DataLoader, TensorDataset

from astrobio.adapters.ml.checkpoint import (
    FIELDS_2D,
    FIELDS_3D,
    SCALAR_OUTPUTS,
    input_transform,
    normalize_inputs,
)
from astrobio.application.ports.cube_store import CubeStore
from astrobio.domain.climate import ClimateCube
from astrobio.domain.errors import InvalidDataset, InvalidQuantity
from astrobio.domain.surrogate import SURROGATE_INPUTS, SurrogateMode, input_vector


def lazy_time_mean(store: CubeStore, cube: ClimateCube, variables: Sequence[str]) -> xr.Dataset:
    """The time mean of ``variables`` of ``cube`` as a lazy (dask) Dataset, one chunk per record."""
    g = cube.grid
    coords = {"lev": list(g.lev), "lat": list(g.lat_deg), "lon": list(g.lon_deg)}
    out = {}
    for name in variables:
        dims = cube.variable(name).dims
        shape = tuple(len(coords[d]) for d in dims[1:])
        records = [da.from_delayed(delayed(store.read)(cube, name, time=t), shape,  # type: ignore[no-untyped-call]
                                   dtype=np.float32) for t in range(g.n_time)]
        out[name] = xr.DataArray(da.stack(records), dims=dims)  # type: ignore[no-untyped-call]
    ds = xr.Dataset(out, coords={d: c for d, c in coords.items() if any(d in v.dims for v in out.values())})
    return ds.mean("time")


def area_weights(lat_deg: Sequence[float]) -> np.ndarray:
    """cos(lat) weights normalized to mean 1, shape (lat,)."""
    w = np.cos(np.deg2rad(np.asarray(lat_deg, dtype=np.float64)))
    out: np.ndarray = w / w.mean()
    return out


class TimeMeans:
    """Time-mean targets of every cube of a set, read once (cube by cube) and kept in memory.

    ``fields``: (N, 5, lev, lat, lon) for ``datacube``; (N, 7) global means for ``scalar``.
    ``ts_field``: (N, 1, lat, lon) (datacube only). ``params``: (N, 8) raw inputs.
    """

    def __init__(self, store: CubeStore, cubes: Sequence[ClimateCube], mode: SurrogateMode) -> None:
        if not cubes:
            raise InvalidQuantity("no cubes to train on", field="cubes")
        grids = {(c.grid.lev, c.grid.lat_deg, c.grid.lon_deg) for c in cubes}
        if len(grids) != 1:
            raise InvalidDataset("the cubes of a training set must share one grid", field="cubes")
        missing = [c.id for c in cubes if c.parameters is None]
        if missing:
            raise InvalidDataset(f"cubes without climate parameters: {missing}", field="cubes")
        self.cubes = tuple(cubes)
        self.mode = mode
        self.grid = cubes[0].grid
        w = area_weights(self.grid.lat_deg)[:, None]
        self.params = np.array([input_vector(c.parameters) for c in cubes if c.parameters], np.float64)
        names = FIELDS_3D + FIELDS_2D if mode is SurrogateMode.DATACUBE else tuple(
            v for v, _, _ in SCALAR_OUTPUTS.values())
        f3, f2, sc = [], [], []
        with dask.config.set(scheduler="threads"):
            for cube in cubes:  # one cube computed at a time: bounded memory
                ds = lazy_time_mean(store, cube, names).compute()
                if mode is SurrogateMode.DATACUBE:
                    f3.append(np.stack([ds[v].values for v in FIELDS_3D]))
                    f2.append(np.stack([ds[v].values for v in FIELDS_2D]))
                else:
                    sc.append([sign * float((ds[v].values * w).mean())
                               for v, sign, _ in SCALAR_OUTPUTS.values()])
        self.fields = np.asarray(f3 or sc, dtype=np.float32)
        self.ts_field = np.asarray(f2, dtype=np.float32) if f2 else np.zeros((len(cubes), 0), np.float32)
        if not np.isfinite(self.fields).all() or not np.isfinite(self.ts_field).all():
            raise InvalidDataset("non-finite values in the time-mean targets", field="cubes")


def simulation_key(cube: ClimateCube) -> str:
    """What makes two cubes the same simulation: the run id, else the parameters."""
    if cube.run_id:
        return f"run:{cube.run_id}"
    return "params:" + repr(sorted(cube.parameters.to_dict().items()) if cube.parameters else cube.id)


@dataclass(frozen=True, slots=True)
class Split:
    """Cube indices of each part; no simulation is in two parts."""

    train: tuple[int, ...]
    val: tuple[int, ...]
    test: tuple[int, ...]


def split_by_simulation(cubes: Sequence[ClimateCube], *, seed: int, holdout_fraction: float,
                        val_fraction: float = 0.15, member: int = 0,
                        holdout: Sequence[str] | None = None) -> Split:
    """Seeded split of ``cubes`` by simulation into train / val (early stopping) / test (held out).

    The test part depends on ``seed`` only (every ensemble member is scored on the same runs); the
    val part is drawn from the rest with ``seed`` and ``member``, so members of a deep ensemble stop
    early on different runs and together train on all non-test runs. Needs >= 3 simulations; test
    gets ceil(holdout_fraction x n) of them (3 of 15 at the default 0.2), val at least one.
    ``holdout``: cube ids whose simulations form the test part instead (k-fold cross-validation).
    """
    keys = sorted({simulation_key(c) for c in cubes})
    n = len(keys)
    if n < 3:
        raise InvalidQuantity(f"need at least 3 simulations to split, got {n}", field="cubes")
    order = [keys[i] for i in np.random.default_rng(seed).permutation(n)]
    if holdout is not None:
        chosen = {simulation_key(c) for c in cubes if c.id in set(holdout)}
        order = [k for k in order if k in chosen] + [k for k in order if k not in chosen]
        n_test = len(chosen)
        if not 1 <= n_test <= n - 2:
            raise InvalidQuantity(f"holdout must name 1..{n - 2} simulations, got {n_test}", field="holdout")
    else:
        n_test = min(max(1, math.ceil(holdout_fraction * n - 1e-9)), n - 2)
    test_keys, rest = set(order[:n_test]), order[n_test:]
    rest = [rest[i] for i in np.random.default_rng([seed, member + 1]).permutation(len(rest))]
    n_val = min(max(1, round(val_fraction * len(rest))), len(rest) - 1)
    val_keys = set(rest[:n_val])
    parts: dict[str, list[int]] = {"train": [], "val": [], "test": []}
    for i, c in enumerate(cubes):
        k = simulation_key(c)
        parts["test" if k in test_keys else "val" if k in val_keys else "train"].append(i)
    return Split(tuple(parts["train"]), tuple(parts["val"]), tuple(parts["test"]))


def _std(a: np.ndarray, axis: tuple[int, ...] | int) -> np.ndarray:
    s = a.std(axis=axis)
    return np.where(s > 1e-12 * max(float(np.abs(a).max()), 1e-30), s, 1.0)


def normalization(data: TimeMeans, train: Sequence[int]) -> dict[str, torch.Tensor]:
    """Statistics of the train runs only: input mean/std (8,), target mean/std per variable/level.

    Datacube: ``y3d_mean``/``y3d_std`` (5, lev), ``y2d_mean``/``y2d_std`` (1,), and the train-mean
    fields in normalized units ``clim3d`` (5, lev, lat, lon), ``clim2d`` (1, lat, lon).
    Scalar: ``y_mean``/``y_std`` (7,).
    """
    idx = list(train)
    x = input_transform(data.params[idx])
    out = {"x_mean": x.mean(0), "x_std": _std(x, 0)}
    if data.mode is SurrogateMode.SCALAR:
        y = data.fields[idx].astype(np.float64)
        out |= {"y_mean": y.mean(0), "y_std": _std(y, 0)}
    else:
        y3, y2 = data.fields[idx].astype(np.float64), data.ts_field[idx].astype(np.float64)
        m3, s3 = y3.mean((0, 3, 4)), _std(y3, (0, 3, 4))
        m2, s2 = y2.mean((0, 2, 3)), _std(y2, (0, 2, 3))
        out |= {"y3d_mean": m3, "y3d_std": s3, "y2d_mean": m2, "y2d_std": s2,
                "clim3d": (y3.mean(0) - m3[:, :, None, None]) / s3[:, :, None, None],
                "clim2d": (y2.mean(0) - m2[:, None, None]) / s2[:, None, None]}
    return {k: torch.as_tensor(np.asarray(v), dtype=torch.float32) for k, v in out.items()}


def tensors(data: TimeMeans, idx: Sequence[int], norm: dict[str, torch.Tensor]) -> TensorDataset:
    """Normalized samples: (x, y..., aux) with aux (N, 2) = surface pressure (Pa), instellation (W m-2)."""
    i = list(idx)
    x = normalize_inputs(data.params[i], norm)
    ps = SURROGATE_INPUTS.index("surface_pressure_bar")
    s = SURROGATE_INPUTS.index("instellation_w_m2")
    aux = torch.as_tensor(np.stack([data.params[i, ps] * 1e5, data.params[i, s]], 1), dtype=torch.float32)
    if data.mode is SurrogateMode.SCALAR:
        y = (torch.as_tensor(data.fields[i]) - norm["y_mean"]) / norm["y_std"]
        return TensorDataset(x, y, aux)
    m3, s3 = norm["y3d_mean"][:, :, None, None], norm["y3d_std"][:, :, None, None]
    y3 = (torch.as_tensor(data.fields[i]) - m3) / s3
    m2, s2 = norm["y2d_mean"][:, None, None], norm["y2d_std"][:, None, None]
    y2 = (torch.as_tensor(data.ts_field[i]) - m2) / s2
    return TensorDataset(x, y3, y2, aux)


class ClimateDataModule(L.LightningDataModule):
    """Train/val/test loaders over :class:`TimeMeans` for one ensemble member's split.

    Parameters
    ----------
    data:
        The time-mean targets of the whole cube set (shared by the members).
    split:
        Which cubes are train / val / test (see :func:`split_by_simulation`).
    batch_size:
        Runs per batch.
    """

    def __init__(self, data: TimeMeans, split: Split, batch_size: int = 4) -> None:
        super().__init__()
        if not split.train or not split.val:
            raise InvalidQuantity("a split needs train and val runs", field="cubes")
        self.data = data
        self.split = split
        self.batch_size = batch_size
        self.norm = normalization(data, split.train)  # from the train split only
        self.sets = {name: tensors(data, getattr(split, name), self.norm)
                     for name in ("train", "val", "test") if getattr(split, name)}

    def train_dataloader(self) -> DataLoader[tuple[torch.Tensor, ...]]:
        return DataLoader(self.sets["train"], batch_size=self.batch_size, shuffle=True, drop_last=False)

    def val_dataloader(self) -> DataLoader[tuple[torch.Tensor, ...]]:
        return DataLoader(self.sets["val"], batch_size=self.batch_size)

    def test_dataloader(self) -> DataLoader[tuple[torch.Tensor, ...]]:
        return DataLoader(self.sets.get("test", self.sets["val"]), batch_size=self.batch_size)
