"""What each attribute may be: one checker per attribute, for every surface that sets it.

The command line (``-c``, ``--mode``, ``-e``, ``-T``), Dagster's Pipes extras (``character``,
``mode``, ``eyes``, ``tongue``) and FerrisSaysComponent's ``defs.yaml`` attributes all hand their
values to these functions, so a value one of them refuses, the others refuse in the same words.
Each checker takes the value as it came (any type), returns what ferris-says uses, and raises
`FerrisUsageError` with one bounded line otherwise: values are shown through `errors.shown`,
never as Python's own message (``embedded null byte``) or a repr of the whole value.

Plain Python on purpose: no click, no dagster. Whether a character can be *drawn* (a name that
exists, a .cow file that parses) is `looks.check_character`, which starts with
`check_character` here; whether a face fits the character is `looks.draw`.
"""

from __future__ import annotations

import re

from ferris_says import modes
from ferris_says.bubble import MAX_WIDTH
from ferris_says.errors import VALUE_SHOWN, FerrisUsageError, shown
from ferris_says.request import BUBBLES, COWSAY_BUBBLE, COWSAY_MIN_WIDTH

__all__ = [
    "ASSET_KEY_MAX_BYTES",
    "IMAGE_MAX_CHARS",
    "MODES",
    "PATH_MAX_BYTES",
    "WORDS_MAX_BYTES",
    "at_most_bytes",
    "check_asset_key",
    "check_bubble",
    "check_bubble_width",
    "check_character",
    "check_eyes",
    "check_image",
    "check_mode",
    "check_think",
    "check_tongue",
    "check_width",
    "check_words",
    "kind",
    "text",
]

#: cowsay's modes: the eyes each one draws, and its tongue (None: the tongue is kept).
MODES: dict[str, tuple[str, str | None]] = {
    name: (eyes, tongue) for _, name, eyes, tongue in modes.MODES
}

#: The most words a component passes: they go to ferris-says as one argument, and Linux takes
#: at most 128 KiB (MAX_ARG_STRLEN, with its NUL) in one argument; more fails at run time
#: with "Argument list too long". (The command itself takes any size through --files or stdin.)
WORDS_MAX_BYTES = 128 * 1024 - 1

#: The longest path Linux opens: PATH_MAX is 4096 bytes with the closing NUL. A character's
#: name is a file name in COWPATH, shorter still; anything longer is no character at all.
PATH_MAX_BYTES = 4095

#: A container image reference is a name of at most 255 characters, a tag of at most 128 and a
#: digest: no reference is longer than this (checked before the pattern, which then stays fast).
IMAGE_MAX_CHARS = 1024

#: The longest asset key the command reports on. Every message about the asset carries its key
#: whole (a cut key would name another asset), and a message line on stdio holds 8 KiB; a key
#: of 1 KiB, even as JSON escapes, leaves room for the rest. No one names an asset with more.
ASSET_KEY_MAX_BYTES = 1024
MESSAGE_HOLDS = "what a Dagster Pipes message carries whole"

#: Numbers in messages are written out up to this size (a 77-digit number), else their size.
SHOWN_INT_BITS = 256

# The first surrogate of the range Python's surrogateescape maps bytes 0x80-0xFF to: argv bytes
# that are not UTF-8 arrive as these, and JSON's "\udce9" means the same byte.
_ESCAPED_BYTES = range(0xDC80, 0xDD00)


def kind(value: object) -> str:
    """What a value of the wrong type is, in a few words: text is quoted (bounded), anything
    else is named by its type only (the repr of a huge number or a deep list is no message)."""
    if isinstance(value, str):
        return f"the text {shown(value, VALUE_SHOWN)}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):  # shown when short: a 5,000-digit int has no str() in Python
        return (
            str(value)
            if value.bit_length() <= SHOWN_INT_BITS
            else f"a {value.bit_length()}-bit number"
        )
    return f"a value of type {type(value).__name__}"


