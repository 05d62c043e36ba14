"""The state machine of unicode-width 0.1.14's ``UnicodeWidthStr::width``, and its table data.

`sequence_width` walks a string backwards as the crate does, threading its ``WidthInfo`` state
(emoji presentation / ZWJ / modifier / flag / tag sequences, VS15, the script ligatures, CRLF).
`str_width` (short texts, char by char) and `str_width_scan` (long texts, only the runs of
unusual chars) both measure with it; it imports neither of them.

Lone surrogates (only from ``surrogateescape``; a Rust str has none) count like U+FFFD.
"""

from __future__ import annotations

import types  # loaded by Python's own start-up: costs nothing
from bisect import bisect_right

CACHE_LIMIT = 1 << 16  # entries per cache before it is reset: distinct input cannot hoard memory


def width_tables() -> types.ModuleType:  # imported on first use only: ASCII never loads the tables
    from ferris_says import _width_tables

    return _width_tables


# Per-code-point flags, stored in `_width_tables.STR_PROPS` (the generator imports these).
EMOJI_PRESENTATION_START = 1  # forms an emoji presentation sequence with a following VS16
TEXT_PRESENTATION_START = 2  # Emoji_Presentation, non-ideographic: VS15 makes it 1 column
EMOJI_MODIFIER_BASE = 4  # Emoji_Modifier_Base: a following skin tone joins it
ARABIC_TRANSPARENT = 8  # zero width and Joining_Type=Transparent: lam ... alef stays a ligature
LIGATURE_TRANSPARENT = 16  # default-ignorable combining mark or ZWJ: transparent to other ligatures

# The state carried from right to left: the crate's `WidthInfo`, a u16. Its bits are kept as
# they are because the crate tests and sets individual bits of it (below).
DEFAULT = 0x0000
LINE_FEED = 0x0001
EMOJI_MODIFIER = 0x0002
REGIONAL_INDICATOR = 0x0003
SEVERAL_REGIONAL_INDICATOR = 0x0004
EMOJI_PRESENTATION = 0x0005
ZWJ_EMOJI_PRESENTATION = 0x1006
KEYCAP_ZWJ_EMOJI_PRESENTATION = 0x1007
REGIONAL_INDICATOR_ZWJ_PRESENTATION = 0x0009
EVEN_REGIONAL_INDICATOR_ZWJ_PRESENTATION = 0x000A
ODD_REGIONAL_INDICATOR_ZWJ_PRESENTATION = 0x000B
TAG_END_ZWJ_EMOJI_PRESENTATION = 0x0010
TAG_D1_END_ZWJ_EMOJI_PRESENTATION = 0x0011
TAG_D2_END_ZWJ_EMOJI_PRESENTATION = 0x0012
TAG_D3_END_ZWJ_EMOJI_PRESENTATION = 0x0013
TAG_A1_END_ZWJ_EMOJI_PRESENTATION = 0x0019
TAG_A2_END_ZWJ_EMOJI_PRESENTATION = 0x001A
TAG_A3_END_ZWJ_EMOJI_PRESENTATION = 0x001B
TAG_A4_END_ZWJ_EMOJI_PRESENTATION = 0x001C
TAG_A5_END_ZWJ_EMOJI_PRESENTATION = 0x001D
TAG_A6_END_ZWJ_EMOJI_PRESENTATION = 0x001E
VARIATION_SELECTOR_15 = 0x4000
VARIATION_SELECTOR_16 = 0x8000
JOINING_GROUP_ALEF = 0x30FF
HEBREW_LETTER_LAMED = 0x3800
ZWJ_HEBREW_LETTER_LAMED = 0x3C00
BUGINESE_LETTER_YA = 0x3801
ZWJ_BUGINESE_LETTER_YA = 0x3C01
BUGINESE_VOWEL_SIGN_I_ZWJ_LETTER_YA = 0x3C02
TIFINAGH_CONSONANT = 0x3803
ZWJ_TIFINAGH_CONSONANT = 0x3C03
TIFINAGH_JOINER_CONSONANT = 0x3C04
LISU_TONE_LETTER_MYA_NA_JEU = 0x3C05
OLD_TURKIC_LETTER_ORKHON_I = 0x3806
ZWJ_OLD_TURKIC_LETTER_ORKHON_I = 0x3C06
KHMER_COENG_ELIGIBLE_LETTER = 0x3C07

