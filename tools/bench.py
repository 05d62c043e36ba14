"""`make bench`: speed and memory of whole `ferris-says` processes, next to the Rust crate's.

Numbers, not pass/fail: timings belong here, never in unit tests. Every row runs the real
command in a fresh process (best of a few runs: the machine may be shared), through a small
wrapper that reads the child's peak RSS (ru_maxrss) and CPU time (user + system).

    PYTHONPATH=tests python tools/bench.py [--fsays PATH] [--golden PATH] [--big] [--cowsay-only]

With the Rust oracles built from the crates' sources (`../shared/oracle/build.sh`), each row
also shows the crate's figures measured in the same run, the ratio, and whether the bytes are
the same: `golden` (JSON lines {"text", "width"}; null width = the text's byte length, the
original command's default) for the default path, `fsays` (the crate's own binary) for
`-w 40`. FSAYS and GOLDEN in the environment do the same as the options.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from support import system_tools

PROJECT = Path(__file__).resolve().parent.parent
WIDTH = 40
MB = 1_000_000
# The mixed paragraph: ASCII words, hyphenated words and CJK words.
MIXED_WORDS = [
    "ferris", "rustacean", "crab", "dagster", "pipes", "asset", "materialize", "check", "log",
    "hello", "world", "the", "a", "of", "state-of-the-art", "well-known", "こんにちは", "世界",
]  # fmt: skip

# Runs one command, stdin and stdout from/to files, and prints its wall time, CPU time and peak
# RSS: RUSAGE_CHILDREN covers only the children of this wrapper, that is the one command.
RUN_ONCE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as stdin, open(sys.argv[2], "wb") as out:
    code = subprocess.run(sys.argv[3:], stdin=stdin, stdout=out).returncode
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kib": usage.ru_maxrss, "code": code}))
"""


@dataclass
class Measure:
    seconds: float  # best wall time
    cpu: float  # best user + system time
    peak_mib: float


