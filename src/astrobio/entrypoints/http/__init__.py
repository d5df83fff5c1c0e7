"""The HTTP API (Litestar + msgspec): ``create_app(container)`` builds it."""

from astrobio.entrypoints.http.app import create_app

__all__ = ["create_app"]
