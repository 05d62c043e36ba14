"""Line-break opportunities (UAX #14) exactly as unicode-linebreak 0.1.x finds them.

The scanner walks the text once through the pair table of `linebreak_rules`. To stay linear and
quick on megabytes of text it maps the whole text to class codes with `str.translate` and then
takes runs of one class in a single step whenever the table says a run repeats itself.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ferris_says.linebreak_rules import (
    ALLOWED_BREAK_BIT,
    CLASS_NAMES,
    COLUMNS,
    MANDATORY_BREAK_BIT,
    ZWJ,
    eot,
    sot,
)

_STATE_MASK = ~(ALLOWED_BREAK_BIT | MANDATORY_BREAK_BIT) & 0xFF
_RUN = re.compile(r"(.)\1*", re.DOTALL)

# Text -> one character per code point whose ordinal is its break class. Filled lazily, per
# distinct character, so the large table is imported only for text that needs it.
_class_of: dict[int, str] = {}
_pair_table: bytes = b""


def _load_tables() -> None:
    global _pair_table
    from ferris_says import _wrap_tables

    _pair_table = _wrap_tables.PAIR_TABLE


def _break_class(code_point: int) -> int:
    from ferris_says._wrap_tables import LINE_BREAK_CLASSES, LINE_BREAK_STARTS

    return LINE_BREAK_CLASSES[bisect_right(LINE_BREAK_STARTS, code_point) - 1]


def _classes(text: str) -> str:
    missing = {ord(ch) for ch in set(text)} - _class_of.keys()
    for code_point in missing:
        _class_of[code_point] = chr(_break_class(code_point))
    return text.translate(_class_of)


def break_opportunities(text: str) -> list[int]:
    """Indices i (0 < i <= len(text)) where a line may or must break before text[i].

    Like unicode-linebreak's `linebreaks`, the end of the text counts (it is a mandatory break)
    and mandatory and allowed breaks are not told apart: textwrap treats them alike.
    """
    if not _pair_table:
        _load_tables()
    table = _pair_table
    breaks: list[int] = []
    state = sot
    after_zwj = False
    position = 0
    for run in _RUN.finditer(_classes(text)):
        cls = ord(run.group(1))
        length = run.end() - run.start()
        # The first character of the run may change the state; from the second on, the
        # state is usually a fixed point, and then every remaining position behaves the same.
        value = table[state * COLUMNS + cls]
        if value & ALLOWED_BREAK_BIT and (not after_zwj or value & MANDATORY_BREAK_BIT):
            breaks.append(position)
        state = value & _STATE_MASK
        after_zwj = cls == ZWJ
        position += 1
        if length > 1:
            value = table[state * COLUMNS + cls]
            if value & _STATE_MASK == state and cls != ZWJ:
                if value & ALLOWED_BREAK_BIT:
                    breaks.extend(range(position, position + length - 1))
                position += length - 1
            else:
                for _ in range(length - 1):
                    value = table[state * COLUMNS + cls]
                    is_mandatory = value & MANDATORY_BREAK_BIT
                    if value & ALLOWED_BREAK_BIT and (not after_zwj or is_mandatory):
                        breaks.append(position)
                    state = value & _STATE_MASK
                    after_zwj = cls == ZWJ
                    position += 1
    value = table[state * COLUMNS + eot]
    if value & ALLOWED_BREAK_BIT and (not after_zwj or value & MANDATORY_BREAK_BIT):
        breaks.append(position)
    return breaks


def class_name(ch: str) -> str:
    """The Line_Break class of one character, by its UAX #14 short name (for debugging)."""
    return CLASS_NAMES[_break_class(ord(ch))]
