"""``FileSurrogateRegistry``: trained surrogates as content-addressed files in one directory.

Layout under ``root``: ``<sha256>.pt`` (the checkpoint, named by the SHA-256 of its bytes),
``<sha256>.json`` (its model card) and ``active.json`` (``{"scalar": "<sha256>", ...}``). Every
write goes to a temporary file in the same directory, then ``os.replace`` (atomic on POSIX), so a
reader never sees half a file. Registering the same checkpoint twice is a no-op (same address).

This module does not import torch: listing and activating models is cheap; :meth:`load` imports
:mod:`astrobio.adapters.ml.inference` (and torch) on first use, verifies the file's SHA-256 against
its address and caches the loaded surrogate per model id.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from astrobio.application.ports.surrogate import ClimateSurrogate, SurrogateRegistry, TrainedModel
from astrobio.atomic import write_bytes_atomic
from astrobio.domain.errors import InvalidDataset, NotFound
from astrobio.domain.surrogate import ModelCard, SurrogateMode

_ID = re.compile(r"^[0-9a-f]{64}$")
_PREFIX = re.compile(r"^[0-9a-f]{8,63}$")
ACTIVE = "active.json"
#: Training curves of registered models: ``<root>/curves/<id>/member-<k>.csv``.
CURVES = "curves"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def card_to_json(card: ModelCard) -> dict[str, Any]:
    """A model card as plain JSON (``active`` is not stored: ``active.json`` is the truth)."""
    return {"id": card.id, "mode": card.mode.value, "created_at": card.created_at.isoformat(),
            "code_version": card.code_version, "hyperparameters": card.hyperparameters,
            "metrics": card.metrics, "training_cubes": [list(t) for t in card.training_cubes],
            "input_ranges": {k: list(v) for k, v in card.input_ranges.items()},
            "outputs": list(card.outputs)}


def card_from_json(data: dict[str, Any], *, active: bool = False) -> ModelCard:
    """Inverse of :func:`card_to_json`."""
    return ModelCard(
        id=data["id"], mode=SurrogateMode(data["mode"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        code_version=data["code_version"], hyperparameters=dict(data.get("hyperparameters", {})),
        metrics={k: float(v) for k, v in data.get("metrics", {}).items()},
        training_cubes=tuple((str(a), str(b)) for a, b in data.get("training_cubes", [])),
        input_ranges={k: (float(lo), float(hi)) for k, (lo, hi) in data.get("input_ranges", {}).items()},
        outputs=tuple(data.get("outputs", [])), active=active,
    )


class FileSurrogateRegistry(SurrogateRegistry):
    """Content-addressed surrogate checkpoints and cards in a local directory.

    Parameters
    ----------
    root:
        The registry directory (created if missing), e.g. the project's ``data/models``.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self._root = Path(root)
        self._root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._loaded: dict[str, ClimateSurrogate] = {}

    @property
    def root(self) -> Path:
        return self._root

    def path(self, model_id: str) -> Path:
        """Where the checkpoint of ``model_id`` is stored."""
        return self._root / f"{self._check_id(model_id)}.pt"

    # --- writing --------------------------------------------------------------------------
    def _atomic_write(self, target: Path, data: bytes) -> None:
        write_bytes_atomic(target, data)  # 0644: registry files are meant to be shared read-only

    def _atomic_copy(self, source: Path, target: Path) -> None:
        fd, tmp = tempfile.mkstemp(dir=self._root, prefix=".tmp-")
        os.chmod(tmp, 0o644)
        try:
            with os.fdopen(fd, "wb") as f, open(source, "rb") as src:
                shutil.copyfileobj(src, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _write_json(self, target: Path, data: dict[str, Any]) -> None:
        self._atomic_write(target, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())

    def register(self, trained: TrainedModel, *, activate: bool = True) -> ModelCard:
        """Store the checkpoint under its SHA-256 with its card; ``InvalidDataset`` if the card's id
        is not the file's SHA-256."""
        source = Path(trained.checkpoint_path)
        try:
            digest = _sha256(source)
        except OSError as exc:
            raise InvalidDataset(f"cannot read checkpoint {source}: {exc.strerror or exc}") from exc
        if digest != trained.card.id:
            raise InvalidDataset(f"checkpoint {source} has SHA-256 {digest}, its card says {trained.card.id}",
                                 field="checkpoint_path")
        with self._lock:
            target = self._root / f"{digest}.pt"
            if not target.exists():
                self._atomic_copy(source, target)
            card = self._keep_curves(trained.card, digest)
            self._write_json(self._root / f"{digest}.json", card_to_json(card))
            return self.activate(digest) if activate else self._card(digest)

    def _keep_curves(self, card: ModelCard, digest: str) -> ModelCard:
        """Copy the training curves (CSV) next to the model; the card links the copies (relative)."""
        curves = card.hyperparameters.get("training_curves")
        if not isinstance(curves, list) or not curves:
            return card
        kept = []
        for k, source in enumerate(curves):
            target = self._root / CURVES / digest / f"member-{k}.csv"
            if Path(source).is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                self._atomic_copy(Path(source), target)
                kept.append(str(target.relative_to(self._root)))
        from dataclasses import replace

        return replace(card, hyperparameters={**card.hyperparameters, "training_curves": kept})

    def activate(self, model_id: str) -> ModelCard:
        """Make ``model_id`` the active model of its mode; ``NotFound`` when it is not registered."""
        with self._lock:
            card = self._card(model_id)
            active = self._active_map() | {card.mode.value: model_id}
            self._write_json(self._root / ACTIVE, active)
            return self._card(model_id)

    # --- reading --------------------------------------------------------------------------
    @staticmethod
    def _check_id(model_id: str) -> str:
        if not _ID.match(model_id):
            raise NotFound(f"no surrogate {model_id!r} (ids are 64 hex digits)", field="model_id")
        return model_id

    def _active_map(self) -> dict[str, str]:
        try:
            data = json.loads((self._root / ACTIVE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise InvalidDataset(f"{self._root / ACTIVE} is unreadable: {exc}") from exc
        return {str(k): str(v) for k, v in data.items()}

    def _card(self, model_id: str) -> ModelCard:
        path = self._root / f"{self._check_id(model_id)}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotFound(f"no surrogate {model_id} in {self._root}", field="model_id") from None
        except (OSError, ValueError) as exc:
            raise InvalidDataset(f"model card {path} is unreadable: {exc}") from exc
        card = card_from_json(data)
        return card_from_json(data, active=self._active_map().get(card.mode.value) == model_id)

    def cards(self) -> list[ModelCard]:
        """Every registered model's card, oldest first."""
        ids = [p.stem for p in self._root.glob("*.json") if _ID.match(p.stem)]
        return sorted((self._card(i) for i in ids), key=lambda c: (c.created_at, c.id))

    def active(self, mode: SurrogateMode) -> ModelCard | None:
        model_id = self._active_map().get(mode.value)
        return self._card(model_id) if model_id else None

    def load(self, mode: SurrogateMode) -> ClimateSurrogate:
        """The active ``mode`` model, loaded once and cached; ``NotFound`` when none is active,
        ``InvalidDataset`` when the file's SHA-256 is not its id (corrupted or tampered with)."""
        card = self.active(mode)
        if card is None:
            raise NotFound(f"no active {mode.value} surrogate in {self._root}", field="mode")
        with self._lock:
            cached = self._loaded.get(card.id)
            if cached is not None:
                return cached
            path = self.path(card.id)
            try:
                digest = _sha256(path)
            except FileNotFoundError:
                raise InvalidDataset(f"checkpoint {path} of the active {mode.value} model is missing",
                                     field="model_id") from None
            if digest != card.id:
                raise InvalidDataset(f"checkpoint {path} has SHA-256 {digest}, expected {card.id}: "
                                     "the file was modified or corrupted", field="model_id")
            from astrobio.adapters.ml.inference import TorchClimateSurrogate  # torch only from here on

            surrogate = TorchClimateSurrogate(path, card)
            self._loaded[card.id] = surrogate
            return surrogate


# ------------------------------------------------------------------------------------------------
# Every other trained model: graph VAE, JWST denoiser, retrieval flow (NPE), planet classifier.
# ------------------------------------------------------------------------------------------------
#: Kind -> the shipped directory (under the models dir) served while no model of the kind is active.
ARTIFACT_KINDS = {"gvae": "gvae", "denoiser": "jwst", "retrieval": "jwst", "multiclass": "jwst"}
#: Files a kind's model consists of (the loaders read these names from the model's directory).
ARTIFACT_FILES = {"gvae": ("model.pt", "card.json"), "denoiser": ("denoiser.pt", "denoiser.json"),
                  "retrieval": ("retrieval.pt", "retrieval.json"), "multiclass": ("multiclass.json",)}
REGISTRY_DIR = "registry"
ENTRY_CARD = "registry.json"


def _check_kind(kind: str) -> str:
    if kind not in ARTIFACT_KINDS:
        raise NotFound(f"unknown model kind {kind!r}; known: {sorted(ARTIFACT_KINDS)}", field="kind")
    return kind


class FileModelRegistry:
    """Trained models of every non-climate kind, content-addressed, activated explicitly.

    Layout under ``root`` (``<models dir>/registry``): ``<kind>/<id>/`` holds the model's files
    (the names its loader reads, :data:`ARTIFACT_FILES`) and ``registry.json`` (kind, id,
    created_at, the trainer's card, training curves, the search study); ``active.json`` maps a
    kind to its active id. The id is the SHA-256 of the files' names and SHA-256s, so registering
    the same model twice is a no-op. A trained model is registered from a staging directory;
    the shipped files (``<models dir>/gvae``, ``<models dir>/jwst``) are never written: they are
    what a kind serves while nothing of that kind is active.
    """

    def __init__(self, models_dir: str | os.PathLike[str]) -> None:
        self._models = Path(models_dir)
        self._root = self._models / REGISTRY_DIR
        self._lock = threading.RLock()

    @property
    def root(self) -> Path:
        return self._root

    def shipped_dir(self, kind: str) -> Path:
        return self._models / ARTIFACT_KINDS[_check_kind(kind)]

    def register(self, kind: str, staging: Path, *, activate: bool,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Copy ``kind``'s files from ``staging`` into the registry; its entry card (with ``active``)."""
        _check_kind(kind)
        files = [staging / name for name in ARTIFACT_FILES[kind]]
        missing = [f.name for f in files if not f.is_file()]
        if missing:
            raise InvalidDataset(f"trained {kind} model lacks {missing} in {staging}", field="model")
        digest = hashlib.sha256()
        for f in files:
            digest.update(f"{f.name}:{_sha256(f)}\n".encode())
        model_id = digest.hexdigest()
        with self._lock:
            target = self._root / kind / model_id
            if not (target / ENTRY_CARD).is_file():
                target.mkdir(parents=True, exist_ok=True)
                for f in files:
                    tmp = target / f".tmp-{f.name}"
                    shutil.copyfile(f, tmp)
                    os.replace(tmp, target / f.name)
                curves = staging / "curves" / "metrics.csv"  # written by the trainer's CSV logger
                if curves.is_file():
                    shutil.copyfile(curves, target / "curves.csv")
                    extra = {"training_curves": str((target / "curves.csv").relative_to(self._models))} | (
                        extra or {})
                card_file = files[-1] if files[-1].suffix == ".json" else None
                trainer_card = json.loads(card_file.read_text(encoding="utf-8")) if card_file else {}
                entry = {"kind": kind, "id": model_id, "created_at": datetime.now(UTC).isoformat(),
                         "files": [f.name for f in files], "card": trainer_card, **(extra or {})}
                write_bytes_atomic(target / ENTRY_CARD, (json.dumps(entry, indent=1, sort_keys=True,
                                                                    default=str) + "\n").encode())
            if activate:
                self.activate(kind, model_id)
            return self.entry(kind, model_id)

    def _active_map(self) -> dict[str, str]:
        try:
            return {str(k): str(v) for k, v in
                    json.loads((self._root / ACTIVE).read_text(encoding="utf-8")).items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise InvalidDataset(f"{self._root / ACTIVE} is unreadable: {exc}") from exc

    def activate(self, kind: str, model_id: str) -> dict[str, Any]:
        """Make ``model_id`` (or a unique prefix of >= 8 hex digits) the active model of ``kind``."""
        with self._lock:
            entry = self.entry(kind, model_id)
            self._root.mkdir(parents=True, exist_ok=True)
            active = self._active_map() | {kind: entry["id"]}
            text = json.dumps(active, indent=1, sort_keys=True) + "\n"
            write_bytes_atomic(self._root / ACTIVE, text.encode())
            return self.entry(kind, entry["id"])

    def entry(self, kind: str, model_id: str) -> dict[str, Any]:
        _check_kind(kind)
        base = self._root / kind
        ids = [model_id] if _ID.match(model_id) else []
        if not ids and _PREFIX.match(model_id):  # a prefix is hex only: never a glob pattern
            ids = [p.name for p in base.glob(f"{model_id}*") if _ID.match(p.name)]
        if len(ids) > 1:
            raise InvalidDataset(f"model id prefix {model_id!r} is ambiguous", field="model_id")
        path = base / ids[0] / ENTRY_CARD if ids else None
        if path is None or not path.is_file():
            raise NotFound(f"no registered {kind} model {model_id!r}", field="model_id")
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        data["active"] = self._active_map().get(kind) == data["id"]
        return data

    def entries(self) -> list[dict[str, Any]]:
        """Every registered model of every kind, oldest first."""
        out = [self.entry(p.parent.parent.name, p.parent.name)
               for p in self._root.glob(f"*/*/{ENTRY_CARD}") if p.parent.parent.name in ARTIFACT_KINDS]
        return sorted(out, key=lambda e: (e["created_at"], e["id"]))

    def model_dir(self, kind: str) -> Path:
        """Where ``kind``'s loader reads: the active registered model, else the shipped files."""
        model_id = self._active_map().get(_check_kind(kind))
        return self._root / kind / model_id if model_id else self.shipped_dir(kind)


class RegisteringJwstTrainer:
    """Trains a JWST model into a fresh staging directory, then registers it (never in place).

    ``make(model_dir)`` builds the real trainer writing into ``model_dir``; option ``activate``
    (default true) activates the new model. The returned card carries ``registry_id``/``active``.
    """

    def __init__(self, make: Any, registry: FileModelRegistry, staging_root: Path) -> None:
        self._make, self._registry, self._staging = make, registry, Path(staging_root)

    def train(self, model: str, options: dict[str, Any]) -> dict[str, Any]:
        options = dict(options)
        activate = bool(options.pop("activate", True))
        extra: dict[str, Any] = {k: options.pop(k) for k in ("study", "training_curves") if k in options}
        self._staging.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._staging, prefix=f"{model}-") as tmp:
            staging = Path(tmp)
            card: dict[str, Any] = self._make(staging).train(model, options)
            entry = self._registry.register(model, staging, activate=activate, extra=extra)
        return {**card, "registry_id": entry["id"], "active": entry["active"]}


class RegisteringGraphVaeTrainer:
    """The graph VAE trainer writing into staging, then registering (``activate`` as configured)."""

    def __init__(self, make: Any, registry: FileModelRegistry, staging_root: Path, *,
                 activate: bool = True) -> None:
        self._make, self._registry, self._staging = make, registry, Path(staging_root)
        self.activate = activate

    def train(self, pathways: Any, *, epochs: int, seed: int) -> Any:
        from dataclasses import replace

        self._staging.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._staging, prefix="gvae-") as tmp:
            metrics = self._make(Path(tmp)).train(pathways, epochs=epochs, seed=seed)
            entry = self._registry.register("gvae", Path(tmp), activate=self.activate)
        return replace(metrics, path=str(self._registry.root / "gvae" / entry["id"]))
