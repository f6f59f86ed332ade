"""Accepting an uploaded document: size, text or binary, encoding. Errors in plain words."""

from __future__ import annotations

#: Largest document accepted (the upload page and the CLI share it).
MAX_BYTES = 1024 * 1024


class DocumentError(ValueError):
    """The document cannot be used; the message says why, in words an administrator can act on."""


def decode(data: bytes) -> str:
    """The document's text, or DocumentError when it is empty, too large, binary or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise DocumentError(
            f"The document is larger than {MAX_BYTES // 1024} KB. "
            "Split it into smaller documents or remove what patients do not need to read."
        )
    if not data.strip():
        raise DocumentError("The document is empty. Choose a file with the page's text in it.")
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in data or controls > len(sample) // 100:
        raise DocumentError(
            "The document is a binary file, not text. Save it as plain text (.txt) or Markdown "
            "(.md) first."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"The document is not UTF-8 text (unreadable byte at position {exc.start}). "
            "Save it again as UTF-8 plain text or Markdown."
        ) from None
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
