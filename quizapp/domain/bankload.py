"""Reading bank files from disk (a file or a folder), parsed and linted, ready to import."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from quizapp.domain import bankfile
from quizapp.domain.bankfile import BankSpec, Problem
from quizapp.domain.lint import lint

SUFFIXES = (".yaml", ".yml", ".gift")
MAX_FILE_BYTES = 1024 * 1024


@dataclass
class Loaded:
    specs: list[BankSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def bank_files(path: Path) -> list[Path]:
    """The bank files at ``path``: the file itself, or the bank files directly in the folder."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    return [path]


def read_text(path: Path) -> str:
    """A file's text; raises ValueError with a plain message when it is not usable text."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"is larger than {MAX_FILE_BYTES // 1024} KB")
    data = path.read_bytes()
    if b"\x00" in data:
        raise ValueError("is a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"is not UTF-8 text (byte {exc.start})") from None


def parse_text(
    text: str, label: str, suffix: str, base: Path
) -> tuple[BankSpec | None, list[Problem]]:
    """Parse one bank's text (YAML or GIFT); documents are read relative to ``base``."""

    def read_document(relative: str) -> str | None:
        candidate = (base / relative).resolve()
        try:
            return read_text(candidate)
        except (OSError, ValueError):
            return None

    if suffix == ".gift":
        from quizapp.domain import gift

        return gift.parse_gift(text, label, read_document)
    return bankfile.parse_bank(text, label, read_document)


def load(path: Path) -> Loaded:
    """Parse and lint every bank at ``path``. Problems name file, key and field."""
    result = Loaded()
    if not path.exists():
        result.problems.append(Problem(str(path), "-", "path", "no such file or folder"))
        return result
    files = bank_files(path)
    if not files:
        result.problems.append(
            Problem(str(path), "-", "path", f"no bank files ({', '.join(SUFFIXES)}) here")
        )
    slugs: dict[str, str] = {}
    for file in files:
        label = str(file)
        try:
            text = read_text(file)
        except (OSError, ValueError) as exc:
            result.problems.append(Problem(label, "-", "file", str(exc)))
            continue
        spec, problems = parse_text(text, label, file.suffix.lower(), file.parent)
        result.problems.extend(problems)
        if spec is None:
            continue
        result.problems.extend(lint(spec, label))
        if spec.slug in slugs:
            result.problems.append(
                Problem(
                    label, "-", "slug", f"slug {spec.slug!r} is also used by {slugs[spec.slug]}"
                )
            )
        slugs[spec.slug] = label
        result.specs.append(spec)
    return result
