"""The generated Unicode tables follow from their sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import system_tools
from support.system_tools import needs

from ferris_says import _wrap_tables
from ferris_says.linebreak import break_opportunities, class_name
from ferris_says.linebreak_rules import COLUMNS, ROWS, compile_pair_table

LINEBREAK_TXT = Path(system_tools.LINEBREAK_TXT)


def test_committed_pair_table_compiles_from_the_rules() -> None:
    flat = bytes(cell for row in compile_pair_table() for cell in row)
    assert len(flat) == ROWS * COLUMNS
    assert flat == _wrap_tables.PAIR_TABLE


@needs("linebreak")
def test_line_break_classes_match_linebreak_txt() -> None:
    from generate_wrap_tables import line_break_classes, runs

    starts, classes = runs(line_break_classes(str(LINEBREAK_TXT)))
    assert tuple(starts) == _wrap_tables.LINE_BREAK_STARTS
    assert classes == _wrap_tables.LINE_BREAK_CLASSES


@pytest.mark.parametrize(
    "ch, name",
    [("a", "AL"), (" ", "SP"), ("-", "HY"), ("、", "CL"), ("あ", "ID"), ("\u200d", "ZWJ"),
     ("\u0301", "CM"), ("🇯", "RI"), ("\U00030000", "ID"), ("\u20c1", "PR"), ("\U000e0000", "XX")],
)  # fmt: skip
def test_break_classes(ch: str, name: str) -> None:
    assert class_name(ch) == name


@pytest.mark.parametrize(
    "text, breaks",
    [
        ("", []),
        ("ab cd", [3, 5]),
        ("日本語", [1, 2, 3]),
        ("a-b", [2, 3]),  # break after a hyphen between letters (LB21/HY)
        ("(a) b", [4, 5]),
        ("a\u00a0b c", [4, 5]),  # no break around NBSP
        ("🇯🇵🇯🇵", [2, 4]),  # regional indicators pair up
        ("a\u200db", [3]),  # no break after ZWJ
        ("a\rb", [2, 3]),
        ("$5 ok", [3, 5]),
    ],
)
def test_break_opportunities(text: str, breaks: list[int]) -> None:
    assert break_opportunities(text) == breaks


def test_state_constants_match_their_names() -> None:
    from ferris_says import linebreak_rules

    for code, name in enumerate(linebreak_rules.STATE_NAMES):
        assert getattr(linebreak_rules, name) == code