# Bits of the state, as the crate reads them.
_EMOJI_PRESENTATION_BIT = 0x8000  # a VS16 (or something needing an emoji base) follows
_TEXT_PRESENTATION_BIT = 0x4000  # a VS15 follows
_KEEPS_PRESENTATION_BIT = 0x2000  # script-ligature states survive a VS15/VS16 inside them
_ZWJ_EMOJI_BITS = 0x1000  # emoji ZWJ state (or script ligature): VS16 keeps it, not resets it
_LIGATURE_BIT = 0x0800  # script-ligature state that default-ignorables and ZWJ pass through
_ZWJ_BIT = 0x0400  # that ligature state has seen a ZWJ

_ZWJ = "\u200d"
_VS15 = "\ufe0e"
_VS16 = "\ufe0f"

_ARABIC_LAMS = frozenset("\u0644\u06b5\u06b6\u06b7\u06b8\u076a\u08a6\u08c7")
_TIFINAGH_CONSONANTS = frozenset(map(chr, [*range(0x2D31, 0x2D66), 0x2D6F]))
_LISU_FIRST_TONE_LETTERS = frozenset("\ua4f8\ua4f9\ua4fa\ua4fb")
_REGIONAL_INDICATORS = frozenset(map(chr, range(0x1F1E6, 0x1F200)))
_SKIN_TONES = frozenset(map(chr, range(0x1F3FB, 0x1F400)))
_TAG_LETTERS = frozenset(map(chr, range(0xE0061, 0xE007B)))
_TAG_DIGITS = frozenset(map(chr, range(0xE0030, 0xE003A)))
_TAG_LETTER_STATES = {
    TAG_END_ZWJ_EMOJI_PRESENTATION: TAG_A1_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A1_END_ZWJ_EMOJI_PRESENTATION: TAG_A2_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A2_END_ZWJ_EMOJI_PRESENTATION: TAG_A3_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A3_END_ZWJ_EMOJI_PRESENTATION: TAG_A4_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A4_END_ZWJ_EMOJI_PRESENTATION: TAG_A5_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A5_END_ZWJ_EMOJI_PRESENTATION: TAG_A6_END_ZWJ_EMOJI_PRESENTATION,
}
_TAG_DIGIT_STATES = {
    TAG_END_ZWJ_EMOJI_PRESENTATION: TAG_D1_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A1_END_ZWJ_EMOJI_PRESENTATION: TAG_D1_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A2_END_ZWJ_EMOJI_PRESENTATION: TAG_D1_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A3_END_ZWJ_EMOJI_PRESENTATION: TAG_D1_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A4_END_ZWJ_EMOJI_PRESENTATION: TAG_D1_END_ZWJ_EMOJI_PRESENTATION,
    TAG_D1_END_ZWJ_EMOJI_PRESENTATION: TAG_D2_END_ZWJ_EMOJI_PRESENTATION,
    TAG_D2_END_ZWJ_EMOJI_PRESENTATION: TAG_D3_END_ZWJ_EMOJI_PRESENTATION,
}
# States after which U+1F3F4 WAVING BLACK FLAG completes a tag sequence (3 to 6 letters or
# 3 digits, as the crate allows).
_TAG_COMPLETE_STATES = frozenset((
    TAG_A3_END_ZWJ_EMOJI_PRESENTATION, TAG_A4_END_ZWJ_EMOJI_PRESENTATION,
    TAG_A5_END_ZWJ_EMOJI_PRESENTATION, TAG_A6_END_ZWJ_EMOJI_PRESENTATION,
    TAG_D3_END_ZWJ_EMOJI_PRESENTATION,
))  # fmt: skip
_ZWJ_JOINABLE_STATES = frozenset((
    EMOJI_PRESENTATION, SEVERAL_REGIONAL_INDICATOR, EVEN_REGIONAL_INDICATOR_ZWJ_PRESENTATION,
    ODD_REGIONAL_INDICATOR_ZWJ_PRESENTATION, EMOJI_MODIFIER,
))  # fmt: skip

