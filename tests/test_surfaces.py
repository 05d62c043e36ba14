"""Every input surface x a table of hostile values: one bounded line, a documented exit code.

The surfaces are read from the code: the click command's parameters, the variables of
`ferris_says.environment` (and every ``os.environ`` read of the package must be one of them),
the Pipes extras keys (`looks.EXTRAS_KEYS` and ``words``), the keys of the Pipes params
(`pipes.params`) and of the context (`pipes.sources.CONTEXT_DEFAULTS`), and show_messages'
argument. Each family's table says how a surface is given a value; a surface the code has and
the table does not (a new option, variable or key) fails `test_every_surface_is_in_its_table`.

Each surface gets every value of `surfaces.HOSTILE` (NUL, a lone surrogate, bytes that are not
UTF-8, 1 MiB, 10,000-deep nesting, a 5,000-digit number, a FIFO, /dev/zero, a directory, empty),
and a surface that names a file also gets a file holding the value. Every outcome must be a
normal run or one bounded error line with a documented exit code: no traceback, no
``unexpected``, no hang. The failing cells are listed together, in one assertion.

The component's attributes are one more family (`FAMILIES`): its ``found`` reads the
component's model, its ``run`` materializes the component in real Dagster.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import click
import pytest
from support.run_command import encode as encode_json
from support.surface_table import (
    Cell,
    Delivery,
    Family,
    Hostile,
    Invocation,
    Outcome,
    encode,
    judge,
    run_forked,
    run_from_scratch,
)

from ferris_says import environment, looks, show_messages
from ferris_says.command import cli
from ferris_says.pipes import params as pipes_params
from ferris_says.pipes.sources import CONTEXT_DEFAULTS

PACKAGE = Path(looks.__file__).resolve().parent

#: A Dagster run that works: the context of one asset, the messages to a file.
PIPES_ENV = {
    environment.PIPES_CONTEXT.encode(): encode_json({"data": {"asset_keys": ["ferris"]}}).encode(),
    environment.PIPES_MESSAGES.encode(): encode_json({"path": "m.json"}).encode(),
}
WORDS = (b"hi",)


def _cells(
    family: str,
    surface: str,
    value: Hostile,
    make: Callable[[bytes], Invocation] | None = None,
    file: Callable[[bytes], Invocation] | None = None,
    verbose: bool = False,
) -> list[Cell]:
    """The value form (``make(raw)``, or None when the value has no raw form: NUL), and the
    file form (``file(content)``) for a surface that names a file."""
    cells = []
    if make is not None:
        invocation = None if value.raw is None else make(value.raw)
        cells.append(Cell(family, surface, value.name, "value", invocation, verbose))
    if file is not None and value.content is not None:
        cells.append(Cell(family, surface, value.name, "file", file(value.content), verbose))
    return cells


# ---- the command line -----------------------------------------------------------------------


def option_surfaces() -> set[str]:
    """Every parameter of the click command, by its longest name (WORDS for the argument)."""
    params = cli.get_params(click.Context(cli, **cli.context_settings))
    return {"WORDS" if isinstance(p, click.Argument) else max(p.opts, key=len) for p in params}


def with_value(
    option: str, after: tuple[bytes, ...] = WORDS, env: dict[bytes, bytes] | None = None
) -> Delivery:
    def deliver(value: Hostile) -> list[Cell]:
        return _cells(
            "option",
            option,
            value,
            lambda raw: Invocation((option.encode(), raw, *after), env or {}),
        )

    return deliver


def flag(option: str) -> Delivery:
    """A flag takes no value: the value is the words it is given with."""

    def deliver(value: Hostile) -> list[Cell]:
        verbose = option == "--verbose"
        return _cells(
            "option", option, value, lambda raw: Invocation((option.encode(), raw)), verbose=verbose
        )

    return deliver


def words(value: Hostile) -> list[Cell]:
    return _cells("option", "WORDS", value, lambda raw: Invocation((raw,)))


def files_option(value: Hostile) -> list[Cell]:
    return _cells(
        "option",
        "--files",
        value,
        lambda raw: Invocation((b"--files", raw)),
        lambda content: Invocation((b"--files", b"in.txt"), files={"in.txt": content}),
    )


def character_option(value: Hostile) -> list[Cell]:
    """A name, a path (a value holding a /), and a .cow file holding the value."""
    cells = _cells(
        "option",
        "--character",
        value,
        lambda raw: Invocation((b"--character", raw, *WORDS)),
        lambda content: Invocation((b"--character", b"./x.cow", *WORDS), files={"x.cow": content}),
    )
    path = None if value.raw is None else Invocation((b"--character", b"./" + value.raw, *WORDS))
    return [*cells, Cell("option", "--character", value.name, "path", path)]


def pipes_argument(option: str) -> Delivery:
    """One of the two Pipes arguments hostile, the other one sound."""
    other = (
        "--dagster-pipes-messages"
        if option == "--dagster-pipes-context"
        else "--dagster-pipes-context"
    )
    sound = {
        "--dagster-pipes-context": encode_json({"data": {"asset_keys": ["ferris"]}}),
        "--dagster-pipes-messages": encode_json({"path": "m.json"}),
    }[other].encode()

    def deliver(value: Hostile) -> list[Cell]:
        return _cells(
            "option",
            option,
            value,
            lambda raw: Invocation((option.encode(), raw, other.encode(), sound, *WORDS)),
        )

    return deliver


OPTIONS: dict[str, Delivery] = {
    "WORDS": words,
    "--files": files_option,
    "--width": with_value("--width"),
    "--character": character_option,
    "--think": flag("--think"),
    "--eyes": with_value("--eyes"),
    "--tongue": with_value("--tongue"),
    "--mode": with_value("--mode"),
    **{f"-{letter}": flag(f"-{letter}") for letter in looks.MODE_LETTERS},
    "--random": flag("--random"),
    "--list-characters": flag("--list-characters"),
    "--bubble": with_value("--bubble"),
    "--color": with_value("--color"),
    "--rainbow": flag("--rainbow"),
    "--bold": flag("--bold"),
    "--aurora": flag("--aurora"),
    # Under Dagster, where the key is looked up (without Dagster it is ignored).
    "--asset-key": with_value("--asset-key", env=PIPES_ENV),
    "--dagster-pipes-context": pipes_argument("--dagster-pipes-context"),
    "--dagster-pipes-messages": pipes_argument("--dagster-pipes-messages"),
    "--pipes-store": with_value("--pipes-store", env=PIPES_ENV),
    "--verbose": flag("--verbose"),
    "--version": flag("--version"),
    "--help": flag("--help"),
}


# ---- the environment --------------------------------------------------------------------------


def env_cell(
    name: str,
    argv: tuple[bytes, ...] = WORDS,
    companions: dict[bytes, bytes] | None = None,
    file: Callable[[bytes], Invocation] | None = None,
    entry: str = "ferris-says",
) -> Delivery:
    def deliver(value: Hostile) -> list[Cell]:
        return _cells(
            "variable",
            name,
            value,
            lambda raw: Invocation(argv, {**(companions or {}), name.encode(): raw}, entry=entry),
            file,
        )

    return deliver


#: An error line in colour: rich reads the terminal's variables then.
COLOURED_ERROR = (b"--color", b"always", b"-c", b"nobody", *WORDS)
BUCKET_CONTEXT = {
    environment.PIPES_CONTEXT.encode(): encode_json({"bucket": "b", "key": "k"}).encode(),
    environment.PIPES_MESSAGES.encode(): encode_json({"path": "m.json"}).encode(),
}
COMPLETING = environment.COMPLETE.encode()

VARIABLES: dict[str, Delivery] = {
    environment.NO_COLOR: env_cell(environment.NO_COLOR, (b"-c", b"nobody", *WORDS)),
    environment.FORCE_COLOR: env_cell(environment.FORCE_COLOR, (b"-c", b"nobody", *WORDS)),
    environment.TERM: env_cell(environment.TERM, COLOURED_ERROR),
    environment.COWPATH: env_cell(
        environment.COWPATH,
        (b"-c", b"x", *WORDS),
        file=lambda content: Invocation(
            (b"-c", b"x", *WORDS),
            {environment.COWPATH.encode(): b"./cows"},
            {"cows/x.cow": content},
        ),
    ),
    environment.SEED: env_cell(environment.SEED, (b"--random", *WORDS)),
    environment.PIPES_STORE: env_cell(environment.PIPES_STORE, companions=BUCKET_CONTEXT),
    environment.PIPES_CONTEXT: env_cell(
        environment.PIPES_CONTEXT,
        companions={
            environment.PIPES_MESSAGES.encode(): PIPES_ENV[environment.PIPES_MESSAGES.encode()]
        },
    ),
    environment.PIPES_MESSAGES: env_cell(
        environment.PIPES_MESSAGES,
        companions={
            environment.PIPES_CONTEXT.encode(): PIPES_ENV[environment.PIPES_CONTEXT.encode()]
        },
    ),
    # Each command's own completion request, given to that command.
    **{
        variable: env_cell(variable, (), entry=program)
        for program, variable in environment.COMPLETE_VARIABLES.items()
    },
    environment.COMP_WORDS: env_cell(
        environment.COMP_WORDS,
        (),
        {COMPLETING: b"bash_complete", environment.COMP_CWORD.encode(): b"1"},
    ),
    environment.COMP_CWORD: env_cell(
        environment.COMP_CWORD,
        (),
        {COMPLETING: b"bash_complete", environment.COMP_WORDS.encode(): b"ferris-says -c "},
    ),
    # The stores' settings: read once the store's SDK is loaded (absent from `make test`'s
    # virtualenv: there the cell checks the line that says so).
    environment.AZURE_CONNECTION_STRING: env_cell(
        environment.AZURE_CONNECTION_STRING, (b"--pipes-store", b"azure", *WORDS), BUCKET_CONTEXT
    ),
    environment.AZURE_ACCOUNT_URL: env_cell(
        environment.AZURE_ACCOUNT_URL, (b"--pipes-store", b"azure", *WORDS), BUCKET_CONTEXT
    ),
    environment.AWS_MAX_ATTEMPTS: env_cell(
        environment.AWS_MAX_ATTEMPTS, (b"--pipes-store", b"s3", *WORDS), BUCKET_CONTEXT
    ),
    environment.AWS_RETRY_MODE: env_cell(
        environment.AWS_RETRY_MODE, (b"--pipes-store", b"s3", *WORDS), BUCKET_CONTEXT
    ),
    **{name: env_cell(name, COLOURED_ERROR) for name in environment.RICH_VARIABLES},
}


#: The input gate's readers of the environment (ferris_says.inputs): a call of one is a read.
GATE_READERS = ("environ", "environ_bytes")


def _gate_read(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return func.attr in GATE_READERS and ast.unparse(func.value).endswith("inputs")
    return isinstance(func, ast.Name) and func.id in GATE_READERS


def _environ_uses(tree: ast.Module) -> list[tuple[ast.AST, ast.expr | None]]:
    """(node, the variable's name expression or None) for every use of os.environ / getenv."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def is_environ(node: ast.AST, aliases: set[str]) -> bool:
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb"):
            return isinstance(node.value, ast.Name) and node.value.id == "os"
        return isinstance(node, ast.Name) and node.id in aliases

    aliases = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and is_environ(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    uses: list[tuple[ast.AST, ast.expr | None]] = []
    # The input gate's own read (inputs.environ) takes the name as its argument: its callers are
    # the reads, named by what they pass.
    gate = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name in GATE_READERS
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        parent = parents.get(node)
        if id(node) in gate:
            continue
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "os.getenv":
            uses.append((node, node.args[0] if node.args else None))
        if isinstance(node, ast.Call) and _gate_read(node.func):
            uses.append((node, node.args[0] if node.args else None))
        if not is_environ(node, aliases) or isinstance(parent, ast.Assign):
            continue
        key: ast.expr | None = None
        if isinstance(parent, ast.Attribute) and isinstance(parents.get(parent), ast.Call):
            call = parents[parent]
            assert isinstance(call, ast.Call)
            key = call.args[0] if call.args and parent.attr in ("get", "pop") else None
        elif isinstance(parent, ast.Subscript):
            key = parent.slice
        elif isinstance(parent, ast.Compare) and node in parent.comparators:
            key = parent.left
        uses.append((node, key))
    return uses


class Constants:
    """Module-level string constants of the package, followed through its imports."""

    def __init__(self) -> None:
        self.trees: dict[str, ast.Module] = {
            ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(
                ".__init__"
            ): ast.parse(path.read_text(encoding="utf-8"))
            for path in PACKAGE.rglob("*.py")
        }

    def resolve(self, module: str, expr: ast.AST | None, depth: int = 0) -> str | None:
        """The string a constant, a name or a module's attribute stands for, if it is one."""
        if expr is None or depth > 10:
            return None
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        assigned = self._assigned(module, expr)
        return None if assigned is None else self.resolve(*assigned, depth + 1)

    def resolve_all(self, module: str, expr: ast.AST | None) -> list[str] | None:
        """Like `resolve`, and a constant dict indexed by anything (``VARIABLES[program]``)
        names every value it holds."""
        if isinstance(expr, ast.Subscript):
            table = self._assigned(module, expr.value)
            if isinstance(table, tuple) and isinstance(table[1], ast.Dict):
                names = [self.resolve(table[0], value) for value in table[1].values]
                return None if None in names else [name for name in names if name is not None]
            return None
        name = self.resolve(module, expr)
        return None if name is None else [name]

    def _assigned(self, module: str, expr: ast.AST, depth: int = 0) -> tuple[str, ast.AST] | None:
        """(module, value) of the module-level assignment a name or module attribute refers to."""
        if depth > 10:
            return None
        tree = self.trees[module]
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            imported = self._imported(tree, expr.value.id)
            if imported is not None and imported in self.trees:
                return self._assigned(imported, ast.Name(expr.attr), depth + 1)
            return None
        if not isinstance(expr, ast.Name):
            return None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == expr.id for t in node.targets
            ):
                return module, node.value
            if isinstance(node, ast.ImportFrom) and node.module in self.trees:
                for alias in node.names:
                    if (alias.asname or alias.name) == expr.id:
                        return self._assigned(node.module, ast.Name(alias.name), depth + 1)
        return None

    @staticmethod
    def _imported(tree: ast.Module, name: str) -> str | None:
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        return f"{node.module}.{alias.name}"
        return None


def environment_reads() -> tuple[set[str], list[str]]:
    """(the variables the package's source reads, the reads whose variable cannot be named)."""
    constants = Constants()
    found: set[str] = set()
    unnamed: list[str] = []
    for module, tree in constants.trees.items():
        for node, key in _environ_uses(tree):
            names = constants.resolve_all(module, key)
            if names is None:
                unnamed.append(f"{module}:{getattr(node, 'lineno', '?')}")
            else:
                found.update(names)
    return found, unnamed


def variable_surfaces() -> set[str]:
    return set(environment.VARIABLES) | environment_reads()[0]


# ---- Dagster's extras, params and context -------------------------------------------------------


#: Where the value goes in a params' or context's JSON text.
VALUE = "VALUE"
SOUND_CONTEXT = '{"data": {"asset_keys": ["ferris"]}}'
SOUND_MESSAGES = '{"path": "m.json"}'


def pipes_cell(
    family: str,
    surface: str,
    context: str = SOUND_CONTEXT,
    messages: str = SOUND_MESSAGES,
    argv: tuple[bytes, ...] = WORDS,
    file_name: str | None = None,
    as_path: bool = False,
) -> Delivery:
    """``context`` and ``messages`` are the params' JSON texts, VALUE where the value goes;
    ``file_name``: the surface names a file, which the file form fills with the value;
    ``as_path``: the surface takes a name or a path, and gets the value as both."""

    def invocation(json_value: str, files: dict[str, bytes] | None = None) -> Invocation:
        env = {
            environment.PIPES_CONTEXT.encode(): encode(context.replace(VALUE, json_value)),
            environment.PIPES_MESSAGES.encode(): encode(messages.replace(VALUE, json_value)),
        }
        return Invocation(argv, env, files or {})

    def deliver(value: Hostile) -> list[Cell]:
        cells = [Cell(family, surface, value.name, "value", invocation(value.json))]
        if as_path and value.json.startswith('"'):  # a name, and a path: the text after ./
            path = invocation('"./' + value.json[1:])
            cells.append(Cell(family, surface, value.name, "path", path))
        if file_name is not None and value.content is not None:
            files = {file_name: value.content}
            cells.append(
                Cell(family, surface, value.name, "file", invocation(f'"{file_name}"', files))
            )
        return cells

    return deliver


def extras_surfaces() -> set[str]:
    return {*looks.EXTRAS_KEYS, "words"}


def extras_cell(key: str, file_name: str | None = None) -> Delivery:
    extras = f'{{"data": {{"asset_keys": ["ferris"], "extras": {{"{key}": {VALUE}}}}}}}'
    argv = () if key == "words" else WORDS  # no WORDS: the extras' words are said
    as_path = file_name is not None
    return pipes_cell("extras", key, extras, argv=argv, file_name=file_name, as_path=as_path)


EXTRAS: dict[str, Delivery] = {
    "words": extras_cell("words"),
    "character": extras_cell("character", file_name="./x.cow"),
    "mode": extras_cell("mode"),
    "eyes": extras_cell("eyes"),
    "tongue": extras_cell("tongue"),
    "think": extras_cell("think"),
}


def params_surfaces() -> set[str]:
    context = {*pipes_params.CONTEXT_FORMS, pipes_params.CONTEXT_BUCKET_KEY}
    messages = {
        *pipes_params.MESSAGES_FORMS,
        *pipes_params.MESSAGES_OPTIONS,
        pipes_params.MESSAGES_BUCKET_PREFIX,
    }
    return {f"context.{key}" for key in context} | {f"messages.{key}" for key in messages}


def context_params(surface: str, context: str, file_name: str | None = None) -> Delivery:
    return pipes_cell("params", surface, context=context, file_name=file_name)


def messages_params(surface: str, messages: str, file_name: str | None = None) -> Delivery:
    return pipes_cell("params", surface, messages=messages, file_name=file_name)


PARAMS: dict[str, Delivery] = {
    "context.path": context_params("context.path", '{"path": VALUE}', "ctx.json"),
    "context.data": context_params("context.data", '{"data": VALUE}'),
    "context.bucket": context_params("context.bucket", '{"bucket": VALUE, "key": "k"}'),
    "context.key": context_params("context.key", '{"bucket": "b", "key": VALUE}'),
    "messages.path": messages_params("messages.path", '{"path": VALUE}', "m.json"),
    "messages.stdio": messages_params("messages.stdio", '{"stdio": VALUE}'),
    "messages.buffered_stdio": messages_params(
        "messages.buffered_stdio", '{"buffered_stdio": VALUE}'
    ),
    "messages.bucket": messages_params("messages.bucket", '{"bucket": VALUE}'),
    "messages.key_prefix": messages_params(
        "messages.key_prefix", '{"bucket": "b", "key_prefix": VALUE}'
    ),
    "messages.include_stdio_in_messages": messages_params(
        "messages.include_stdio_in_messages",
        '{"path": "m.json", "include_stdio_in_messages": VALUE}',
    ),
    "messages.log_writer": messages_params(
        "messages.log_writer", '{"path": "m.json", "log_writer": VALUE}'
    ),
}


def context_surfaces() -> set[str]:
    return set(CONTEXT_DEFAULTS)


def context_cell(key: str) -> Delivery:
    if key == "asset_keys":
        return pipes_cell("context", key, '{"data": {"asset_keys": VALUE}}')
    return pipes_cell("context", key, f'{{"data": {{"asset_keys": ["ferris"], "{key}": {VALUE}}}}}')


CONTEXT: dict[str, Delivery] = {key: context_cell(key) for key in CONTEXT_DEFAULTS}


# ---- show_messages ------------------------------------------------------------------------------


def show_messages_surfaces() -> set[str]:
    """The arguments its usage names (``[FILE]``)."""
    return set(re.findall(r"\[([A-Z]+)\]", show_messages.USAGE))


def show_messages_file(value: Hostile) -> list[Cell]:
    return _cells(
        "show_messages",
        "FILE",
        value,
        lambda raw: Invocation((raw,), entry="show_messages"),
        lambda content: Invocation((b"m.json",), files={"m.json": content}, entry="show_messages"),
    )


SHOW_MESSAGES: dict[str, Delivery] = {"FILE": show_messages_file}


# ---- the families -------------------------------------------------------------------------------

#: Every family of input surfaces. The component's attributes join as one more Family, whose
#: ``found`` reads the component's model and whose ``run`` materializes it in real Dagster.
FAMILIES = [
    Family("option", option_surfaces, OPTIONS),
    Family("variable", variable_surfaces, VARIABLES),
    Family("extras", extras_surfaces, EXTRAS),
    Family("params", params_surfaces, PARAMS),
    Family("context", context_surfaces, CONTEXT),
    Family("show_messages", show_messages_surfaces, SHOW_MESSAGES),
]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_every_surface_is_in_its_table(family: Family) -> None:
    found = family.found()
    assert (sorted(found - set(family.table)), sorted(set(family.table) - found)) == ([], []), (
        f"{family.name}: (surfaces the code has and the table lacks, the table has and the code"
        " lacks)"
    )


def test_every_environment_read_is_a_registered_variable() -> None:
    found, unnamed = environment_reads()
    assert unnamed == [], "os.environ reads whose variable is not a constant"
    assert sorted(found - set(environment.VARIABLES)) == [], (
        "variables read but missing from ferris_says.environment.VARIABLES"
    )


def test_the_reads_scanner_finds_reads_in_every_form() -> None:
    source = (
        "import os\n"
        "from ferris_says import environment\n"
        "A = 'ALPHA'\n"
        "def f(name):\n"
        "    env = os.environ\n"
        "    os.environ.get(A); os.environ['BETA']; environment.SEED in env\n"
        "    os.getenv('GAMMA'); os.environ.get(name)\n"
        "    inputs.environ('DELTA'); inputs.environ_bytes(A)\n"
        "def environ(variable):\n"
        "    return os.environb.get(variable)\n"
        "TABLE = {'a': A, 'e': 'EPSILON'}\n"
        "def g(program, other):\n"
        "    os.environ.get(TABLE[program]); os.environ.get(other[program])\n"
    )
    tree = ast.parse(source)
    constants = Constants()
    constants.trees["probe"] = tree
    names = [constants.resolve_all("probe", key) for _, key in _environ_uses(tree)]
    assert sorted(map(str, names)) == sorted(
        map(str, [["ALPHA"], ["BETA"], [environment.SEED], ["GAMMA"], None, ["DELTA"], ["ALPHA"],
                  ["ALPHA", "EPSILON"], None])
    )  # fmt: skip


def all_cells() -> list[Cell]:
    return [cell for family in FAMILIES for cell in family.cells()]


def test_only_nul_cannot_be_given_as_an_argument_or_a_variable() -> None:
    missing = {(cell.value, cell.form) for cell in all_cells() if cell.invocation is None}
    assert missing == {("NUL", "value"), ("NUL", "path")}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Cell, Outcome]]:
    cells = [cell for cell in all_cells() if cell.invocation is not None]
    scratch = tmp_path_factory.mktemp("surfaces")
    # The families run by the same runner share its processes: the fork servers start once.
    by_runner: dict[Callable[[Sequence[Cell], Path], list[Outcome]], list[Cell]] = {}
    for family in FAMILIES:
        mine = [cell for cell in cells if cell.family == family.name]
        by_runner.setdefault(family.run or run_forked, []).extend(mine)
    results: dict[str, tuple[Cell, Outcome]] = {}
    for number, (run, mine) in enumerate(by_runner.items()):
        for cell, outcome in zip(mine, run(mine, scratch / f"runner{number}")):
            results[cell.name] = (cell, outcome)
    return results


