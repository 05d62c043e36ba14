"""How the speaker looks: cowsay's and cowthink's options over the crate's bubble.

A `Look` is what the command line (or Dagster) asked for: a character (a name, or a path to a
``.cow`` file), think or say, eyes, tongue, a mode, or a random character. `draw` turns it into
a `Drawing`: the text written after the bubble's bottom border, and the bubble's edges.

Names are looked up as cowsay looks them up, between our own two and the cowsay package's cast:
``ferris`` and ``clippy`` first (the plain-words path draws them without reading COWPATH, so
they must win everywhere), then each directory of ``COWPATH`` and then cowsay's own directories
(``NAME``, then ``NAME.cow``: see `cowpath`), then the cowsay package's characters. A value
with a ``/`` is a path to a .cow file. So a name draws what cowsay draws for it wherever cowsay
is installed, COWPATH set or not.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Mapping

from ferris_says import attributes, characters, faces, inputs, modes, seeded
from ferris_says.attributes import MODES as MODES  # where --mode's names are checked
from ferris_says.bubble import SAY_BORDERS, THINK_BORDERS, Borders
from ferris_says.cowfile import CowFile, cow_named, load_cow_file
from ferris_says.cowpath import COW_SUFFIX, cow_names_in, cowpath_dirs, cowpath_file, cowpath_names
from ferris_says.errors import PATH_SHOWN, VALUE_SHOWN, FerrisUsageError, shown
from ferris_says.frozen import Frozen

# typing.TYPE_CHECKING would import typing; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ferris_says.request import Request

#: cowsay's one-letter mode flags that ferris-says takes (-w is --width here: wired is
#: --mode wired only).
MODE_LETTERS = {letter: name for letter, name, _, _ in modes.MODES if letter != "w"}
#: cowsay's defaults.
DEFAULT_EYES = "oo"
DEFAULT_TONGUE = "  "
#: cowsay and cowthink take the first two characters of -e and -T.
FACE_CHARS = 2
#: What $thoughts is: the tail of a speech bubble, or the bubbles of a thought.
SAY_THOUGHTS = "\\"
THINK_THOUGHTS = "o"
#: The Pipes extras (besides "words") a Dagster run can set the look with.
EXTRAS_KEYS = ("character", "mode", "eyes", "tongue", "think")


class Look(Frozen):
    """What was asked for; None means "not given". (Not a dataclass: see `frozen`.)"""

    __slots__ = ("character", "think", "eyes", "tongue", "mode", "random")
    character: str | None
    think: bool
    eyes: str | None
    tongue: str | None
    mode: str | None
    random: bool

    def __init__(
        self,
        character: str | None = None,
        think: bool = False,
        eyes: str | None = None,
        tongue: str | None = None,
        mode: str | None = None,
        random: bool = False,
    ) -> None:
        super().__init__(
            character=character, think=think, eyes=eyes, tongue=tongue, mode=mode, random=random
        )


class Drawing(Frozen):
    """What is drawn: who (name or path), in which mode, and the text after the bubble."""

    __slots__ = ("character", "mode", "think", "mascot", "borders")
    character: str
    mode: str | None
    think: bool
    mascot: str
    borders: Borders

    def __init__(
        self, character: str, mode: str | None, think: bool, mascot: str, borders: Borders
    ) -> None:
        super().__init__(
            character=character, mode=mode, think=think, mascot=mascot, borders=borders
        )


def look_of(request: Request) -> Look:
    """The look ``request`` asks for (its character, think, eyes, tongue, mode, random)."""
    return Look(
        character=request.character,
        think=request.think,
        eyes=request.eyes,
        tongue=request.tongue,
        mode=request.mode,
        random=request.random,
    )


def choose_mode(mode: str | None, flags: Iterable[str]) -> str | None:
    """One mode from --mode and the one-letter flags; two different ones are a usage error."""
    chosen = {attributes.check_mode(name) for name in flags}
    if mode is not None:
        chosen.add(attributes.check_mode(mode))
    if len(chosen) > 1:
        raise FerrisUsageError(f"choose one mode, not {' and '.join(sorted(chosen))}")
    return next(iter(chosen), None)


def checked_look(look: Look) -> Look:
    """`look` if each of its values is one ferris-says takes (the attributes' checkers, which
    every surface shares) and its options go together, else a one-line usage error."""
    for value, check in (
        (look.character, attributes.check_character),
        (look.mode, attributes.check_mode),
        (look.eyes, attributes.check_eyes),
        (look.tongue, attributes.check_tongue),
    ):
        if value is not None:
            check(value)
    if look.random and look.character is not None:
        raise FerrisUsageError("give --random or --character, not both")
    return look


# ---- where characters come from ---------------------------------------------------------------


def listed(name: str) -> str:
    """A name as --list-characters prints it: as it is, or escaped on one line (a newline,
    a byte that is not UTF-8) when printing it raw would break the list."""
    return name if name.isprintable() else shown(name, PATH_SHOWN)


def all_names() -> list[str]:
    """Every name --character takes: ours, COWPATH's, then the cowsay package's."""
    names = list(characters.BUILTIN_CHARACTERS)
    for name in cowpath_names() + characters.character_names():
        if name not in names:
            names.append(name)
    return names


def is_path(value: str) -> bool:
    return "/" in value or os.sep in value


def cow_source(value: str) -> tuple[str, str] | None:
    """(path, how errors name it) of the .cow file `value` names (a path, or a COWPATH name),
    or None for a character of our own or of the cowsay package."""
    if is_path(value):
        return value, f"character {shown(value, PATH_SHOWN)}"
    if value in characters.BUILTIN_CHARACTERS:
        return None
    path = cowpath_file(value)
    if path is None:
        return None
    return path, f"character {shown(value, VALUE_SHOWN)} (COWPATH file {shown(path, PATH_SHOWN)})"


def cow_file_for(value: str) -> CowFile | None:
    """The parsed .cow file `value` names (a path, or a COWPATH name), or None for a
    character of our own or of the cowsay package."""
    source = cow_source(value)
    return None if source is None else load_cow_file(*source)


def prepare(look: Look) -> None:
    """Open the .cow file `look` will draw before the run writes anything (a Dagster session's
    `opened`), so that the messages can be told apart from it; a failure waits for `draw`.
    With --random every COWPATH file is a candidate, and each is one of the run's files."""
    if look.random:
        for directory in cowpath_dirs():
            try:
                names = cow_names_in(directory)
            except OSError:
                continue  # a missing directory holds no candidate
            for name in names:
                path = os.path.join(directory, name + COW_SUFFIX)
                with contextlib.suppress(OSError, UnicodeEncodeError):
                    inputs.RUN_FILES.add(os.stat(inputs.name_bytes(path)), cow_named(path))
        return
    source = None if look.character is None else cow_source(look.character)
    if source is not None:
        path, where = source
        inputs.prepare(path, inputs.COW, where, register=cow_named(path))


