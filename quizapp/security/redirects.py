"""Safe ``next`` targets: only local paths on this host."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a local path such as ``/educator/``, otherwise ``default``."""
    if not target:
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
