"""``python -m benchmarks.profile --plain`` at a tiny size: it serves the real pages and says how
long each took next to a bare hello (the numbers themselves are not asserted: no timed tests)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from benchmarks import profile
from benchmarks.databases import ENGINES


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("page", ["question", "answer"])
def test_plain_timing_serves_the_pages_and_a_hello(engine, page):
    args = [page, "--engine", engine, "--patients", "60", "--requests", "20", "--plain"]
    result = CliRunner().invoke(profile.main, args)
    assert result.exit_code == 0, result.output
    assert re.search(rf"^20 requests of {page}: \d+ µs each$", result.output, re.M)
    assert re.search(
        r"^bare Flask hello with a session, as many: \d+ µs each$", result.output, re.M
    )
