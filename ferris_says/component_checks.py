"""What FerrisSaysComponent checks at load, so that it never accepts what could never run.

Each check raises a ValueError; raised from the component's resolvers, Dagster adds the
``defs.yaml`` file, line and attribute to it. Python 3.9 syntax, as ``ferris_says.dagster``.
"""

import json
import re
from hashlib import sha256
from typing import TypeVar

import dagster as dg

# A raw attribute value: the checks look at strings and hand anything else back unchanged.
Checked = TypeVar("Checked")

__all__ = [
    "WORDS_MAX_BYTES",
    "check_asset_key",
    "check_words",
    "no_nul_or_surrogate",
    "op_name",
]


#: The most words a component passes: they go to ferris-says as one argument, and Linux takes
#: at most 128 KiB (MAX_ARG_STRLEN, with its NUL) in one argument; more fails at run time
#: with "Argument list too long". (The command itself takes any size through --files or stdin.)
WORDS_MAX_BYTES = 128 * 1024 - 1


def no_nul_or_surrogate(text: str, what: str) -> None:
    if "\0" in text:
        raise ValueError(
            f"{what} holds a NUL character (at character {text.index(chr(0))}), which no"
            " command-line argument can carry"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{what} is not valid Unicode text: a lone surrogate"
            f" U+{ord(text[exc.start]):04X} at character {exc.start}"
        ) from None


def check_words(words: Checked) -> Checked:
    """Words that can reach ferris-says as an argument: no NUL, no lone surrogate, at most
    WORDS_MAX_BYTES of UTF-8; else a ValueError saying which."""
    if not isinstance(words, str):
        return words
    no_nul_or_surrogate(words, "words")
    size = len(words.encode("utf-8"))
    if size > WORDS_MAX_BYTES:
        raise ValueError(
            f"words are {size} bytes of UTF-8; at most {WORDS_MAX_BYTES} fit in one"
            " command-line argument"
        )
    return words


def check_asset_key(asset_key: Checked) -> Checked:
    """An asset key Dagster can run: every slash-separated part non-empty and printable."""
    if not isinstance(asset_key, str):
        return asset_key
    no_nul_or_surrogate(asset_key, "asset_key")
    parts = dg.AssetKey.from_user_string(asset_key).path
    if not all(parts):
        raise ValueError(
            f"asset_key {asset_key!r} has an empty part (slashes separate the parts of a key:"
            " 'crabs/ferris')"
        )
    if not asset_key.isprintable():
        raise ValueError(f"asset_key {asset_key!r} holds a control character")
    return asset_key


# A key written the way Dagster names an @asset's op ("a/b" -> "a__b") loses nothing when each
# part is [A-Za-z0-9_]+ with no "__" and no "_" at either end: such names stay as Dagster would
# make them. Any other key ("a-b", "a__b", "x/_y") gets a digest of the key appended, so that two
# different keys in two defs.yaml never make one op name ("conflicting node definitions").
_PLAIN_PART = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|_(?!_))*(?<!_)")
_DIGEST_SUFFIX = re.compile(r"_k[0-9a-f]{12}$")


def op_name(key: dg.AssetKey) -> str:
    # An op name is [A-Za-z0-9_]+; Dagster names an @asset's op the same way from its key.
    name = re.sub(r"[^A-Za-z0-9_]", "_", "__".join(key.path))
    lossless = all(_PLAIN_PART.fullmatch(part) for part in key.path)
    if lossless and not _DIGEST_SUFFIX.search(name):
        return name
    digest = sha256(json.dumps(key.path).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{name}_k{digest}"
