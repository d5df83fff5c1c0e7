"""Held-out skill of the default climate surrogates against baselines, and the physics ablation.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/eval_climate_surrogate.py            # tables, ~1 min
    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/eval_climate_surrogate.py --ablation --kfold 5

Split: the runs the shipped model held out (seed 0, 3 of 15, by simulation; listed on its card).
``--kfold K`` adds K-fold cross-validation over simulations (every run held out once; the U-Net is
retrained per fold with ``--members`` members). ``--ablation`` retrains the datacube U-Net on the
default split with each physics term alone, none and all (same seed and settings, ``--members``).

Baselines (same split, same metrics): the train mean (sigma: per-voxel spread of the training
runs), k-NN (k = 3, inverse distance in the normalized input space; sigma: neighbours' spread) and
PCA + ridge (per-variable/level standardized fields, components and ridge alpha chosen by
leave-one-run-out on the training runs only). Metric definitions: astrobio.adapters.ml.evaluation.
Caveat (data/gcm/README.md): 15 runs of 240 days from an Earth-like start, not equilibria.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import warnings
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from train_default_models import ingest_bundled  # noqa: E402

from astrobio.adapters.ml import checkpoint as ckpt  # noqa: E402
from astrobio.adapters.ml.data.cube_datamodule import TimeMeans  # noqa: E402
from astrobio.adapters.ml.evaluation import datacube_scores, scalar_scores, violations  # noqa: E402
from astrobio.adapters.ml.inference import Ensemble  # noqa: E402
from astrobio.adapters.ml.registry import FileSurrogateRegistry  # noqa: E402
from astrobio.adapters.ml.training import LightningSurrogateTrainer  # noqa: E402
from astrobio.application.ports.surrogate import TrainingConfig  # noqa: E402
from astrobio.domain.surrogate import ModelCard, SurrogateMode  # noqa: E402

Pred = dict[str, np.ndarray]


def _inputs(data: TimeMeans, train: list[int]) -> np.ndarray:
    x = ckpt.input_transform(data.params)
    return np.asarray((x - x[train].mean(0)) / np.where(x[train].std(0) > 0, x[train].std(0), 1.0))


def _flat(data: TimeMeans) -> np.ndarray:
    parts = [data.fields.reshape(len(data.cubes), -1)]
    if data.ts_field.size:
        parts.append(data.ts_field.reshape(len(data.cubes), -1))
    return np.concatenate(parts, 1).astype(np.float64)


def _unflat(data: TimeMeans, y: np.ndarray, s: np.ndarray | None) -> Pred:
    if data.mode is SurrogateMode.SCALAR:
        return {"mean": y} | ({"sigma": s} if s is not None else {})
    n3 = int(np.prod(data.fields.shape[1:]))
    out = {"mean3d": y[:, :n3].reshape(-1, *data.fields.shape[1:]),
           "mean2d": y[:, n3:].reshape(-1, *data.ts_field.shape[1:])}
    if s is not None:
        out |= {"sigma3d": s[:, :n3].reshape(-1, *data.fields.shape[1:]),
                "sigma2d": s[:, n3:].reshape(-1, *data.ts_field.shape[1:])}
    return out


def train_mean(data: TimeMeans, train: list[int], test: list[int]) -> Pred:
    y = _flat(data)[train]
    return _unflat(data, np.repeat(y.mean(0)[None], len(test), 0), np.repeat(y.std(0)[None], len(test), 0))


def knn(data: TimeMeans, train: list[int], test: list[int], k: int = 3) -> Pred:
    x, y = _inputs(data, train), _flat(data)
    d = np.sqrt(((x[test][:, None] - x[train][None]) ** 2).sum(-1))
    idx = np.argsort(d, 1)[:, :k]
    w = 1.0 / (np.take_along_axis(d, idx, 1) + 1e-6)
    w /= w.sum(1, keepdims=True)
    nb = y[train][idx]                                               # (n_test, k, features)
    mean = (w[..., None] * nb).sum(1)
    return _unflat(data, mean, np.sqrt((w[..., None] * (nb - mean[:, None]) ** 2).sum(1)))


def _ridge_fit(x: np.ndarray, z: np.ndarray, n_comp: int, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    basis = vt[:n_comp]
    xb = np.hstack([x, np.ones((len(x), 1))])
    reg = alpha * np.diag([1.0] * x.shape[1] + [0.0])
    coef = np.linalg.solve(xb.T @ xb + reg, xb.T @ (z @ basis.T))
    return coef, basis


def pca_ridge(data: TimeMeans, train: list[int], test: list[int]) -> tuple[Pred, str]:
    x, y = _inputs(data, train), _flat(data)
    mu, sd = y[train].mean(0), np.where(y[train].std(0) > 0, y[train].std(0), 1.0)
    z = (y - mu) / sd
    best = (np.inf, 1, 1.0)
    for n_comp in (1, 2, 3, 5, 8):
        for alpha in (0.1, 1.0, 10.0, 100.0):
            err = 0.0
            for j in train:  # leave one training run out
                rest = [i for i in train if i != j]
                coef, basis = _ridge_fit(x[rest], z[rest], min(n_comp, len(rest) - 1), alpha)
                err += float(((np.append(x[j], 1.0) @ coef @ basis - z[j]) ** 2).mean())
            best = min(best, (err, n_comp, alpha))
    _, n_comp, alpha = best
    coef, basis = _ridge_fit(x[train], z[train], n_comp, alpha)
    pred = np.hstack([x[test], np.ones((len(test), 1))]) @ coef @ basis
    return _unflat(data, pred * sd + mu, None), f"{n_comp} PCs, alpha {alpha:g}"


def _config(card: ModelCard, **changes: object) -> TrainingConfig:
    hp = card.hyperparameters
    kwargs = {f.name: hp[f.name] for f in fields(TrainingConfig) if f.name in hp}
    kwargs["mode"] = card.mode
    return replace(TrainingConfig(**kwargs), **changes)  # type: ignore[arg-type]


def _row(name: str, s: dict[str, float], keys: list[str]) -> str:
    return f"{name:<28}" + "".join(f"{s.get(k, float('nan')):>12.3f}" for k in keys)


def datacube_table(data: TimeMeans, payload: dict, train: list[int], test: list[int]) -> dict[str, dict]:
    kappa = float(payload["kappa"])
    ridge, ridge_desc = pca_ridge(data, train, test)
    preds = {"U-Net ensemble": Ensemble(payload).fields(data.params[test]),
             "train mean": train_mean(data, train, test), "k-NN (k=3)": knn(data, train, test),
             f"PCA+ridge ({ridge_desc})": ridge}
    scores = {k: datacube_scores(v, data, test, train, kappa=kappa) for k, v in preds.items()}
    scores["(truth itself)"] = violations(data.fields[test], data.params[test], data.grid.lev, kappa)
    keys = ["ts_rmse_k", "ts_global_mean_rmse", "ts_r2", "ts_acc", "ts_spread_skill", "ta_rmse_k", "ta_r2",
            "ta_acc", "ta_skill", "ta_spread_skill", "hus_skill", "ua_skill", "cl_skill", "supersat_frac",
            "supersat_excess"]
    for chunk in (keys[:7], keys[7:]):
        print(f"{'datacube':<28}" + "".join(f"{k[:11]:>12}" for k in chunk))
        for name, s in scores.items():
            print(_row(name, s, chunk))
    return scores


def scalar_table(data: TimeMeans, payload: dict, train: list[int], test: list[int]) -> dict[str, dict]:
    truth = data.fields[test]
    mean, sigma = Ensemble(payload).scalars(data.params[test])
    ridge, desc = pca_ridge(data, train, test)
    preds = {"MLP deep ensemble": (mean, sigma), "train mean": tuple(train_mean(data, train, test).values()),
             "k-NN (k=3)": tuple(knn(data, train, test).values()), f"ridge ({desc})": (ridge["mean"], None)}
    scores = {k: scalar_scores(m, s, truth) for k, (m, s) in ((k, (v[0], v[1] if len(v) > 1 else None))
                                                               for k, v in preds.items())}
    keys = [f"{k}_rmse" for k in ckpt.SCALAR_OUTPUTS] + ["ts_k_spread_skill"]
    print(f"{'scalar (global means)':<28}" + "".join(f"{k.replace('_rmse', '')[:11]:>12}" for k in keys))
    for name, s in scores.items():
        print(_row(name, s, keys))
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=str(ROOT / "data" / "models"))
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--kfold", type=int, default=0)
    parser.add_argument("--members", type=int, default=1, help="ensemble size for retrained U-Nets")
    parser.add_argument("--json", help="write all figures here")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    for name in ("lightning", "lightning.pytorch", "lightning.fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)
    registry = FileSurrogateRegistry(args.models)
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="astrobio-eval-") as tmp:
        store, cubes = ingest_bundled(f"{tmp}/zarr")
        for mode in (SurrogateMode.DATACUBE, SurrogateMode.SCALAR):
            card = registry.active(mode)
            assert card is not None, f"no active {mode.value} model in {args.models}"
            held = set(card.hyperparameters["holdout_cubes"])
            data = TimeMeans(store, cubes, mode)  # type: ignore[arg-type]
            test = [i for i, c in enumerate(cubes) if c.id in held]  # type: ignore[attr-defined]
            train = [i for i in range(len(cubes)) if i not in test]
            print(f"\n== {mode.value}: held-out runs {sorted(held)} (train {len(train)}) ==")
            table = datacube_table if mode is SurrogateMode.DATACUBE else scalar_table
            out[mode.value] = table(data, ckpt.load(registry.path(card.id)), train, test)
        card = registry.active(SurrogateMode.DATACUBE)
        assert card is not None
        trainer = LightningSurrogateTrainer(store, f"{tmp}/work", "eval")  # type: ignore[arg-type]
        data = TimeMeans(store, cubes, SurrogateMode.DATACUBE)  # type: ignore[arg-type]
        if args.ablation:
            variants = {"no physics": {"physics_weight": 0.0}, "all terms": {}}
            for term in ("nonneg_q", "cloud_bounds", "supersat"):
                only = {t: float(t == term) for t in ("nonneg_q", "cloud_bounds", "supersat")}
                variants[f"only {term}"] = {"extra": card.hyperparameters["extra"] | {"physics": only}}
            keys = ["ts_rmse_k", "ta_rmse_k", "hus_rmse", "cl_rmse", "neg_q_frac", "cl_out_frac",
                    "supersat_frac", "supersat_excess"]
            print(f"\n== physics ablation (U-Net, {args.members} member(s), seed 0, default split) ==")
            print(f"{'variant':<28}" + "".join(f"{k[:11]:>12}" for k in keys))
            ablation = {}
            for name, change in variants.items():
                cfg = _config(card, ensemble=args.members, **change)
                ablation[name] = trainer.train(cubes, cfg).card.metrics  # type: ignore[arg-type]
                print(_row(name, ablation[name], keys), flush=True)
            out["ablation"] = ablation
        if args.kfold:
            keys = ["ts_rmse_k", "ts_acc", "ta_rmse_k", "ta_acc", "ta_skill"]
            order = np.random.default_rng(0).permutation(len(cubes))
            folds = np.array_split(order, args.kfold)
            rows: dict[str, list[dict[str, float]]] = {}
            for f, fold in enumerate(folds):
                test = sorted(int(i) for i in fold)
                train = [i for i in range(len(cubes)) if i not in test]
                ids = [cubes[i].id for i in test]  # type: ignore[attr-defined]
                cfg = _config(card, ensemble=args.members,
                              extra=card.hyperparameters["extra"] | {"holdout_cubes": ids})
                rows.setdefault("U-Net", []).append(trainer.train(cubes, cfg).card.metrics)  # type: ignore[arg-type]
                for name, pred in (("train mean", train_mean(data, train, test)),
                                   ("k-NN (k=3)", knn(data, train, test)),
                                   ("PCA+ridge (LOO)", pca_ridge(data, train, test)[0])):
                    rows.setdefault(name, []).append(datacube_scores(pred, data, test, train))
                print(f"fold {f}: {ids} U-Net ts {rows['U-Net'][-1]['ts_rmse_k']:.1f} K", flush=True)
            print(f"\n== {args.kfold}-fold CV over simulations (mean over folds) ==")
            print(f"{'model':<28}" + "".join(f"{k[:11]:>12}" for k in keys))
            summary = {n: {k: float(np.mean([r[k] for r in rs])) for k in keys} for n, rs in rows.items()}
            for name, s in summary.items():
                print(_row(name, s, keys))
            out["kfold"] = {"folds": rows, "mean": summary}
        store.close()  # type: ignore[attr-defined]
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=float) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
