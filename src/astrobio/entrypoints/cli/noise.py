"""Keep library chatter out of the terminal: it goes to the log at debug level only.

Lightning's tips, model summaries and ``srun`` hints, arq's connection retries and Python
warnings (numpy's ``RuntimeWarning`` and friends, routed through :mod:`logging`) are useful when
debugging and noise otherwise. A filter on the root handlers drops them unless
``ASTROBIO_LOG_LEVEL=debug``, in which case they pass, relabelled ``DEBUG``.
"""

from __future__ import annotations

import logging

NOISY_LOGGERS = ("lightning", "pytorch_lightning", "lightning_fabric", "arq", "py.warnings", "torch",
                 "numexpr", "distributed", "matplotlib", "fsspec")


class LibraryNoiseFilter(logging.Filter):
    """Pass a noisy library's record only at debug level, relabelled ``DEBUG``."""

    def __init__(self, debug: bool) -> None:
        super().__init__()
        self.debug = debug

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if not any(name == n or name.startswith(n + ".") for n in NOISY_LOGGERS):
            return True
        if record.levelno >= logging.ERROR and not name.startswith(("arq", "py.warnings")):
            return True  # a library's real error still reaches the user
        if not self.debug:
            return False
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def quiet_library_noise(level: str) -> None:
    """Install :class:`LibraryNoiseFilter` on every root handler and capture Python warnings."""
    debug = level.lower() == "debug"
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for handler in root.handlers:
        if not any(isinstance(f, LibraryNoiseFilter) for f in handler.filters):
            handler.addFilter(LibraryNoiseFilter(debug))
    logging.captureWarnings(True)
    if debug:
        logging.getLogger().setLevel(logging.DEBUG)
        return
    # Lightning gives its "lightning" logger a console handler of its own when it is imported
    # (lazily, after this runs), so the root filter never sees its tips: quiet their emitters.
    for name in RANK_ZERO_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


#: The loggers Lightning's ``rank_zero_info`` tips and device banners are written to.
RANK_ZERO_LOGGERS = ("lightning.pytorch.utilities.rank_zero", "lightning.fabric.utilities.rank_zero",
                     "lightning_utilities.core.rank_zero", "pytorch_lightning.utilities.rank_zero",
                     "lightning.pytorch.accelerators.cuda", "lightning.pytorch.trainer.connectors")
