"""FileSurrogateRegistry: content addressing, activation, integrity, and no torch on import."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from astrobio.adapters.ml.registry import FileSurrogateRegistry
from astrobio.application.ports.surrogate import TrainedModel
from astrobio.domain.climate import ClimateParameters
from astrobio.domain.errors import InvalidDataset, NotFound
from astrobio.domain.surrogate import SURROGATE_INPUTS, ModelCard, SurrogateMode

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _trained(path: Path, mode: SurrogateMode = SurrogateMode.SCALAR, **card: object) -> TrainedModel:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    fields: dict[str, object] = {"id": digest, "mode": mode, "created_at": NOW, "code_version": "test",
                                 "metrics": {"ts_k_rmse": 12.5}, "training_cubes": (("run000", "ab" * 32),),
                                 "input_ranges": {"star_teff_k": (2600.0, 6500.0)}, "outputs": ("ts_k",)}
    fields |= card
    return TrainedModel(checkpoint_path=str(path), card=ModelCard(**fields))  # type: ignore[arg-type]


def _blob(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_registers_checkpoint_under_its_sha256(tmp_path: Path) -> None:
    reg = FileSurrogateRegistry(tmp_path / "models")
    trained = _trained(_blob(tmp_path, "a.pt", b"checkpoint-a"))
    card = reg.register(trained)
    digest = hashlib.sha256(b"checkpoint-a").hexdigest()
    assert card.id == digest and card.active
    assert (tmp_path / "models" / f"{digest}.pt").read_bytes() == b"checkpoint-a"
    assert (tmp_path / "models" / f"{digest}.json").is_file()
    assert card.metrics == {"ts_k_rmse": 12.5} and card.training_cubes == (("run000", "ab" * 32),)
    assert card.input_ranges == {"star_teff_k": (2600.0, 6500.0)}
    assert reg.register(trained) == card  # same bytes, same address: idempotent
    assert [c.id for c in reg.cards()] == [digest]
    assert not list((tmp_path / "models").glob(".tmp-*"))


def test_refuses_a_card_whose_id_is_not_the_file_hash(tmp_path: Path) -> None:
    reg = FileSurrogateRegistry(tmp_path / "models")
    trained = _trained(_blob(tmp_path, "a.pt", b"checkpoint-a"), id="0" * 64)
    with pytest.raises(InvalidDataset, match="SHA-256"):
        reg.register(trained)
    assert reg.cards() == []


def test_activation_switches_the_active_model_of_one_mode_only(tmp_path: Path) -> None:
    reg = FileSurrogateRegistry(tmp_path / "models")
    first = reg.register(_trained(_blob(tmp_path, "a.pt", b"a")))
    second = reg.register(_trained(_blob(tmp_path, "b.pt", b"b")), activate=False)
    cube = reg.register(_trained(_blob(tmp_path, "c.pt", b"c"), SurrogateMode.DATACUBE))
    assert reg.active(SurrogateMode.SCALAR) == first and not second.active
    reg.activate(second.id)
    assert reg.active(SurrogateMode.SCALAR).id == second.id  # type: ignore[union-attr]
    assert reg.active(SurrogateMode.DATACUBE).id == cube.id  # type: ignore[union-attr]
    assert {c.id: c.active for c in reg.cards()} == {first.id: False, second.id: True, cube.id: True}
    assert FileSurrogateRegistry(tmp_path / "models").active(SurrogateMode.SCALAR).id == second.id  # type: ignore[union-attr]


def test_unknown_or_missing_models_are_not_found(tmp_path: Path) -> None:
    reg = FileSurrogateRegistry(tmp_path / "models")
    assert reg.active(SurrogateMode.SCALAR) is None
    with pytest.raises(NotFound):
        reg.activate("f" * 64)
    with pytest.raises(NotFound):
        reg.activate("../../etc/passwd")
    with pytest.raises(NotFound, match="no active scalar"):
        reg.load(SurrogateMode.SCALAR)


def test_load_refuses_a_checkpoint_modified_after_registration(tmp_path: Path) -> None:
    reg = FileSurrogateRegistry(tmp_path / "models")
    card = reg.register(_trained(_blob(tmp_path, "a.pt", b"original bytes")))
    reg.path(card.id).write_bytes(b"tampered bytes")
    with pytest.raises(InvalidDataset, match="modified or corrupted"):
        reg.load(SurrogateMode.SCALAR)


def test_importing_the_registry_does_not_import_torch() -> None:
    code = ("import sys, astrobio.adapters.ml, astrobio.adapters.ml.registry; "
            "sys.exit(1 if 'torch' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _scalar_checkpoint(path: Path) -> None:
    """A tiny, untrained scalar checkpoint in the real format."""
    torch = pytest.importorskip("torch")
    from astrobio.adapters.ml import checkpoint as ckpt

    arch = {"name": "scalar_mlp", "n_params": 8, "n_out": 7, "hidden": 8, "depth": 1, "dropout": 0.0}
    model = ckpt.build_model(arch)
    norm = {"x_mean": torch.zeros(8), "x_std": torch.ones(8), "y_mean": torch.full((7,), 250.0),
            "y_std": torch.ones(7)}
    payload = {"format": ckpt.FORMAT, "mode": "scalar", "arch": arch,
               "members": [{"state": ckpt.member_state(model), "norm": norm}],
               "inputs": list(SURROGATE_INPUTS), "outputs": list(ckpt.SCALAR_OUTPUTS),
               "units": {k: u for k, (_, _, u) in ckpt.SCALAR_OUTPUTS.items()}, "grid": {}, "kappa": 1.0}
    ckpt.save(payload, path)


def test_load_verifies_caches_and_predicts(tmp_path: Path) -> None:
    path = tmp_path / "scalar.pt"
    _scalar_checkpoint(path)
    reg = FileSurrogateRegistry(tmp_path / "models")
    reg.register(_trained(path, input_ranges={"radius_earth": (0.5, 1.8)}))
    surrogate = reg.load(SurrogateMode.SCALAR)
    assert reg.load(SurrogateMode.SCALAR) is surrogate
    inside, outside = ClimateParameters(), ClimateParameters(radius_earth=2.5)
    preds = surrogate.predict_scalar([inside, outside])
    assert [p.out_of_range for p in preds] == [(), ("radius_earth",)]
    assert set(preds[0].values) == {"ts_k", "rlut_w_m2", "rsut_w_m2", "rst_w_m2", "sic_fraction",
                                    "clt_fraction", "prw_kg_m2"}
    assert preds[0].units["ts_k"] == "K" and preds[0].model_id == surrogate.card.id