def run_once(command: list[str], stdin: Path, stdout: Path, cwd: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", RUN_ONCE, str(stdin), str(stdout), *command],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    measured: dict[str, float] = json.loads(result.stdout)
    if measured["code"] != 0:
        raise SystemExit(f"{command[0]} exited {measured['code']}: {result.stderr.strip()}")
    return measured


def measure(
    command: list[str], stdin: Path, cwd: str, keep: Path | None = None, budget: float = 4.0
) -> Measure:
    """Best of up to 5 runs, fewer when a run is long (at least one)."""
    runs: list[dict[str, float]] = []
    spent = 0.0
    while len(runs) < 5 and (not runs or spent + runs[-1]["seconds"] < budget):
        out = keep if keep is not None and not runs else Path(os.devnull)
        runs.append(run_once(command, stdin, out, cwd))
        spent += runs[-1]["seconds"]
    return Measure(
        seconds=min(r["seconds"] for r in runs),
        cpu=min(r["cpu"] for r in runs),
        peak_mib=min(r["peak_kib"] for r in runs) / 1024,
    )


def mixed_paragraph(size: int, seed: int = 0) -> str:
    """One paragraph of `size` UTF-8 bytes (or a few more) of the issue's mixed words."""
    rng = random.Random(seed)
    words, length = [], 0
    while length < size:
        word = rng.choice(MIXED_WORDS)
        words.append(word)
        length += len(word.encode("utf-8")) + 1
    return " ".join(words)


def one_letter_paragraph(size: int) -> str:
    return ("w " * (size // 2 + 1))[: size - 1 if size % 2 == 0 else size]


@dataclass
class Row:
    name: str
    ours: Measure
    rust: Measure | None = None
    same_bytes: bool | None = None

    def cells(self) -> list[str]:
        ours = f"{self.ours.seconds:.3f} s (cpu {self.ours.cpu:.3f})"
        memory = f"{self.ours.peak_mib:.0f}"
        if self.rust is None:
            return [self.name, ours, "-", "-", memory + " / -", "-"]
        rust = f"{self.rust.seconds:.3f} s (cpu {self.rust.cpu:.3f})"
        wall, cpu = self.ours.seconds / self.rust.seconds, self.ours.cpu / self.rust.cpu
        ratio = f"{wall:.2f}× (cpu {cpu:.2f}×)"
        memory += f" / {self.rust.peak_mib:.0f}"
        return [self.name, ours, rust, ratio, memory, str(self.same_bytes)]


def golden_request(text: str, width: int | None, path: Path) -> None:
    path.write_text(json.dumps({"text": text, "width": width}) + "\n", encoding="utf-8")


def golden_picture(path: Path) -> str:
    picture: str = json.loads(path.read_text(encoding="utf-8"))["out"]
    return picture


def print_table(rows: list[Row]) -> None:
    header = ["input (one paragraph)", "ferris-says", "Rust", "ratio", "peak MiB ours / Rust",
              "same bytes"]  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fsays", default=os.environ.get("FSAYS"), help="the crate's fsays")
    parser.add_argument("--golden", default=os.environ.get("GOLDEN"), help="the golden oracle")
    parser.add_argument("--big", action="store_true", help="also 16 MB of one-letter words")
    parser.add_argument(
        "--cowsay-only", action="store_true", help="only the rows against Perl cowsay"
    )
    args = parser.parse_args()
    ferris = shutil.which("ferris-says", path=str(Path(sys.executable).parent))
    if ferris is None:
        raise SystemExit("ferris-says is not installed next to this Python")
    if args.cowsay_only:
        with tempfile.TemporaryDirectory() as scratch:
            against_perl(Path(scratch), scratch)
        return

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        rows: list[Row] = []

        def default_row(name: str, text: str) -> None:
            text_path, ours_out = work / f"{name}.txt", work / f"{name}.ours"
            text_path.write_text(text, encoding="utf-8")
            row = Row(name, measure([ferris, "-"], text_path, scratch, keep=ours_out))
            if args.golden:
                request, answer = work / f"{name}.json", work / f"{name}.golden"
                golden_request(text, None, request)
                row.rust = measure([args.golden], request, scratch, keep=answer)
                row.same_bytes = golden_picture(answer) == ours_out.read_text(encoding="utf-8")
            rows.append(row)
            print_progress(row)

        def width_row(name: str, text: str, options: list[str]) -> None:
            text_path, ours_out = work / f"{name}.txt", work / f"{name}.ours"
            text_path.write_text(text, encoding="utf-8")
            command = [*options, "-f", str(text_path)]
            row = Row(name, measure([ferris, *command], Path(os.devnull), scratch, keep=ours_out))
            if args.fsays:
                rust_out = work / f"{name}.fsays"
                row.rust = measure([args.fsays, *command], Path(os.devnull), scratch, rust_out)
                row.same_bytes = rust_out.read_bytes() == ours_out.read_bytes()
            rows.append(row)
            print_progress(row)

        for size in (1, 4):
            default_row(f"default, {size} MB of mixed words", mixed_paragraph(size * MB))
        for size in (1, 4, 16) if args.big else (1, 4):
            default_row(f"default, {size} MB of one-letter words", one_letter_paragraph(size * MB))
        for size in (1, 4):
            text = mixed_paragraph(size * MB)
            width_row(f"`-w {WIDTH}`, {size} MB of mixed words", text, ["-w", str(WIDTH)])
        width_row(f"`-w {WIDTH} -f` 100 B file", mixed_paragraph(100), ["-w", str(WIDTH)])

        print()
        print_table(rows)
        for first, second in ((0, 1), (2, 3), (-3, -2)):
            small, large = rows[first], rows[second]
            print(
                f"{large.name} / {small.name}: time x{large.ours.cpu / small.ours.cpu:.2f} "
                f"(cpu) for x4 the input"
            )
        print()
        streaming(ferris, work, scratch)
        cold_starts(ferris, work, scratch, args.fsays)
        against_perl(work, scratch)


def print_progress(row: Row) -> None:
    print("  " + " | ".join(row.cells()), flush=True)


# The picture outgrows its input: one line of N characters and N newlines, every line padded
# to N. Written to /dev/null: memory must follow the input, not the picture.
TALL_AND_WIDE = (20_000, 100_000)  # 40 KB -> 400 MB, 200 KB -> 10 GB


def streaming(ferris: str, work: Path, scratch: str) -> None:
    session_dir = work / "session"
    (session_dir / "fake_temp").mkdir(parents=True)
    shutil.copy(PROJECT / "fake_temp" / "context.json", session_dir / "fake_temp")
    for size in TALL_AND_WIDE:
        text_path = work / f"tall-{size}.txt"
        text_path.write_text("x" * size + "\n" * size, encoding="utf-8")
        picture_gb = (size + 1) * (size + 5) / 1e9
        for where, cwd in (("no session", scratch), ("fake_temp session", str(session_dir))):
            result = measure([ferris, "-"], text_path, cwd, budget=0.0)
            print(
                f"{2 * size // 1000} KB input, {picture_gb:.1f} GB picture to /dev/null, "
                f"{where}: {result.seconds:.2f} s, {picture_gb / result.seconds:.2f} GB/s, "
                f"peak RSS {result.peak_mib:.0f} MiB (goal: under 64 MiB)"
            )


def cold_start(command: list[str], cwd: str, runs: int = 30) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system) of `runs` starts: the least disturbed
    ones. On a shared machine the CPU time is the steadier of the two."""
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
        best_wall = min(best_wall, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        best_cpu = min(best_cpu, cpu)
    return best_wall, best_cpu


def cold_starts(ferris: str, work: Path, scratch: str, fsays: str | None) -> None:
    # In a directory without fake_temp/, as a shell user runs it, and in one with the project's
    # fake_temp/, where a Pipes session opens and writes six messages.
    small = work / "small.txt"
    small.write_text(mixed_paragraph(100), encoding="utf-8")
    python = cold_start([sys.executable, "-c", "pass"], scratch)

    def show(name: str, measured: tuple[float, float], goal: str = "") -> str:
        wall, cpu = measured
        return (
            f"  {name}: {wall * 1000:.1f} ms (cpu {cpu * 1000:.1f} ms), "
            f"x{wall / python[0]:.2f} (cpu x{cpu / python[1]:.2f}) python -c pass{goal}"
        )

    print(f"cold start: python -c pass {python[0] * 1000:.1f} ms (cpu {python[1] * 1000:.1f} ms)")
    print(show("ferris-says 'what you want'", cold_start([ferris, "what you want"], scratch),
               "; goal x1.3"))  # fmt: skip
    print(show("with a fake_temp session", cold_start([ferris, "what you want"],
               str(work / "session")), "; goal x2.5"))  # fmt: skip
    options = cold_start([ferris, "-w", "40", "-f", str(small)], scratch)
    line = show("ferris-says -w 40 -f 100-byte file", options)
    if fsays:
        rust = cold_start([fsays, "-w", "40", "-f", str(small)], scratch)
        line += f"; fsays {rust[0] * 1000:.1f} ms (cpu {rust[1] * 1000:.1f} ms)"
    print(line)


# ---- against Perl cowsay 3.03 ---------------------------------------------------------------

PERL_COWSAY = Path(system_tools.COWSAY)
#: The issue's goals: the drop-in within 1.5x Perl's wall time, ferris-says with options within 2x.
DROP_IN_GOAL = 1.5
OPTIONS_GOAL = 2.0


def installed_copy(work: Path) -> Path:
    """A virtualenv with ferris-says installed as pip installs it for a user (not editable: an
    editable install's import hook costs milliseconds at every start); its dependencies are
    this environment's, reached through a .pth line. Returns its bin directory."""
    venv = work / "installed"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
         "--no-deps", "--disable-pip-version-check", str(PROJECT)],
        check=True,
    )  # fmt: skip
    ours = next(venv.glob("lib/python*/site-packages"))
    deps = next(Path(sys.prefix).glob("lib/python*/site-packages"))
    (ours / "dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(ours)], check=True)
    return venv / "bin"


def interleaved(
    commands: dict[str, list[str]], cwd: str, runs: int = 31
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Each command's wall times and CPU times (user + system), the commands taking turns (so a
    busy moment of the shared machine falls on all of them alike)."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
            walls[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return walls, cpus


def against_perl(work: Path, scratch: str) -> None:
    """`make bench`'s rows against Debian's Perl cowsay: the drop-in and ferris-says with
    options, median and best wall time of interleaved cold starts, and the ratios."""
    if not PERL_COWSAY.exists():
        print(f"against Perl cowsay: {PERL_COWSAY} is missing (make deps installs cowsay)")
        return
    bin_dir = installed_copy(work)
    words = ["hello", "there"]
    commands = {
        "perl cowsay -f tux": [str(PERL_COWSAY), "-f", "tux", *words],
        "perl cowsay": [str(PERL_COWSAY), *words],
        "ferris-cowsay -f tux": [str(bin_dir / "ferris-cowsay"), "-f", "tux", *words],
        "ferris-cowsay": [str(bin_dir / "ferris-cowsay"), *words],
        "ferris-says -c tux --color never": [
            str(bin_dir / "ferris-says"), "-c", "tux", "--color", "never", " ".join(words)
        ],
        "ferris-says": [str(bin_dir / "ferris-says"), " ".join(words)],
        "python -c pass": [str(bin_dir / "python"), "-c", "pass"],
    }  # fmt: skip
    walls, cpus = interleaved(commands, scratch)
    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    print("\ncold start against Perl cowsay 3.03 (installed copy; median of 31, wall and CPU):")
    for name in commands:
        print(
            f"  {name}: {wall[name] * 1000:.1f} ms (best {min(walls[name]) * 1000:.1f} ms), "
            f"cpu {cpu[name] * 1000:.1f} ms"
        )
    rows = (
        ("ferris-cowsay -f tux", "perl cowsay -f tux", DROP_IN_GOAL),
        ("ferris-cowsay", "perl cowsay", DROP_IN_GOAL),
        ("ferris-says -c tux --color never", "perl cowsay -f tux", OPTIONS_GOAL),
    )
    for ours, perl, goal in rows:
        ratio = wall[ours] / wall[perl]
        verdict = "within" if ratio <= goal else "OVER"
        print(
            f"  {ours} / {perl}: x{ratio:.2f} wall ({verdict} the goal, x{goal}), "
            f"x{cpu[ours] / cpu[perl]:.2f} cpu"
        )


if __name__ == "__main__":
    main()
