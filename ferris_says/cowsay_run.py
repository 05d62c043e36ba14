"""What `ferris-cowsay` and `ferris-cowthink` do once their command line is read.

`draw` does what Perl cowsay 3.03's main program does, in its order (usage, list, the words,
the bubble, the face, the cow), with three changes that keep the promises every ferris-says
command makes: the cow is found (and its file read, never run) before stdin is read, so an
unknown cow never waits on stdin; no words and stdin a terminal is a usage error, never a wait;
a column Perl cannot wrap at (below 2, not a whole number) is refused in one line.
"""

from __future__ import annotations

import sys
from itertools import chain

from ferris_says import cowpath, cowsay_cast, inputs, streams
from ferris_says.color import decoration_allowed
from ferris_says.cowfile import CowFile, load_cow_file
from ferris_says.cowsay_bubble import (
    DEFAULT_COLUMNS,
    SAY_THOUGHTS,
    THINK_THOUGHTS,
    balloon,
    face,
    message_lines,
    stdin_message,
)
from ferris_says.cowsay_options import CowsayRequest, usage_lines
from ferris_says.errors import (
    EXIT_OK,
    EXIT_USAGE_ERROR,
    PATH_SHOWN,
    VALUE_SHOWN,
    FerrisUsageError,
    shown,
)
from ferris_says.perl_text import is_space, wrap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

#: cowsay's -f default.
DEFAULT_COWFILE = "default.cow"
#: Perl's Text::Wrap columns when -l lists the cows (its default: -W is not read yet).
LIST_COLUMNS = 76
#: -W: a whole number, as Perl reads a number: blanks around it, a + before it.
PERL_BLANKS = " \t\n\r\f\v"
#: The widest -W: more digits than this is refused before Python reads the number.
MAX_COLUMNS = 2**64 - 1


def columns(text: str | None) -> int:
    """-W's column: 40 when not given; a whole number from 2 on, else a usage error (Perl's
    Text::Wrap prints `3` for a column below 2, and dies past 65535)."""
    if text is None:
        return DEFAULT_COLUMNS
    number = text.strip(PERL_BLANKS)
    number = number[1:] if number.startswith("+") else number
    digits = number.lstrip("0")
    whole = number.isascii() and number.isdigit()
    if whole and len(digits) <= len(str(MAX_COLUMNS)) and 2 <= int(digits or 0) <= MAX_COLUMNS:
        return int(digits)
    raise FerrisUsageError(
        f"-W wants a whole number of columns from 2 to {MAX_COLUMNS},"
        f" not {shown(text, VALUE_SHOWN)}"
    )


def all_cows() -> list[str]:
    """Every name -f finds: the directories' cows, then the built-in ones they lack."""
    names = cowpath.cowpath_names()
    return names + [name for name in cowsay_cast.builtin_names() if name not in names]


def random_cow() -> str:
    from ferris_says import seeded  # random, on --random only

    return seeded.chooser().choice(all_cows())


def find_cow(request: CowsayRequest) -> CowFile:
    """The cow -f names (or --random picks), read: a path, a file in COWPATH or cowsay's
    directories, or a built-in cow; else cowsay's `Could not find NAME cowfile!`."""
    if request.random and request.cowfile is not None:
        raise FerrisUsageError("give --random or -f, not both")
    name = random_cow() if request.random else request.cowfile
    name = DEFAULT_COWFILE if name is None else name
    if "/" in name:  # cowsay's rule: a path
        return load_cow_file(name, f"-f {shown(name, PATH_SHOWN)}")
    path = cowpath.cowpath_file(name)
    if path is not None:
        return load_cow_file(path, f"-f {shown(name, PATH_SHOWN)} ({shown(path, PATH_SHOWN)})")
    builtin = cowsay_cast.builtin_cow(name.removesuffix(cowpath.COW_SUFFIX))
    if builtin is not None:
        return builtin
    # Perl prints the name as it is; one that is empty, holds whitespace (an error line shows a
    # run of it as one space) or what a terminal would act on is quoted, so it reads as given.
    plain = name.isprintable() and name.split() == [name]
    named = name if plain else shown(name, VALUE_SHOWN)
    raise FerrisUsageError(f"Could not find {named} cowfile!")


