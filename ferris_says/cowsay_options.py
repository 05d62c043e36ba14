"""The drop-in's command line: one table of options, and how Perl cowsay 3.03 reads them.

`OPTIONS` makes the getopts spec, `--help`, -h's usage lines, the man page and the shell
completion; `parse` reads a command line with `getopts` (Getopt::Std's rules: bundling, values
attached or not, the first word ends the options, ``Unknown option: X`` and on) into a
`CowsayRequest`. Pure: nothing is printed here (`cowsay_cli` prints, `cowsay_run` draws).
"""

from __future__ import annotations

from ferris_says import __version__, environment
from ferris_says.getopts import getopts
from ferris_says.streams import check_utf8_argument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

COWSAY = "ferris-cowsay"
COWTHINK = "ferris-cowthink"
#: The Perl cowsay the drop-in follows.
COWSAY_VERSION = "3.03"


class Option:
    """One option of the drop-in: its name (``-b``, ``--rainbow``), the name of its value (None:
    a flag) and what it does, for --help, the man page and completion."""

    __slots__ = ("name", "metavar", "help")

    def __init__(self, name: str, metavar: str | None, help: str):
        self.name = name
        self.metavar = metavar
        self.help = help

    @property
    def letter(self) -> str:
        return self.name[1]


#: Every option, in Perl's getopts order (`bde:f:ghlLnNpstT:wW:y`), then ferris-cowsay's long ones.
OPTIONS = (
    Option("-b", None, "Borg mode: eyes ==."),
    Option("-d", None, "Dead: eyes xx, tongue U."),
    Option("-e", "EYES", "The eyes: the first two characters of EYES (default oo)."),
    Option(
        "-f",
        "COWFILE",
        "The cow: a name looked up in COWPATH, then in cowsay's directories, then the built-in "
        "default; or a path to a .cow file (holding a /). Read, never run.",
    ),
    Option("-g", None, "Greedy: eyes $$."),
    Option("-h", None, "Print cowsay's usage lines on stderr and exit with status 2, as cowsay."),
    Option("-l", None, "List the cows of each directory, then the built-in ones, and exit."),
    Option("-L", None, "Accepted and ignored, as cowsay does."),
    Option(
        "-n",
        None,
        "Keep stdin's lines as they are, tabs expanded: no wrapping. Takes no words.",
    ),
    Option("-N", None, "Accepted and ignored, as cowsay does."),
    Option("-p", None, "Paranoid: eyes @@."),
    Option("-s", None, "Stoned: eyes **, tongue U."),
    Option("-t", None, "Tired: eyes --."),
    Option("-T", "TONGUE", "The tongue: the first two characters of TONGUE (default two spaces)."),
    Option("-w", None, "Wired: eyes OO."),
    Option(
        "-W",
        "COLUMN",
        "Wrap the words before COLUMN, a whole number from 2 (default 40); a wide character "
        "takes two columns.",
    ),
    Option("-y", None, "Youthful: eyes ..."),
    Option("--random", None, "A random cow, from every directory and the built-in cast."),
    Option("--bold", None, "Bold, as Neo-cowsay draws it."),
    Option("--rainbow", None, "Each character in turn in the 16-colour cycle, as Neo-cowsay."),
    Option("--aurora", None, "256-colour waves from a random start, as Neo-cowsay."),
    Option("--help", None, "Print this help and exit."),
    Option("--version", None, "Print the version and exit."),
)
#: Perl's getopts spec, from the table (a letter, then `:` when it takes a value).
SPEC = "".join(
    option.letter + (":" if option.metavar else "")
    for option in OPTIONS
    if not option.name.startswith("--")
)
LONG_OPTIONS = frozenset(option.name for option in OPTIONS if option.name.startswith("--"))
#: The letters of the modes, in the order their faces are applied.
MODE_LETTERS = "bdgpstwy"
STYLE_OPTIONS = {"--aurora": "aurora", "--rainbow": "rainbow", "--bold": "bold"}

ENVIRONMENT = (
    (environment.COWPATH, "colon-separated directories searched for -f NAME before cowsay's own"),
    (environment.NO_COLOR, "non-empty: no colour, whatever --rainbow, --bold or --aurora ask"),
    (environment.SEED, "makes --random and --aurora the same each time"),
)
EXIT_STATUS = (
    "0 the cow spoke, or -l listed the cows; 1 runtime error (stdin or a .cow file that cannot "
    "be read, stdout closed or full); 2 usage error (a cow not found, a .cow file outside what "
    "is read, -h, -n with words, a bad -W); 130 / 143 interrupted by SIGINT / SIGTERM. An "
    "unknown option is a warning, as in cowsay: `Unknown option: X`, and the cow still speaks."
)


def summary(program: str) -> str:
    verb = "thinks" if program == COWTHINK else "says"
    return f"a cow {verb} your words, byte for byte as Perl cowsay {COWSAY_VERSION} draws them"


