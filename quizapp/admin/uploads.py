"""Uploaded bank files: read them safely as text, then parse and lint them like ``bank import``.

The bank's ``document:`` path names a file beside it on disk; an upload has no disk, so the
document uploaded with it stands in for whatever path the bank names. Nothing is written to
disk, so a path in the file can never reach outside.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import IO

from quizapp.domain import bankfile
from quizapp.domain.bankfile import BankSpec, Problem
from quizapp.domain.bankload import MAX_FILE_BYTES
from quizapp.domain.lint import lint


class UploadError(ValueError):
    """An uploaded file that is not usable text; the message says what to do."""


def read_text(stream: IO[bytes]) -> str:
    """The text of an uploaded file, or UploadError with a plain message."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if not data.strip():
        raise UploadError("This file is empty. Choose the file again.")
    if len(data) > MAX_FILE_BYTES:
        raise UploadError(f"This file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if b"\x00" in data:
        raise UploadError("This is a binary file, not text. Choose the .yaml or .md text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            f"This file is not UTF-8 text (byte {exc.start}). Save it as UTF-8 and try again."
        ) from None


def label(filename: str | None, default: str) -> str:
    """The name a problem report uses for an uploaded file (no folders)."""
    return PurePath((filename or "").replace("\\", "/")).name or default


def check(
    bank_text: str, bank_label: str, document_text: str
) -> tuple[BankSpec | None, list[Problem]]:
    """Parse and lint an uploaded bank; returns the spec and every problem (errors and warnings)."""
    spec, problems = bankfile.parse_bank(bank_text, bank_label, lambda _path: document_text)
    if spec is not None:
        problems = [*problems, *lint(spec, bank_label)]
    return spec, problems


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that stop an import."""
    return [p for p in problems if p.severity == "error"]
