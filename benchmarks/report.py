"""The results: a table of throughput and latency with ratios to the same-run ceilings, the other
measurements, the targets (PASS/MISS), and the same as JSON in benchmarks/results/latest.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
HELLO = "hello_ceiling"
INSERT = "insert_ceiling"
CEILING_NAMES = {HELLO: "hello", INSERT: "insert"}


@dataclass
class Row:
    """One wrk run of a page, with the run of its ceiling made just before it."""

    engine: str
    key: str
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    #: Which ceiling the page is compared with: HELLO or INSERT (None: not compared).
    ceiling: str | None = None
    ceiling_rps: float | None = None
    ceiling_p50_ms: float | None = None
    ceiling_p99_ms: float | None = None
    #: Answers of 400 and above, connection errors and timeouts.
    errors: int = 0
    #: How often wrk ran out of distinct requests and sent its list again.
    wraps: int = 0
    note: str = ""


@dataclass
class Measure:
    """A single figure: seconds, megabytes, or a count. ``value`` None means not measured."""

    engine: str
    key: str
    label: str
    value: float | None
    unit: str
    detail: str = ""


@dataclass
class Report:
    meta: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)

    def row(self, engine: str, key: str) -> Row | None:
        return next((r for r in self.rows if r.engine == engine and r.key == key), None)

    def measure(self, engine: str, key: str) -> Measure | None:
        return next((m for m in self.measures if m.engine == engine and m.key == key), None)

    def ratios(self, row: Row) -> dict[str, float] | None:
        """The row's figures over its ceiling's: throughput (higher is better), latencies."""
        if not (row.ceiling and row.ceiling_rps and row.ceiling_p50_ms and row.ceiling_p99_ms):
            return None
        return {
            "rps": row.rps / row.ceiling_rps,
            "p50": row.p50_ms / row.ceiling_p50_ms,
            "p99": row.p99_ms / row.ceiling_p99_ms,
        }


@dataclass(frozen=True)
class Target:
    label: str
    engine: str
    measured: str
    limit: str
    #: True, False, or None when the figure is pending (not measured).
    passed: bool | None


def _ratio_target(report: Report, engine: str, key: str, label: str) -> Target | None:
    row = report.row(engine, key)
    if row is None:
        return None
    ratios = report.ratios(row)
    if ratios is None:
        return Target(label, engine, "no ceiling", ">= 50% of ceiling", None)
    clean = row.errors == 0
    name = CEILING_NAMES.get(row.ceiling or "", row.ceiling)
    measured = f"{ratios['rps']:.0%} of {name}" + ("" if clean else f", {row.errors} errors")
    return Target(label, engine, measured, ">= 50% of ceiling", ratios["rps"] >= 0.5 and clean)


def _below(m: Measure | None, label: str, limit: float, engine: str) -> Target | None:
    if m is None:
        return None
    shown = f"< {limit:g} {m.unit}"
    if m.value is None:
        return Target(label, engine, m.detail or "pending", shown, None)
    return Target(label, engine, f"{m.value:.2f} {m.unit}", shown, m.value < limit)


def targets(report: Report) -> list[Target]:
    """Every target of issue 8, for each engine measured."""
    found: list[Target | None] = []
    for engine in dict.fromkeys(r.engine for r in [*report.rows, *report.measures]):
        if engine == "any":
            continue
        found.append(_ratio_target(report, engine, "question_get", "question page vs hello"))
        found.append(_ratio_target(report, engine, "answer_post", "answer submission vs insert"))
        for key, label in (("dashboard", "dashboard p99"), ("summary", "patient summary p99")):
            row = report.row(engine, key)
            if row is not None:
                ok = row.p99_ms < 100 and row.errors == 0
                errors = "" if row.errors == 0 else f", {row.errors} errors"
                found.append(Target(label, engine, f"{row.p99_ms:.1f} ms{errors}", "< 100 ms", ok))
        for key, label in (
            ("dashboard_queries", "dashboard queries constant"),
            ("summary_queries", "summary queries constant"),
        ):
            m = report.measure(engine, key)
            if m is not None and m.value is not None:
                shown = "the same on every page" if m.value == 1 else f"{m.value:.0f} different"
                found.append(Target(label, engine, shown, "one count", m.value == 1))
        found.append(_below(report.measure(engine, "item_stats"), "item statistics", 1, engine))
        found.append(
            _below(report.measure(engine, "import_1000"), "import 1,000 questions", 5, engine)
        )
        found.append(
            _below(report.measure(engine, "worker_rss"), "worker RSS (largest)", 150, engine)
        )
    return [t for t in found if t is not None]


def _fmt(value: float, unit: str = "") -> str:
    return f"{value:,.0f}{unit}" if value >= 100 else f"{value:.1f}{unit}"


def format_table(report: Report) -> str:
    """The whole report as text: load table, other measures, targets."""
    lines = []
    header = f"{'engine':<11}{'page':<29}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}  "
    header += f"{'ceiling':<8}{'req/s':>7}{'p50':>6}{'p99':>6}  "
    header += f"{'req/s÷c':>7}{'p50÷c':>7}{'p99÷c':>7}  notes"
    lines += [header, "-" * len(header)]
    for row in report.rows:
        cells = f"{row.engine:<11}{row.label:<29}{_fmt(row.rps):>7}"
        cells += f"{row.p50_ms:>8.1f}{row.p99_ms:>8.1f}  "
        ratios = report.ratios(row)
        if ratios and row.ceiling_rps is not None:
            cells += f"{CEILING_NAMES.get(row.ceiling or '', row.ceiling or ''):<8}"
            cells += (
                f"{_fmt(row.ceiling_rps):>7}{row.ceiling_p50_ms:>6.1f}{row.ceiling_p99_ms:>6.1f}  "
            )
            cells += f"{ratios['rps']:>7.0%}{ratios['p50']:>6.1f}x{ratios['p99']:>6.1f}x"
        else:
            cells += f"{'-':<8}{'':>7}{'':>6}{'':>6}  {'':>7}{'':>7}{'':>7}"
        notes = []
        if row.errors:
            notes.append(f"{row.errors} errors")
        if row.wraps and row.key == "answer_post":
            notes.append(f"{row.wraps} list restarts: some answers sent twice")
        if row.note:
            notes.append(row.note)
        lines.append(cells + "  " + "; ".join(notes))
    lines += ["", f"{'engine':<11}{'measure':<36}{'value':>12}  detail", "-" * 80]
    for m in report.measures:
        value = "pending" if m.value is None else f"{m.value:.2f} {m.unit}"
        if m.value is not None and not m.unit:
            value = f"{m.value:g}"
        lines.append(f"{m.engine:<11}{m.label:<36}{value:>12}  {m.detail}")
    lines += ["", f"{'target':<32}{'engine':<12}{'measured':<34}  {'limit':<20}result", "-" * 106]
    for t in targets(report):
        result = {True: "PASS", False: "MISS", None: "PENDING"}[t.passed]
        lines.append(f"{t.label:<32}{t.engine:<12}{t.measured:<34}  {t.limit:<20}{result}")
    return "\n".join(lines)


def to_json(report: Report) -> dict[str, Any]:
    """The report as plain data, ratios and target results included."""
    rows = []
    for row in report.rows:
        data = asdict(row)
        data["ratios"] = report.ratios(row)
        rows.append(data)
    return {
        "meta": report.meta,
        "rows": rows,
        "measures": [asdict(m) for m in report.measures],
        "targets": [asdict(t) for t in targets(report)],
    }


def write_json(report: Report, path: Path | None = None) -> Path:
    """Write the report as JSON (default benchmarks/results/latest.json); returns the path."""
    path = path or RESULTS / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")
    return path
