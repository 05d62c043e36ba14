"""Saying the words: where they come from, the Dagster session, the picture, the exit status.

`run(request)` is what the command does once its options are parsed into a `Request`; every
failure ends as one line on stderr and a documented exit status (`failures.report`; a traceback
too with ``--verbose``).
"""

from __future__ import annotations

import sys

from ferris_says import characters, failures, streams
from ferris_says.bubble import (
    SAY_BORDERS,
    THINK_BORDERS,
    bubble_lines,
    default_width,
    iter_bubble,
)
from ferris_says.color import color_decision, decoration_allowed, paint_mascot
from ferris_says.errors import (
    EXIT_OK,
    VALUE_SHOWN,
    FerrisOutputError,
    FerrisUsageError,
    shown,
)
from ferris_says.pipes import launched_by_dagster, pipes_session
from ferris_says.request import COWSAY_BUBBLE, DEFAULT_REQUEST, Request

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ferris_says.bubble import Borders
    from ferris_says.pipes.metadata import PictureCopy
    from ferris_says.pipes.session import FerrisPipesSession

NOTHING_TO_SAY = (
    "nothing to say: give WORDS, `-` or --files, or pipe text in (see ferris-says --help)"
)


def trace(verbose: bool, message: str) -> None:
    if verbose:  # one bounded line with control characters escaped, as error lines are
        streams.write_trace(message)


def _byte_count(text: str) -> str:
    return f"{default_width(text)} bytes"


def reads_stdin(request: Request) -> bool:
    """Whether the words may come from stdin: `-` alone, or nothing to say and not launched by
    Dagster (whose stdin is inherited and nobody writes to)."""
    if request.files:
        return False
    return list(request.words) == ["-"] or (
        not request.words and not request.pipes_from_command_line and not launched_by_dagster()
    )


def open_inputs(request: Request) -> None:
    """Open every file the words and the look come from before anything is written: a Dagster
    session's messages must be none of them (`inputs.RUN_FILES`). Each is read later, where it
    was read before; a file that cannot be opened fails there too (after `opened`)."""
    if not (request.files or request.asks_for_a_look or reads_stdin(request)):
        return  # words on the command line: no file at all
    from ferris_says import inputs  # the inputs' path starts here

    for path in request.files:
        inputs.prepare(path, inputs.WORDS, files_where(path))
    if reads_stdin(request) and sys.stdin is not None:
        # contextlib.suppress would load contextlib on every start: the plain path avoids it.
        try:  # noqa: SIM105
            inputs.RUN_FILES.add_fd(sys.stdin.fileno(), "stdin")
        except (AttributeError, ValueError, OSError):  # no descriptor behind sys.stdin
            pass
    if request.asks_for_a_look:
        from ferris_says import looks

        looks.prepare(looks.look_of(request))


def files_where(path: str) -> str:
    return f"--files {streams.show_path(path)}"


def forget_inputs() -> None:
    """A run starts with no file read (an embedder, a test, may run several in one process);
    the module is loaded only on the paths that read files."""
    inputs = sys.modules.get("ferris_says.inputs")
    if inputs is not None:
        inputs.RUN_FILES.clear()


def gather_texts(request: Request, session: FerrisPipesSession | None) -> list[str]:
    """What to say, one text per picture, following fsays (and never hanging).

    Words: joined with one space. --files: each file's whole content, one picture each, read
    before anything is written. `-` as the only word: stdin. No words: Dagster's extras when a
    session has them; under Dagster and nothing there, a usage error (Dagster's stdin is
    inherited and nobody writes to it); otherwise stdin, unless it is a terminal. Files and
    stdin come through the input gate: at most `inputs.WORDS_MAX_BYTES` in all.
    """
    verbose = request.verbose
    words = list(request.words)
    if words and words != ["-"]:
        for word in words:
            streams.check_utf8_argument(word)
        trace(verbose, f"words: from the command line ({len(words)} argument(s))")
        return [" ".join(words)]
    from ferris_says import inputs  # the words come from files or stdin: the gate's path

    if request.files:
        texts = []
        read = 0
        for path in request.files:
            where = files_where(path)
            data = inputs.read_file(path, inputs.WORDS, where, before=read)
            read += len(data)
            text = inputs.decoded(data, where)
            trace(verbose, f"words: from file {streams.show_path(path)} ({_byte_count(text)})")
            texts.append(text)
        return texts
    if words == ["-"]:
        text = inputs.decoded(inputs.read_stdin(), "stdin")
        trace(verbose, f"words: from stdin, as `-` asks ({_byte_count(text)})")
        return [text]
    if session is not None and session.extras_words is not None:
        trace(verbose, 'words: from the Dagster run\'s extras={"words": ...}')
        return [session.extras_words]
    if session is not None and session.launched_by_dagster:
        raise FerrisUsageError(
            'nothing to say: launched by Dagster with no WORDS and no extras={"words": ...}'
        )
    if sys.stdin is None:
        raise FerrisUsageError("nothing to say: no WORDS, and stdin is closed")
    if streams.stdin_is_terminal():
        raise FerrisUsageError(NOTHING_TO_SAY)
    text = inputs.decoded(inputs.read_stdin(), "stdin")
    trace(verbose, f"words: from stdin, which is not a terminal ({_byte_count(text)})")
    return [text]