def test_every_surface_takes_every_hostile_value_in_one_line(
    outcomes: dict[str, tuple[Cell, Outcome]],
) -> None:
    failing = [
        f"{name}: {problem}"
        for name, (cell, outcome) in sorted(outcomes.items())
        if (problem := judge(cell, outcome)) is not None
    ]
    assert not failing, f"{len(failing)} of {len(outcomes)} cells:\n" + "\n".join(failing)


def test_the_fork_server_runs_what_the_console_script_runs(
    outcomes: dict[str, tuple[Cell, Outcome]], tmp_path: Path
) -> None:
    """A sample of the cells (each family's, several values), run again from scratch."""
    # (Cells that hung are left out: the other test lists them, and each costs the timeout.)
    ran = [pair for pair in sorted(outcomes.items()) if pair[1][1].code is not None]
    sample = ran[::29]
    differ = []
    for number, (name, (cell, forked)) in enumerate(sample):
        assert cell.invocation is not None
        directory = tmp_path / f"case{number}"
        fresh = run_from_scratch(cell.invocation, directory)
        if (fresh.code, fresh.stderr.replace(bytes(fresh.cwd), b"DIR")) != (
            forked.code,
            forked.stderr.replace(bytes(forked.cwd), b"DIR"),
        ):
            seen = [(run.code, run.stderr[:200]) for run in (fresh, forked)]
            differ.append(f"{name}: {seen[0]!r} from scratch, {seen[1]!r} forked")
    assert len(sample) >= 20
    assert not differ, "\n".join(differ)
