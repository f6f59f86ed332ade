"""The benchmark's table and JSON, on made-up numbers (nothing here is timed)."""

from __future__ import annotations

import json

from benchmarks import report, wrk
from benchmarks.legs import interleave
from benchmarks.report import HELLO, INSERT, Measure, Report, Row


def fake_report() -> Report:
    hello = {"ceiling": HELLO, "ceiling_rps": 1000, "ceiling_p50_ms": 8.0, "ceiling_p99_ms": 20.0}
    insert = {"ceiling": INSERT, "ceiling_rps": 500, "ceiling_p50_ms": 10.0, "ceiling_p99_ms": 30.0}
    rows = [
        Row("sqlite", "question_get", "question page (GET)", 600, 12.0, 40.0, **hello),
        Row("sqlite", "dashboard", "educator dashboard", 100, 50.0, 150.0, **hello),
        Row("sqlite", "answer_post", "answer (POST, new)", 200, 30.0, 60.0, **insert, errors=3),
        Row("sqlite", "summary", "patient summary", 150, 40.0, 90.0, **insert),
        Row("sqlite", "summary_c2", "patient summary, 2 conn.", 80, 12.0, 30.0),
    ]
    measures = [
        Measure("sqlite", "dashboard_queries", "dashboard queries", 1, "", "page 1: 5, page 9: 5"),
        Measure("sqlite", "summary_queries", "summary queries", 2, "", "a: 17, b: 18"),
        Measure("sqlite", "item_stats", "item statistics", None, "s", "pending: no function yet"),
        Measure("sqlite", "import_1000", "bank import", 3.2, "s"),
        Measure("sqlite", "worker_rss", "worker RSS", 151.0, "MB"),
        Measure("any", "make_run", "make run to first response", 9.5, "s"),
    ]
    return Report(meta={"commit": "abc1234"}, rows=rows, measures=measures)


def test_ratios_targets_table_and_json(tmp_path):
    fake = fake_report()
    question = fake.row("sqlite", "question_get")
    assert fake.ratios(question) == {"rps": 0.6, "p50": 1.5, "p99": 2.0}
    assert fake.ratios(fake.row("sqlite", "summary_c2")) is None  # not compared with a ceiling

    results = {t.label: t.passed for t in report.targets(fake)}
    assert results == {
        "question page vs hello": True,  # 60% of the ceiling
        "answer submission vs insert": False,  # 40%, and errors
        "dashboard p99": False,
        "patient summary p99": True,
        "dashboard queries constant": True,
        "summary queries constant": False,
        "item statistics": None,  # pending, never a made-up number
        "import 1,000 questions": True,
        "worker RSS (largest)": False,
    }

    table = report.format_table(fake)
    assert "60%" in table and "1.5x" in table and "3 errors" in table and "hello" in table
    assert table.count("PASS") == 4 and table.count("MISS") == 4 and "PENDING" in table
    assert "make run to first response" in table and "9.50 s" in table

    path = report.write_json(fake, tmp_path / "results" / "latest.json")
    data = json.loads(path.read_text())
    assert data["meta"] == {"commit": "abc1234"}
    assert data["rows"][0]["ratios"]["rps"] == 0.6 and data["rows"][0]["ceiling_rps"] == 1000
    assert data["measures"][2]["value"] is None
    assert {t["label"]: t["passed"] for t in data["targets"]} == results


def test_wrk_result_line_and_interleaved_targets():
    line = (
        'WRK_JSON {"requests": 2500, "duration_us": 10000000, "p50_us": 7300, "p99_us": 31800, '
        '"mean_us": 8000.0, "max_us": 50000, "connect": 0, "read": 1, "write": 0, '
        '"status": 2, "timeout": 0, "wraps": 4}'
    )
    result = wrk.parse("Running 10s test\n" + line + "\n")
    assert (result.rps, result.p50_ms, result.p99_ms) == (250.0, 7.3, 31.8)
    assert (result.errors, result.wraps) == (3, 4)
    assert interleave([[1, 2, 3], [4], [5, 6]]) == [1, 4, 5, 2, 6, 3]
