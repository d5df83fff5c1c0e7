"""The one registry of non-climate models: train -> register (never in place), --no-activate, activate."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from astrobio.adapters.ml.registry import FileModelRegistry
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import InvalidDataset, NotFound
from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.main import app

SHIPPED = Path(__file__).parents[3] / "data" / "models"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _staged(tmp: Path, name: str, text: str) -> Path:
    d = tmp / name
    d.mkdir()
    (d / "multiclass.json").write_text(json.dumps({"model_id": name, "text": text, "card": {}}))
    return d


def test_register_is_content_addressed_and_activation_is_explicit(tmp_path: Path) -> None:
    models = tmp_path / "models"
    (models / "jwst").mkdir(parents=True)
    reg = FileModelRegistry(models)
    assert reg.model_dir("multiclass") == models / "jwst"  # nothing active: the shipped files
    a = reg.register("multiclass", _staged(tmp_path, "a", "one"), activate=False)
    again = reg.register("multiclass", _staged(tmp_path, "a2", "one"), activate=False)
    assert a["id"] != again["id"]  # different bytes (model_id differs) -> different address
    assert not a["active"] and reg.model_dir("multiclass") == models / "jwst"
    assert reg.activate("multiclass", a["id"][:10])["active"]
    assert reg.model_dir("multiclass") == models / "registry" / "multiclass" / a["id"]
    assert [e["id"] for e in reg.entries() if e["active"]] == [a["id"]]
    assert (models / "registry" / "multiclass" / a["id"] / "multiclass.json").is_file()
    with pytest.raises(NotFound):
        reg.activate("multiclass", "f" * 64)
    with pytest.raises(NotFound):
        reg.model_dir("bogus")
    with pytest.raises(InvalidDataset):
        reg.register("denoiser", _staged(tmp_path, "b", "x"), activate=True)  # lacks denoiser.pt


def test_train_multiclass_no_activate_never_touches_the_shipped_model(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    (models / "jwst").mkdir(parents=True)
    shutil.copy(SHIPPED / "jwst" / "multiclass.json", models / "jwst")
    shipped = _sha(models / "jwst" / "multiclass.json")
    settings = Settings(data_dir=tmp_path / "var", models_dir_path=models)
    monkeypatch.setattr(context, "container", lambda: build_container(settings))
    runner = CliRunner()
    r = runner.invoke(app, ["train", "multiclass", "--no-activate", "--json"])
    assert r.exit_code == 0, r.output
    card = json.loads(r.stdout)
    assert card["active"] is False and len(card["registry_id"]) == 64
    assert _sha(models / "jwst" / "multiclass.json") == shipped
    listed = json.loads(runner.invoke(app, ["models", "list", "--kind", "multiclass", "--json"]).stdout)
    assert [(m["id"], m["active"]) for m in listed] == [(card["registry_id"], False)]
    # Still served: the shipped classifier.
    assert build_container(settings).jwst.classifier().model_id == json.loads(
        (models / "jwst" / "multiclass.json").read_text())["model_id"]
    r = runner.invoke(app, ["models", "activate", "multiclass", card["registry_id"][:12], "--json"])
    assert r.exit_code == 0, r.output
    assert build_container(settings).jwst.classifier().model_id == card["model_id"]
    assert _sha(models / "jwst" / "multiclass.json") == shipped
    r = runner.invoke(app, ["models", "activate", "multiclass", "deadbeefdeadbeef"])
    assert r.exit_code == 4 and "Traceback" not in r.output


def test_http_lists_and_activates_models(tmp_path: Path) -> None:
    from litestar.testing import TestClient

    from astrobio.entrypoints.http import create_app

    models = tmp_path / "models"
    (models / "jwst").mkdir(parents=True)
    reg = FileModelRegistry(models)
    a = reg.register("multiclass", _staged(tmp_path, "a", "one"), activate=False)
    c = build_container(Settings(data_dir=tmp_path / "var", models_dir_path=models))
    with TestClient(app=create_app(c)) as client:
        listed = client.get("/models")
        assert listed.status_code == 200, listed.text
        assert [(m["kind"], m["id"], m["active"]) for m in listed.json()] == [("multiclass", a["id"], False)]
        r = client.post(f"/models/multiclass/{a['id'][:12]}/activate")
        assert r.status_code == 200, r.text
        assert r.json() == {"kind": "multiclass", "id": a["id"], "active": True}
        assert client.post("/models/multiclass/..%2F..%2Fetc/activate").status_code == 404
        assert client.post("/models/bogus/deadbeefdead/activate").status_code == 404
    assert reg.model_dir("multiclass") == models / "registry" / "multiclass" / a["id"]