def check_known(name: str) -> None:
    """A usage error for a name that is neither ours, nor in COWPATH, nor the cowsay package's."""
    if name in characters.BUILTIN_CHARACTERS or name in characters.character_names():
        return
    if name.endswith(COW_SUFFIX):
        raise FerrisUsageError(
            f"unknown character {name!r}: not in COWPATH; a path to a .cow file holds a /"
            f" (./{name})"
        )
    raise characters.UnknownCharacterError(name, all_names())


def check_character(value: str) -> None:
    """Raise the usage error --character would give for `value`, without drawing."""
    attributes.check_character(value)
    if cow_file_for(value) is None:
        check_known(value)


# ---- drawing ----------------------------------------------------------------------------------


def face(look: Look) -> tuple[str | None, str | None]:
    """The eyes and tongue to draw (None: the character's own), modes winning as in cowsay."""
    eyes = None if look.eyes is None else look.eyes[:FACE_CHARS]
    tongue = None if look.tongue is None else look.tongue[:FACE_CHARS]
    if look.mode is not None:
        eyes, mode_tongue = MODES[look.mode]
        tongue = mode_tongue if mode_tongue is not None else tongue
    return eyes, tongue


def wears(name: str, look: Look) -> bool:
    """Whether `name` has a place for the eyes and tongue `look` asks for."""
    if name not in characters.BUILTIN_CHARACTERS and cowpath_file(name) is not None:
        return True  # cowsay draws any face on any .cow file, used or not
    return faces.wears(
        name, look.eyes is not None or look.mode is not None, look.tongue is not None
    )


def pick_random(look: Look) -> str:
    """A character that can wear what `look` asks for; FERRIS_SAYS_SEED makes it repeatable."""
    candidates = [name for name in all_names() if wears(name, look)]
    if not candidates:
        raise FerrisUsageError(
            "--random: no character has a place for a tongue; put .cow files in COWPATH"
        )
    return seeded.chooser().choice(candidates)


def draw(look: Look) -> Drawing:
    """The text after the bubble and the bubble's edges for `look`."""
    checked_look(look)
    if look.random:
        name = pick_random(look)
    else:
        name = characters.DEFAULT_CHARACTER if look.character is None else look.character
    borders = THINK_BORDERS if look.think else SAY_BORDERS
    eyes, tongue = face(look)
    cow = cow_file_for(name)
    if cow is None:
        check_known(name)
    if cow is not None:
        mascot = "\n" + cow.draw(
            THINK_THOUGHTS if look.think else SAY_THOUGHTS,
            DEFAULT_EYES if eyes is None else eyes,
            DEFAULT_TONGUE if tongue is None else tongue,
        )
    else:
        # A user's -T on a character with no tongue is an error; a mode's tongue (dead,
        # stoned) is left out there, the mode still shows in the eyes.
        explicit_tongue = tongue if look.tongue is not None else None
        mascot = faces.face_of(name, characters.mascot(name), eyes, explicit_tongue, look.think)
    return Drawing(name, look.mode, look.think, mascot, borders)


#: The one checker of each look attribute the Pipes extras may set (attributes.py).
EXTRAS_CHECKERS: dict[str, Callable[[object], Any]] = {
    "character": attributes.check_character,
    "mode": attributes.check_mode,
    "eyes": attributes.check_eyes,
    "tongue": attributes.check_tongue,
    "think": attributes.check_think,
}


def look_with_extras(look: Look | None, extras: Mapping[str, Any]) -> Look:
    """`look` with what the command line left unset taken from Dagster's Pipes extras
    (``{"character": ..., "mode": ..., "eyes": ..., "tongue": ..., "think": ...}``)."""
    base = look if look is not None else Look()
    changes: dict[str, Any] = {}
    for key, check in EXTRAS_CHECKERS.items():
        value = extras.get(key)
        if value is None or (key != "think" and getattr(base, key) is not None):
            continue
        try:
            changes[key] = check(value)
        except FerrisUsageError as error:
            raise FerrisUsageError(str(error), where=f'Dagster extras "{key}"') from None
    if "think" in changes:
        changes["think"] = base.think or changes["think"]  # --think on the command line wins
    if "character" in changes and base.random:
        del changes["character"]  # --random on the command line wins
    return base.replace(**changes)
