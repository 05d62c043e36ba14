"""Who says the words: Ferris, Clippy, and the whole cast of the cowsay package.

`mascot(name)` returns the text the renderer writes right after the bubble's bottom border
(``" ---...-"``, which has no newline of its own): a newline, then the picture, one line each,
ending with a newline. For ``ferris`` and ``clippy`` it is the Rust crate's ``MASCOT`` constant,
byte for byte.

cowsay's characters are drawn the way Ferris is: the first tail line (``\\``) starts on the line
right below the bottom border, in Ferris's column (8), and each character keeps its own shape
around its tail, exactly as cowsay draws it. cowsay itself shifts a character right by the
width of its text, so its tail lands anywhere from under the bubble to far to the right of it;
the crate's bubble, in contrast, is drawn for a mascot at a fixed place, so every character is
moved to Ferris's place instead (see `_fit_cowsay_art`).

cowsay is imported only when one of its characters is asked for or the cast is listed: saying
something as Ferris or Clippy never pays for it.
"""

from __future__ import annotations

from ferris_says.errors import VALUE_SHOWN, FerrisError, FerrisUsageError, shown, token

# The crate's `MASCOT` (ferris-says 0.3.2, src/lib.rs), default feature set.
FERRIS = (
    "\n"
    "        \\\n"
    "         \\\n"
    "            _~^~^~_\n"
    "        \\) /  o o  \\ (/\n"
    "          '_   -   _'\n"
    "          / '-----' \\\n"
)

# The crate's `MASCOT` when built with its "clippy" feature.
CLIPPY = (
    "\n"
    "        \\\n"
    "         \\\n"
    "            __\n"
    "           /  \\\n"
    "           |  |\n"
    "           @  @\n"
    "           |  |\n"
    "           || |/\n"
    "           || ||\n"
    "           |\\_/|\n"
    "           \\___/\n"
)

DEFAULT_CHARACTER = "ferris"

# Our own characters, in the order `character_names()` lists them; they win over any cowsay
# character of the same name.
BUILTIN_CHARACTERS = {"ferris": FERRIS, "clippy": CLIPPY}

# Where Ferris's tail starts: the column of the `\` on the first line under the bubble.
TAIL_COLUMN = 8


class UnknownCharacterError(FerrisUsageError):
    """`--character` (or `say(character=...)`) named nobody we can draw."""

    def __init__(self, name: str, choices: list[str]):
        self.name = name
        self.choices = list(choices)
        super().__init__(_unknown_message(name, self.choices))


def _unknown_message(name: str, choices: list[str]) -> str:
    import difflib  # only on this error path

    folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)
    message = f"unknown character {shown(name, VALUE_SHOWN)}"
    if close:
        message += "; did you mean " + " or ".join(shown(folded[c], VALUE_SHOWN) for c in close)
        message += "?"
    return message + " (choose from: " + ", ".join(token(choice) for choice in choices) + ")"


def _cowsay_characters() -> dict[str, str]:
    """cowsay's characters, name -> art as cowsay stores it (imported on demand)."""
    try:
        import cowsay
    except ImportError as error:  # a broken install, not a user mistake
        raise FerrisError(
            f"cowsay's characters need the cowsay package, which cannot be imported: {error}"
        ) from error
    return dict(cowsay.CHARS)


def character_names() -> list[str]:
    """Every name `mascot` accepts: ferris, clippy, then cowsay's characters in cowsay's order."""
    names = list(BUILTIN_CHARACTERS)
    names += [name for name in _cowsay_characters() if name not in BUILTIN_CHARACTERS]
    return names


def mascot(name: str) -> str:
    """The text written right after the bottom border for character `name`.

    Raises UnknownCharacterError (a usage error) for a name nobody answers to.
    """
    builtin = BUILTIN_CHARACTERS.get(name)
    if builtin is not None:
        return builtin
    return _cowsay_mascot(name)


# Fitted once per name. A dict, not functools.cache: functools would load `collections` on
# every start, for a cowsay character few runs ask for.
_fitted_cowsay: dict[str, str] = {}


def _cowsay_mascot(name: str) -> str:
    fitted = _fitted_cowsay.get(name)
    if fitted is None:
        art = _cowsay_characters().get(name)
        if art is None:
            raise UnknownCharacterError(name, character_names())
        fitted = _fitted_cowsay[name] = _fit_cowsay_art(art)
    return fitted


def _is_tail_line(line: str) -> bool:
    return line.lstrip(" ").startswith("\\")


def _fit_cowsay_art(art: str) -> str:
    """Turn one of cowsay's pictures into a mascot that meets the bubble as Ferris does.

    Like cowsay's own `generate_char`, empty lines are dropped (cowsay never prints them), so
    the tail always starts on the first line under the bubble. Trailing whitespace is dropped:
    it is invisible and would only make the output differ from what you see. Then the whole
    picture is moved right so that its first `\\` is in Ferris's column; every line moves by the
    same amount, so the character keeps its shape around its tail.
    """
    lines = [line.rstrip() for line in art.expandtabs(8).split("\n")]
    lines = [line for line in lines if line]
    if not lines or not _is_tail_line(lines[0]):
        raise ValueError("a cowsay character whose picture does not start with its tail")
    first = lines[0]
    shift = TAIL_COLUMN - (len(first) - len(first.lstrip(" ")))
    if shift >= 0:
        pad = " " * shift
        lines = [pad + line for line in lines]
    else:
        # A tail further right than Ferris's: move left as far as every line allows.
        room = min(len(line) - len(line.lstrip(" ")) for line in lines)
        cut = min(-shift, room)
        lines = [line[cut:] for line in lines]
    return "\n" + "\n".join(lines) + "\n"