def usage_lines(program: str) -> str:
    """What -h prints, as cowsay's usage does (with ferris-cowsay's long options)."""
    indent = " " * 10
    return (
        f"{program} {__version__}: Perl cowsay {COWSAY_VERSION}'s command line"
        f" (more: {program} --help)\n"
        f"Usage: {program} [-bdgpstwy] [-h] [-e eyes] [-f cowfile] [--random]\n"
        f"{indent}[-l] [-n] [-T tongue] [-W wrapcolumn]\n"
        f"{indent}[--bold] [--rainbow] [--aurora] [message]\n"
    )


def option_label(option: Option) -> str:
    return option.name if option.metavar is None else f"{option.name} {option.metavar}"


def description(program: str) -> str:
    """What the command does, as --help and the man page say it."""
    think = program == COWTHINK
    return (
        f"Print a cow {'thinking' if think else 'saying'} MESSAGE, byte for byte as Perl "
        f"{'cowthink' if think else 'cowsay'} {COWSAY_VERSION} draws it: the words joined with "
        "one space, or stdin's lines when there are none; wrapped at column 40 as Text::Wrap "
        "fills it (a wide character takes two columns). The options are cowsay's, read as "
        "cowsay reads them (-bd, -W40, options before the words); .cow files are read, never "
        "run."
    )


def help_text(program: str) -> str:
    """--help: what the command does, every option from the table, the environment, the exit
    status."""
    lines = [f"Usage: {program} [OPTIONS] [MESSAGE]...", ""]
    lines += _hanging("", description(program), 0)
    lines += ["", "Options:"]
    width = max(len(option_label(option)) for option in OPTIONS) + 2
    for option in OPTIONS:
        lines += _hanging(option_label(option), option.help, width)
    lines += ["", "Environment:"]
    width = max(len(name) for name, _ in ENVIRONMENT) + 2
    for name, meaning in ENVIRONMENT:
        lines += _hanging(name, meaning, width)
    lines += ["", "Exit status:"]
    lines += _hanging("", EXIT_STATUS, 2)
    return "\n".join(lines) + "\n"


def _hanging(label: str, text: str, indent: int, columns: int = 79) -> list[str]:
    """`label` then `text` filled to `columns`, the lines after the first indented."""
    lines: list[str] = []
    line = f"  {label}".ljust(indent + 2)
    for word in text.split():
        if len(line) + 1 + len(word) > columns and line.strip():
            lines.append(line.rstrip())
            line = " " * (indent + 2)
        line += word if line.endswith(" ") else " " + word
    lines.append(line.rstrip())
    return lines


class CowsayRequest:
    """What the drop-in's command line asks for, once parsed (see `parse`)."""

    __slots__ = (
        "program",
        "think",
        "words",
        "eyes",
        "tongue",
        "modes",
        "cowfile",
        "columns",
        "keep",
        "list_cows",
        "usage",
        "random",
        "styles",
        "warnings",
        "help",
        "version",
    )

    def __init__(self, program: str, think: bool) -> None:
        self.program = program
        self.think = think
        self.words: list[str] = []
        self.eyes: str | None = None
        self.tongue: str | None = None
        self.modes = ""
        #: -f's value (None: not given); "" when -f ended the command line, as in Perl.
        self.cowfile: str | None = None
        #: -W's text as given (None: not given); `cowsay_run.columns` reads it when wrapping.
        self.columns: str | None = None
        self.keep = False
        self.list_cows = False
        self.usage = False
        self.random = False
        self.styles: tuple[str, ...] = ()
        #: getopts' `Unknown option: X` lines, in order; --help and --version asked.
        self.warnings: list[str] = []
        self.help = False
        self.version = False


def parse(program: str, args: Sequence[str]) -> CowsayRequest:
    """The request `args` make, read as Perl's getopts reads them (cowsay's warnings kept in
    order in `warnings`, for the command to print)."""
    parsed = getopts(SPEC, args, LONG_OPTIONS)
    options = parsed.options
    request = CowsayRequest(program, think=program == COWTHINK)
    request.warnings = parsed.warnings
    request.help = "--help" in parsed.long
    request.version = "--version" in parsed.long
    request.words = [checked(word) for word in parsed.words]

    def value(letter: str) -> str | None:
        if letter not in options:
            return None
        given = options[letter]
        # Perl leaves an option whose value is missing undefined, which it reads as "".
        return checked(given) if isinstance(given, str) else ""

    request.eyes, request.tongue = value("e"), value("T")
    request.cowfile = value("f")
    request.columns = None if "W" not in options else value("W") or ""
    request.modes = "".join(letter for letter in MODE_LETTERS if options.get(letter))
    request.keep = bool(options.get("n"))
    request.list_cows = bool(options.get("l"))
    request.usage = bool(options.get("h"))
    request.random = "--random" in parsed.long
    request.styles = tuple(STYLE_OPTIONS[name] for name in parsed.long if name in STYLE_OPTIONS)
    return request


def checked(argument: str) -> str:
    """An argument, refused in one line unless it is UTF-8 (as every ferris-says command)."""
    check_utf8_argument(argument)
    return argument


