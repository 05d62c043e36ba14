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
    ROWS,
    SP,
    ZWJ,
    eot,
    sot,
)

_STATE_MASK = ~(ALLOWED_BREAK_BIT | MANDATORY_BREAK_BIT) & 0xFF
_RUN = re.compile(r"(.)\1*", re.DOTALL)
# A word's classes and the spaces after it (the last match is empty).
_TOKEN = re.compile(f"[^{re.escape(chr(SP))}]*{re.escape(chr(SP))}*", re.DOTALL)
# Tokens remembered per scanner state (and whether a ZWJ came just before): the short ones, at
# most this many per state, so that memory stays bounded on text made of distinct words.
MAX_TOKEN = 64
TOKEN_CACHE_SIZE = 4096
_known_tokens: list[dict[str, tuple[tuple[int, ...], int, bool]]] = [
    {} for _ in range(2 * ROWS)
]

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

    The scanner's state after a piece of text, and the breaks inside it, depend only on the
    state before it and the piece's classes; a word and its spaces come back again and again,
    so each (state, word classes) is scanned once and its answer remembered.
    """
    if not _pair_table:
        _load_tables()
    breaks: list[int] = []
    add = breaks.append
    state = sot
    after_zwj = False
    position = 0
    known = _known_tokens
    for match in _TOKEN.finditer(_classes(text)):
        token = match.group()
        memo = known[state << 1 | after_zwj]
        answer = memo.get(token)
        if answer is None:
            answer = _scan(token, state, after_zwj)
            if len(token) <= MAX_TOKEN and len(memo) < TOKEN_CACHE_SIZE:
                memo[token] = answer
        inside, state, after_zwj = answer
        for offset in inside:
            add(position + offset)
        position += len(token)
    value = _pair_table[state * COLUMNS + eot]
    if value & ALLOWED_BREAK_BIT and (not after_zwj or value & MANDATORY_BREAK_BIT):
        add(position)
    return breaks


def _scan(classes: str, state: int, after_zwj: bool) -> tuple[tuple[int, ...], int, bool]:
    """The breaks before each class of `classes` (offsets into it) from `state`, and the state
    after it."""
    table = _pair_table
    breaks: list[int] = []
    position = 0
    for run in _RUN.finditer(classes):
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
    return tuple(breaks), state, after_zwj


def class_name(ch: str) -> str:
    """The Line_Break class of one character, by its UAX #14 short name (for debugging)."""
    return CLASS_NAMES[_break_class(ord(ch))]