def speak(request: Request) -> None:
    """Say what ``request`` asks; failures are raised, `run` reports them."""
    if request.files and request.words:
        raise FerrisUsageError("give WORDS or --files, not both")
    verbose, width = request.verbose, request.width
    character = request.character or characters.DEFAULT_CHARACTER
    forget_inputs()
    open_inputs(request)
    colored, why = color_decision(request.color, streams.stdout_is_terminal())
    # Traced once the session is open: it refuses a messages file that is stderr first.
    options = (
        f"width: {width if width is not None else 'the words UTF-8 byte length'}; "
        f"character: {character}; colour: {'on' if colored else 'off'} ({why})"
    )

    with pipes_session(request) as session:
        trace(verbose, options)
        if session is None:
            trace(
                verbose,
                "Dagster: no DAGSTER_PIPES_* variables and no ./fake_temp/, nothing to report",
            )
            if request.asset_key is not None:
                trace(
                    verbose,
                    f"--asset-key {shown(request.asset_key, VALUE_SHOWN)} ignored:"
                    " there is no Dagster run",
                )
        else:
            for line in session.describe():
                trace(verbose, line)
            if (request.words or request.files) and session.has_extras_words:
                trace(
                    verbose,
                    'the run\'s extras={"words": ...} are not used: WORDS or --files were given',
                )
        if sys.stdout is None:  # `>&-`: fail before reading stdin, and tell Dagster why
            raise FerrisOutputError("stdout is closed: nowhere to print the picture")
        # An unknown name or a bad .cow file fails before stdin is read.
        if session is None and not request.asks_for_a_look:
            mascot, borders = characters.mascot(character), SAY_BORDERS
        else:
            # cowsay's options (the click path has loaded looks) or a Dagster run's extras.
            from ferris_says import looks

            look = looks.look_of(request)
            if session is not None and session.context is not None:
                look = looks.look_with_extras(look, session.context.extras)
            drawing = looks.draw(look)
            mascot, borders = drawing.mascot, drawing.borders
            if drawing.mode or drawing.character != character:  # what the first line did not say
                trace(verbose, f"drawn: {drawing.character}, mode {drawing.mode or 'none'}")
        texts = gather_texts(request, session)
        if session is None:
            draw(texts, request, mascot, borders)
        else:
            from ferris_says.pipes.reports import speak_and_report  # dagster-pipes is loaded

            speak_and_report(
                session,
                "\n".join(texts),
                lambda copy: draw(texts, request, mascot, borders, copy),
                drawn={"character": drawing.character, "mode": drawing.mode or "none"},
            )


def bubbles(texts: list[str], request: Request, borders: Borders) -> list[Iterable[str]]:
    """Each text's bubble, from the top border to the bottom one, wrapped (and so checked)
    before anything is written: the crate's, or with ``--bubble cowsay`` Perl cowsay's at
    ``--width`` (40 by default), whose bottom border ends its line."""
    if request.bubble != COWSAY_BUBBLE:
        return [iter_bubble(bubble_lines(text, request.width), borders) for text in texts]
    from ferris_says import attributes, cowsay_bubble  # the cowsay bubble starts here

    columns = cowsay_bubble.DEFAULT_COLUMNS if request.width is None else request.width
    attributes.check_bubble_width(request.bubble, columns)
    # Words are one line of cowsay's message; stdin and files are their lines, as cowsay reads.
    from_words = bool(request.words) and request.words != ("-",)
    messages = [[text] if from_words else cowsay_bubble.stdin_message(text) for text in texts]
    thinking = borders == THINK_BORDERS
    return [
        cowsay_bubble.balloon(cowsay_bubble.message_lines(message, columns), thinking)
        for message in messages
    ]


def draw(
    texts: list[str],
    request: Request,
    mascot: str,
    borders: Borders = SAY_BORDERS,
    copy: PictureCopy | None = None,
) -> None:
    """Stream one picture per text to stdout; `copy`, if given, sees every uncoloured piece.

    Every text is wrapped (and so checked) before the first byte is written; the padded lines
    are made one at a time as they are written, so memory follows the texts, not the picture.
    The mascot is in Rust orange when colour is on; --rainbow, --bold and --aurora colour the
    whole picture instead (unless --color never or NO_COLOR).
    """
    pictures = bubbles(texts, request, borders)
    if request.bubble == COWSAY_BUBBLE:
        mascot = mascot[1:]  # cowsay's bottom border ends its own line
    decorated = bool(request.styles) and decoration_allowed(request.color)
    colored, _ = color_decision(request.color, streams.stdout_is_terminal())
    shown_mascot = paint_mascot(mascot) if colored and not decorated else mascot

    def pieces() -> Iterator[str]:
        for bubble in pictures:
            for piece in bubble:
                if copy is not None:
                    copy.add(piece)
                yield piece
            if copy is not None:
                copy.add(mascot)
            yield shown_mascot

    if decorated:
        from ferris_says.decorate import decorate

        streams.write_stdout(decorate(pieces(), request.styles))
    else:
        streams.write_stdout(pieces())


def run(request: Request = DEFAULT_REQUEST) -> int:
    """Say what ``request`` asks; report any failure as one line on stderr; return the status."""
    try:
        speak(request)
    except (Exception, KeyboardInterrupt) as error:  # KeyboardInterrupt: Ctrl-C outside a session
        return failures.report(error, request.color, request.verbose)
    return EXIT_OK
