"""Atomic publication of Zarr groups under an fsspec root (local disk or object store).

A group is *published* when its root ``zarr.json`` carries the attribute ``astrobio:published``
(a small JSON object: cube id and checksum); readers require it, so a group without it is never
visible, wherever it lies.

- Local disk: the marker is written into the finished temporary directory, which is then renamed
  to its final name. ``rename`` is atomic and refuses a non-empty target, so a reader sees either
  nothing or the whole marked group, and of two racing publishers one gets
  :class:`~astrobio.domain.errors.Conflict`.
- Object stores (``s3://``, ``gs://``, ``memory://``...) cannot rename: the objects are moved
  (server-side copies, then deletes) and the marker is written last by rewriting ``zarr.json``, a
  single PUT, which object stores apply atomically. A crash in between leaves an unmarked group:
  invisible, it blocks its id until :meth:`Publication.purge` removes it.

Unpublishing reverses the order: remove the marker (one write), then the objects.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from datetime import datetime
from typing import Any

from fsspec import AbstractFileSystem
from fsspec.implementations.local import LocalFileSystem

from astrobio.domain.errors import Conflict

PUBLISHED_ATTR = "astrobio:published"
TMP_PREFIX = ".tmp-"


class Publication:
    """The publication protocol over one fsspec filesystem ``fs`` and root path ``root``."""

    def __init__(self, fs: AbstractFileSystem, root: str) -> None:
        self.fs = fs
        self.local = isinstance(fs, LocalFileSystem)
        self.root = root.rstrip("/")

    def path(self, key: str) -> str:
        return f"{self.root}/{key}"

    def url(self, key: str) -> str:
        """What xarray/zarr open: a plain path on local disk, else the protocol URL."""
        return self.path(key) if self.local else str(self.fs.unstrip_protocol(self.path(key)))

    def _meta(self, key: str) -> dict[str, Any] | None:
        try:
            meta = json.loads(self.fs.cat_file(self.path(f"{key}/zarr.json")))
        except (FileNotFoundError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def marker(self, key: str) -> dict[str, Any] | None:
        """The publication marker of the group at ``key``, or None when it is not published."""
        marker = (self._meta(key) or {}).get("attributes", {}).get(PUBLISHED_ATTR)
        return marker if isinstance(marker, dict) else None

    def set_marker(self, key: str, marker: dict[str, Any] | None) -> None:
        """Write (or, with None, remove) the marker: one rewrite of the group's ``zarr.json``."""
        meta = self._meta(key)
        if meta is None:
            raise FileNotFoundError(f"no Zarr group at {self.path(key)}")
        attributes = dict(meta.get("attributes", {}))
        if marker is None:
            attributes.pop(PUBLISHED_ATTR, None)
        else:
            attributes[PUBLISHED_ATTR] = marker
        body = json.dumps(meta | {"attributes": attributes}, indent=2).encode()
        self.fs.pipe_file(self.path(f"{key}/zarr.json"), body)

    def publish(self, tmp: str, final: str, marker: dict[str, Any]) -> None:
        """Make the finished group at ``tmp`` visible as ``final`` (see the module docstring)."""
        if self.local:
            self.set_marker(tmp, marker)
            try:
                os.rename(self.path(tmp), self.path(final))
            except OSError as exc:
                if os.path.isdir(self.path(final)):
                    raise Conflict(f"{final} was published concurrently") from exc
                raise
            return
        if self.fs.exists(self.path(final)):
            raise Conflict(f"{final} already exists (or a crashed publish left it unmarked)")
        self.fs.mv(self.path(tmp), self.path(final), recursive=True)
        self.set_marker(final, marker)

    def unpublish(self, key: str) -> None:
        """Remove the marker, then everything under ``key`` (nothing to do when it is absent)."""
        if self.marker(key) is not None:
            self.set_marker(key, None)
        self.remove(key)

    def remove(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(self.path(key), recursive=True)

    def purge(self, older_than_s: float) -> list[str]:
        """Remove temporary keys and unmarked groups older than ``older_than_s``; return their keys.

        Entries whose age the filesystem cannot tell (object-store prefixes) are removed only when
        ``older_than_s`` is 0: a younger one may belong to an ingest still running.
        """
        removed: list[str] = []
        try:
            listing = self.fs.ls(self.root, detail=True)
        except FileNotFoundError:  # an object-store "directory" exists only while it holds objects
            return removed
        for info in listing:
            key = str(info["name"]).rstrip("/").rsplit("/", 1)[-1]
            stale = key.startswith(TMP_PREFIX) or (key.endswith(".zarr") and self.marker(key) is None)
            if not stale:
                continue
            stamp = info.get("mtime") or info.get("created") or info.get("LastModified")
            if isinstance(stamp, datetime):
                stamp = stamp.timestamp()
            if older_than_s > 0 and (stamp is None or time.time() - float(stamp) < older_than_s):
                continue
            self.remove(key)
            removed.append(key)
        return removed