# Characters the state machine compares by identity (besides those whose table data already marks
# them: non-default info or a flag). A character that is none of these can never change the
# state nor be changed by it, which lets `padding_width` count it without the state machine.
SEQUENCE_CHARS = frozenset(
    "\n\r\u05d0\u17d2\u1a15\u1a17\u2d7f\u20e3\U00010c32\U000e007f\U0001f3f4" + _ZWJ + _VS15 + _VS16
).union(
    _ARABIC_LAMS, _TIFINAGH_CONSONANTS, _LISU_FIRST_TONE_LETTERS, _REGIONAL_INDICATORS,
    _SKIN_TONES, _TAG_LETTERS, _TAG_DIGITS,
)  # fmt: skip

# char -> (width, info, flags): the crate's `lookup_width` (width and `WidthInfo`) and the flags
# above, learned for the chars that reach the state machine. Below U+00A1 the crate does not
# consult its table: there the width is the in-string one, 1 (controls count in a str).
_str_props: dict[str, tuple[int, int, int]] = {}


def learn_str_props(text: str) -> None:
    """Put the 0.1.14 data of every char of `text` into `_str_props`."""
    tables = width_tables()
    starts, kinds, props = tables.STR_STARTS, tables.STR_KINDS, tables.STR_PROPS
    if len(_str_props) > CACHE_LIMIT:
        _str_props.clear()
    for ch in set(text).difference(_str_props):
        cp = ord(ch)
        width, info, flags = props[kinds[bisect_right(starts, cp) - 1]]
        _str_props[ch] = (1 if cp <= 0xA0 else width, info, flags)


def sequence_width(run: str) -> int:
    """The crate's `str_width` over `run`: its chars, right to left, threading the `WidthInfo`."""
    props = _str_props
    total = 0
    state = DEFAULT
    for c in reversed(run):
        width, info, flags = props[c]
        if state == DEFAULT and c > "\xa0":
            # The crate's own fast path: nothing pending, the table decides.
            total += width
            state = info
            continue
        add, state = _step(c, width, info, flags, state)
        total += add
    return total