def text(value: object, name: str) -> str:
    """`value` if it is a string that can reach the command: no NUL (no argument or file name
    can carry one) and no lone surrogate (not Unicode text, and no UTF-8 bytes stand for it)."""
    if not isinstance(value, str):
        raise FerrisUsageError(f"{name} must be text, not {kind(value)}")
    if "\0" in value:
        raise FerrisUsageError(
            f"{name} holds a NUL character (at character {value.index(chr(0))}), which no"
            " command-line argument or file name can carry"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        at = error.start
    else:
        return value
    code = ord(value[at])
    byte = (
        f" (the byte 0x{code - 0xDC00:02x} of text that is not UTF-8)"
        if code in _ESCAPED_BYTES
        else ""
    )
    raise FerrisUsageError(
        f"{name} is not valid Unicode text: a lone surrogate U+{code:04X} at character {at}{byte}"
    )


def at_most_bytes(value: str, name: str, limit: int, what: str) -> str:
    """``value`` if its UTF-8 is at most ``limit`` bytes, else a usage error saying ``what``
    takes no more."""
    size = len(value.encode("utf-8"))
    if size > limit:
        raise FerrisUsageError(
            f"{name} is {size} bytes of UTF-8: longer than {what} ({limit} bytes at most)"
        )
    return value


def check_words(value: object) -> str:
    """Words that fit in one command-line argument (how the component passes them)."""
    return at_most_bytes(text(value, "words"), "words", WORDS_MAX_BYTES, "a command-line argument")


def check_width(value: object) -> int:
    """0 to 2**64 - 1 (the crate's usize): a whole number, or its ASCII digits as text."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        digits = value.lstrip("0") or "0"
        if len(digits) <= len(str(MAX_WIDTH)) and int(digits) <= MAX_WIDTH:
            return int(digits)
    elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_WIDTH:
        return value
    what = shown(value, VALUE_SHOWN) if isinstance(value, str) else kind(value)
    raise FerrisUsageError(f"width must be a whole number from 0 to {MAX_WIDTH}, not {what}")


def check_asset_key(value: object) -> str:
    """An asset key Dagster can run and the command can report on: slash-separated parts, each
    non-empty and printable, the whole within ASSET_KEY_MAX_BYTES."""
    key = at_most_bytes(text(value, "asset_key"), "asset_key", ASSET_KEY_MAX_BYTES, MESSAGE_HOLDS)
    if not all(key.split("/")):
        raise FerrisUsageError(
            f"asset_key {shown(key, VALUE_SHOWN)} has an empty part (slashes separate the parts"
            " of a key:"
            " 'crabs/ferris')"
        )
    if not key.isprintable():
        raise FerrisUsageError(f"asset_key {shown(key, VALUE_SHOWN)} holds a control character")
    return key


def check_character(value: object) -> str:
    """A name or a .cow file's path that could exist: text, and no longer than a path."""
    return at_most_bytes(text(value, "character"), "character", PATH_MAX_BYTES, "any path")


def check_mode(value: object) -> str:
    """One of cowsay's modes."""
    mode = text(value, "mode")
    if mode not in MODES:
        raise FerrisUsageError(
            f"unknown mode {shown(mode, VALUE_SHOWN)} (choose from: {', '.join(MODES)})"
        )
    return mode


def check_eyes(value: object) -> str:
    """Eyes: any text; cowsay draws its first two characters."""
    return text(value, "eyes")


def check_tongue(value: object) -> str:
    """A tongue: any text; cowsay draws its first two characters."""
    return text(value, "tongue")


def check_bubble(value: object) -> str:
    """The crate's bubble, or Perl cowsay's."""
    bubble = text(value, "bubble")
    if bubble not in BUBBLES:
        raise FerrisUsageError(
            f"bubble must be one of {', '.join(BUBBLES)}, not {shown(bubble, VALUE_SHOWN)}"
        )
    return bubble


def check_bubble_width(bubble: str, width: int | None) -> int | None:
    """Perl's Text::Wrap wraps at 2 columns or more: a narrower cowsay bubble is refused."""
    if bubble == COWSAY_BUBBLE and width is not None and width < COWSAY_MIN_WIDTH:
        raise FerrisUsageError(
            f"bubble cowsay wraps at a width of {COWSAY_MIN_WIDTH} or more, not {width}"
        )
    return width


def check_think(value: object) -> bool:
    if not isinstance(value, bool):
        raise FerrisUsageError(f"think must be true or false, not {kind(value)}")
    return value


# Docker's image reference grammar (the distribution project's reference package), as the
# Docker client parses `docker run IMAGE`: [DOMAIN[:PORT]/]PATH[:TAG][@DIGEST].
_DOMAIN_PART = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?"
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE_REFERENCE = re.compile(
    rf"(?P<name>(?:{_DOMAIN}/)?{_PATH_PART}(?:/{_PATH_PART})*)"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,})?"
)
#: The longest name (domain and path) a reference may have.
IMAGE_NAME_MAX_CHARS = 255


def check_image(value: object) -> str:
    """A container image reference Docker takes (``ferris-says:latest``)."""
    image = text(value, "image")
    match = _IMAGE_REFERENCE.fullmatch(image) if len(image) <= IMAGE_MAX_CHARS else None
    if match is None or len(match.group("name")) > IMAGE_NAME_MAX_CHARS:
        raise FerrisUsageError(
            f"image {shown(image, VALUE_SHOWN)} is not a container image reference"
            " ([REGISTRY/]NAME[:TAG][@DIGEST], lowercase, e.g. ferris-says:latest)"
        )
    return image
