"""Per-process settings and container for CLI commands (built lazily, once)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from astrobio.bootstrap.container import Container
    from astrobio.bootstrap.settings import Settings


@cache
def settings() -> Settings:
    from astrobio.bootstrap.logging import configure_logging
    from astrobio.bootstrap.settings import load_settings
    from astrobio.entrypoints.cli.noise import quiet_library_noise

    s = load_settings()
    configure_logging(s.log_level, s.log_json)
    quiet_library_noise(s.log_level)
    return s


@cache
def container() -> Container:
    from astrobio.bootstrap.container import build_container

    return build_container(settings())