def _step(c: str, width: int, info: int, flags: int, state: int) -> tuple[int, int]:
    """One step of the crate's `width_in_str`: (columns added, state for the char to the left).

    `width`, `info`, `flags` are `c`'s table data; `state` was produced by the char after `c`.
    """
    if state & _EMOJI_PRESENTATION_BIT:
        if flags & EMOJI_PRESENTATION_START:
            # c + VS16 (possibly inside a ZWJ sequence, whose first emoji carries the 2 columns).
            zwj = (
                state & (_EMOJI_PRESENTATION_BIT | _KEEPS_PRESENTATION_BIT | _ZWJ_EMOJI_BITS)
            ) == (_EMOJI_PRESENTATION_BIT | _ZWJ_EMOJI_BITS)
            return (0 if zwj else 2), EMOJI_PRESENTATION
        # The VS16 found no emoji base: ligature states keep going, anything else is forgotten.
        state = state & ~_EMOJI_PRESENTATION_BIT if state & _KEEPS_PRESENTATION_BIT else DEFAULT

    if c <= "\xa0":
        # Controls count 1 in a str, except LF (0, by the crate's choice) and the CR of a CRLF.
        if c == "\n":
            return 0, LINE_FEED
        if c == "\r" and state == LINE_FEED:
            return 0, DEFAULT
        return 1, DEFAULT

    if state == DEFAULT:
        return width, info

    if c == _VS16:
        if (
            state & _KEEPS_PRESENTATION_BIT
            or (state & (_EMOJI_PRESENTATION_BIT | _ZWJ_EMOJI_BITS)) == _ZWJ_EMOJI_BITS
        ):
            return 0, state | _EMOJI_PRESENTATION_BIT
        return 0, VARIATION_SELECTOR_16
    if c == _VS15:
        if state & _KEEPS_PRESENTATION_BIT:
            return 0, state | _TEXT_PRESENTATION_BIT
        return 0, VARIATION_SELECTOR_15
    if state & _TEXT_PRESENTATION_BIT:
        if flags & TEXT_PRESENTATION_START:
            return 1, DEFAULT  # emoji + VS15: text presentation, 1 column
        state &= ~_TEXT_PRESENTATION_BIT
    if state & _LIGATURE_BIT:
        if c == _ZWJ:
            return 0, state | _ZWJ_BIT
        if flags & LIGATURE_TRANSPARENT:
            return 0, state

    # The crate's `match (next_info, c)`. Its arms never overlap (each state's arms test
    # disjoint chars), so they are grouped here by state.
    if c == _ZWJ and state in _ZWJ_JOINABLE_STATES:
        return 0, ZWJ_EMOJI_PRESENTATION
    if state == JOINING_GROUP_ALEF:
        if c in _ARABIC_LAMS:
            return 0, DEFAULT  # lam-alef: one column for both
        if flags & ARABIC_TRANSPARENT:
            return 0, JOINING_GROUP_ALEF
    elif state == ZWJ_HEBREW_LETTER_LAMED:
        if c == "\u05d0":
            return 0, DEFAULT
    elif state == KHMER_COENG_ELIGIBLE_LETTER:
        if c == "\u17d2":
            return -1, DEFAULT  # coeng + letter is a subscript: takes back the letter's column
    elif state == ZWJ_BUGINESE_LETTER_YA:
        if c == "\u1a17":
            return 0, BUGINESE_VOWEL_SIGN_I_ZWJ_LETTER_YA
    elif state == BUGINESE_VOWEL_SIGN_I_ZWJ_LETTER_YA:
        if c == "\u1a15":
            return 0, DEFAULT
    elif state in (TIFINAGH_CONSONANT, ZWJ_TIFINAGH_CONSONANT):
        if c == "\u2d7f":
            return 1, TIFINAGH_JOINER_CONSONANT
        if state == ZWJ_TIFINAGH_CONSONANT and c in _TIFINAGH_CONSONANTS:
            return 0, DEFAULT  # consonant ZWJ consonant: one column
    elif state == TIFINAGH_JOINER_CONSONANT:
        if c in _TIFINAGH_CONSONANTS:
            return -1, DEFAULT
    elif state == LISU_TONE_LETTER_MYA_NA_JEU:
        if c in _LISU_FIRST_TONE_LETTERS:
            return 0, DEFAULT
    elif state == ZWJ_OLD_TURKIC_LETTER_ORKHON_I:
        if c == "\U00010c32":
            return 0, DEFAULT
    elif state == EMOJI_MODIFIER:
        if flags & EMOJI_MODIFIER_BASE:
            return 0, EMOJI_PRESENTATION  # base + skin tone: the tone's 2 columns cover both
    elif state in (REGIONAL_INDICATOR, SEVERAL_REGIONAL_INDICATOR):
        if c in _REGIONAL_INDICATORS:
            return 1, SEVERAL_REGIONAL_INDICATOR  # no pairing: a flag is two 1-column letters
    elif state == ZWJ_EMOJI_PRESENTATION:
        if c == "\u20e3":
            return 0, KEYCAP_ZWJ_EMOJI_PRESENTATION
        if c in _REGIONAL_INDICATORS:
            return 1, REGIONAL_INDICATOR_ZWJ_PRESENTATION
        if c in _SKIN_TONES:
            return 0, EMOJI_MODIFIER
        if c == "\U000e007f":
            return 0, TAG_END_ZWJ_EMOJI_PRESENTATION
        if info == EMOJI_PRESENTATION:
            return 0, EMOJI_PRESENTATION  # emoji ZWJ emoji: the first one carries the 2 columns
    elif state in (REGIONAL_INDICATOR_ZWJ_PRESENTATION, ODD_REGIONAL_INDICATOR_ZWJ_PRESENTATION):
        if c in _REGIONAL_INDICATORS:
            return -1, EVEN_REGIONAL_INDICATOR_ZWJ_PRESENTATION
    elif state == EVEN_REGIONAL_INDICATOR_ZWJ_PRESENTATION:
        if c in _REGIONAL_INDICATORS:
            return 3, ODD_REGIONAL_INDICATOR_ZWJ_PRESENTATION
    elif state in _TAG_LETTER_STATES or state in _TAG_DIGIT_STATES or state in _TAG_COMPLETE_STATES:
        if c in _TAG_LETTERS and state in _TAG_LETTER_STATES:
            return 0, _TAG_LETTER_STATES[state]
        if c in _TAG_DIGITS and state in _TAG_DIGIT_STATES:
            return 0, _TAG_DIGIT_STATES[state]
        if c == "\U0001f3f4" and state in _TAG_COMPLETE_STATES:
            return 0, EMOJI_PRESENTATION  # black flag + tags + cancel tag: a subdivision flag
    # The crate's VS16_ZWJ / VS16_KEYCAP_ZWJ arms are left out: those states carry the
    # emoji-presentation bit, so the first test above has already handled or cleared them.
    return width, info
