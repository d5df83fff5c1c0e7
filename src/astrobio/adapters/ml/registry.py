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
from datetime import datetime
from pathlib import Path
from typing import Any

from astrobio.application.ports.surrogate import ClimateSurrogate, SurrogateRegistry, TrainedModel
from astrobio.atomic import write_bytes_atomic
from astrobio.domain.errors import InvalidDataset, NotFound
from astrobio.domain.surrogate import ModelCard, SurrogateMode

_ID = re.compile(r"^[0-9a-f]{64}$")
ACTIVE = "active.json"


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
            self._write_json(self._root / f"{digest}.json", card_to_json(trained.card))
            return self.activate(digest) if activate else self._card(digest)

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
