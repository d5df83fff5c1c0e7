"""Suite-wide settings: single-threaded numerics, no stray ASTROBIO_* from the caller's shell."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
