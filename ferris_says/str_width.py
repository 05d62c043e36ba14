"""Line widths as ferris-says 0.3.2 pads them: unicode-width 0.1.14's ``UnicodeWidthStr::width``.

`padding_width` is *not* the sum of char widths (textwrap's measure, `char_width`): the crate
walks the string backwards with a state machine that knows emoji presentation / ZWJ / modifier
/ flag / tag sequences, VS15, a few script ligatures (Arabic lam-alef, Khmer coeng, Tifinagh,
Lisu, Hebrew, Buginese, Old Turkic), ``\\r\\n``, and counts other controls as 1 column
(`str_width_states`).

Short inputs go through the state machine char by char; past a volume that pays for compiling
regex classes, plain chars are counted at C speed and only runs of others are looked at
(`str_width_scan`, imported then).
"""

from __future__ import annotations

from ferris_says.str_width_states import learn_str_props, sequence_width

__all__ = ["padding_width"]


def padding_width(s: str) -> int:
    """unicode-width 0.1.14's ``UnicodeWidthStr::width(s)`` (non-CJK): how ferris-says pads."""
    if s.isascii():
        if s.isprintable():
            return len(s)
        # ASCII has no sequences but CRLF: controls are 1, LF is 0 and so is a CR before it.
        return len(s) - s.count("\n") - s.count("\r\n")
    global _chars_without_patterns
    if _chars_without_patterns < _PATTERNS_PAY_OFF:
        # Compiling a class costs milliseconds: short texts step through the state machine.
        _chars_without_patterns += len(s)
        if _chars_without_patterns < _PATTERNS_PAY_OFF:
            return _whole_string_width(s)
    return _width_by_class(s)


_PATTERNS_PAY_OFF = 50_000  # non-ASCII-line chars after which compiling has paid for itself
_chars_without_patterns = 0


def _whole_string_width(s: str) -> int:
    try:
        return sequence_width(s)
    except KeyError:
        learn_str_props(s)
        return sequence_width(s)


def _width_by_class(s: str) -> int:
    from ferris_says.str_width_scan import width_by_class  # long texts: by regex classes

    return width_by_class(s)