def read_message(request: CowsayRequest) -> tuple[list[str], str]:
    """cowsay's message: the words joined by one space, or stdin's lines; and Perl's `$.`,
    which a .cow file may print: "" for words, else how many lines stdin had."""
    if request.words:
        if request.keep:  # cowsay prints its usage here
            raise FerrisUsageError(
                f"-n keeps stdin's lines as they are, so it takes no words"
                f" (see {request.program} -h)"
            )
        return [" ".join(request.words)], ""
    if sys.stdin is None:
        raise FerrisUsageError("nothing to say: no words, and stdin is closed")
    if streams.stdin_is_terminal():
        raise FerrisUsageError(
            f"nothing to say: give words, or pipe text in (see {request.program} --help)"
        )
    message = stdin_message(inputs.decoded(inputs.read_stdin(), "stdin"))
    return message, str(len(message))


def draw(request: CowsayRequest) -> int:
    """Do what the request asks; return the exit status (failures raise)."""
    if request.usage:
        streams.write_text(usage_lines(request.program))
        return EXIT_USAGE_ERROR
    if request.list_cows:
        streams.write_stdout(cow_listing(request.program))
        return EXIT_OK
    width = DEFAULT_COLUMNS if request.keep else columns(request.columns)
    cow = find_cow(request)
    message, lines_read = read_message(request)
    lines = message_lines(message, width, request.keep)
    eyes, tongue = face(request.eyes, request.tongue, request.modes)
    thoughts = THINK_THOUGHTS if request.think else SAY_THOUGHTS
    the_cow = cow.draw(thoughts, eyes, tongue, lines_read)
    pieces: Iterable[str] = chain(balloon(lines, request.think), (the_cow,))
    if request.styles and decoration_allowed():
        from ferris_says.decorate import decorate

        pieces = decorate(pieces, request.styles)
    streams.write_stdout(pieces)
    return EXIT_OK


def _listed(name: str) -> str:
    """A name as -l prints it: as it is, or escaped when printing it raw would break the list."""
    return name if name.isprintable() else repr(name)[1:-1]


def _wrapped_names(names: list[str]) -> str:
    """Text::Wrap's ``wrap("", "", sort @names)``: each name but the last followed by a space
    (unless it ends in one), wrapped at LIST_COLUMNS."""
    shown = [_listed(name) for name in names]
    joined = "".join(name if name and is_space(name[-1]) else name + " " for name in shown[:-1]) + (
        shown[-1] if shown else ""
    )
    return wrap(joined, LIST_COLUMNS)


def cow_listing(program: str) -> str:
    """-l: as cowsay lists COWPATH's directories (`Cow files in DIR:`, then the names), each
    directory of COWPATH, then cowsay's own that exist, then the built-in cows none of them
    has. A COWPATH directory that cannot be read ends the list, as in cowsay."""
    out: list[str] = []
    listed: set[str] = set()
    entries = cowpath.cowpath_entries()
    for directory in cowpath.cowpath_dirs():
        try:
            names = cowpath.cow_names_in(directory)
        except OSError as error:
            if directory not in entries:
                continue  # cowsay's directories that this machine does not have
            streams.write_stdout("".join(out) + f"Cow files in {_listed(directory)}:\n")
            reason = error.strerror or str(error)
            where = shown(directory, PATH_SHOWN)
            raise FerrisUsageError(f"Cannot open {where}: {reason}") from None
        out.append(f"Cow files in {_listed(directory)}:\n{_wrapped_names(names)}\n")
        listed.update(names)
    builtin = [name for name in cowsay_cast.builtin_names() if name not in listed]
    if builtin:
        out.append(f"Cows built into {program}:\n{_wrapped_names(builtin)}\n")
    return "".join(out)
