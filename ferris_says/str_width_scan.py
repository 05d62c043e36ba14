"""`padding_width` of long texts: plain chars counted at C speed by regex classes, only the
runs of other chars measured by the state machine (`str_width_states`), and those cached.

A "plain" char is a BMP char the state machine can never involve in a sequence (no
`WidthInfo`, no flag, not compared by identity) whose width is 1 or 2. A plain char adds its
width whatever the state it meets and hands DEFAULT to its left, so a text cut right after a
plain char measures as the sum of its two parts, and a run of other chars with plain chars
around it measures alone, from DEFAULT. `str_width` imports this module once short texts no
longer pay for compiling the classes.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ferris_says import str_width_states
from ferris_says.str_width_states import (
    DEFAULT,
    SEQUENCE_CHARS,
    learn_str_props,
    sequence_width,
    width_tables,
)

# A long text is measured this many chars at a time, cut after a space (a plain char): the list
# of runs of one piece stays small, whatever the text's size.
_PIECE = 1 << 16

# run of unusual chars -> its width minus the len(run) already counted for it.
_run_corrections: dict[str, int] = {}
_LONGEST_CACHED_RUN = 64  # a paragraph of CJK text is one run: not kept

_compiled: dict[str, re.Pattern[str]] = {}
_ranges: dict[str, list[tuple[int, int]]] = {}


def width_by_class(s: str) -> int:
    """unicode-width 0.1.14's str width of `s`, as `str_width` measures a short text."""
    total = 0
    start = 0
    while len(s) - start > _PIECE:
        cut = s.find(" ", start + _PIECE) + 1
        if cut == 0:
            break
        total += _piece_width(s[start:cut])
        start = cut
    return total + _piece_width(s[start:] if start else s)


def _piece_width(s: str) -> int:
    # Every char counts 1, then each run of unusual chars adds its correction.
    runs = _pattern("unusual").findall(s)
    corrections = _run_corrections
    try:
        return len(s) + sum(map(corrections.__getitem__, runs))
    except KeyError:
        missing = set(runs).difference(corrections)
    if len(corrections) + len(missing) > str_width_states.CACHE_LIMIT:
        corrections.clear()
        missing = set(runs)
    joined = "".join(missing)
    rare = _pattern("rare")
    if rare.search(joined) is None:
        # Plain wide chars only (Hangul or CJK words): one more column each.
        corrections.update({run: len(run) for run in missing})
    else:
        learn_str_props(joined)
        corrections.update(
            {run: _run_correction(run) if rare.search(run) else len(run) for run in missing}
        )
    total = len(s) + sum(map(corrections.__getitem__, runs))
    for run in missing:
        if len(run) > _LONGEST_CACHED_RUN:
            del corrections[run]
    return total


def _run_correction(run: str, whole: bool = False) -> int:
    """width(run) - len(run) for a run of unusual chars with plain narrow chars around it."""
    if len(run) > _LONGEST_CACHED_RUN and not whole:
        # Plain wide chars add one column each, counted at C speed; only the rare runs among
        # them (plain chars around each, again) go through the state machine.
        extra = sum(map(len, _pattern("wide").findall(run)))
        rare_runs = _pattern("rare").findall(run)
        return extra + sum(_run_correction(rare_run, whole=True) for rare_run in rare_runs)
    correction = _run_corrections.get(run)
    if correction is None:
        learn_str_props(run)
        correction = sequence_width(run) - len(run)
        if len(run) <= _LONGEST_CACHED_RUN:
            _run_corrections[run] = correction
    return correction


def _pattern(kind: str) -> re.Pattern[str]:
    """Runs of one class, compiled on first use: "wide" (plain chars of width 2), "rare" (chars
    that are not plain) or "unusual" (both: all but plain chars of width 1).

    Astral chars are all rare on purpose: re tests a class's astral ranges one by one for every
    char its BMP bitmap rejects, so one astral range keeps every scan a bitmap lookup per char.
    """
    pattern = _compiled.get(kind)
    if pattern is None:
        _ranges.update(_ranges or _class_ranges())
        ranges = _ranges["wide"] + _ranges["rare"] if kind == "unusual" else _ranges[kind]
        # Literal chars, not \U escapes: re parses them faster.
        spans = "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges)
        pattern = _compiled[kind] = re.compile(f"[{spans}]+")
    return pattern


def _class_ranges() -> dict[str, list[tuple[int, int]]]:
    tables = width_tables()
    starts, kinds, props = tables.STR_STARTS, tables.STR_KINDS, tables.STR_PROPS
    wide: list[tuple[int, int]] = []
    rare = [(0x10000, 0x10FFFF)]
    # Table runs, clipped to the BMP, cut at U+00A1 (below it the str width is always 1) and
    # around each char compared by identity.
    identity = {ord(ch) for ch in SEQUENCE_CHARS}
    bounds = sorted({*starts, 0xA1, 0x10000, *identity, *(cp + 1 for cp in identity)})
    for first, end in zip(bounds, bounds[1:]):
        if first >= 0x10000:
            break
        width, info, flags = props[kinds[bisect_right(starts, first) - 1]]
        if first < 0xA1:
            width = 1
        if first in identity or info != DEFAULT or flags or width not in (1, 2):
            rare.append((first, end - 1))
        elif width == 2:
            wide.append((first, end - 1))
    return {"wide": wide, "rare": rare}
