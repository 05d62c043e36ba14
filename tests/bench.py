"""`make bench`: speed and memory of the renderer and the command's cold start.

Numbers, not pass/fail: timings belong here, never in unit tests. Each measurement runs in a
fresh interpreter so peak memory (ru_maxrss) belongs to that one input.

    python tests/bench.py [--oracle PATH]

With --oracle (a build of the Rust crate reading JSON lines {"text", "width"} and answering
{"expected"}), the long-paragraph outputs are also compared byte for byte with the crate's.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
WIDTH = 40
SIZES_MB = (1, 4)

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
text = Path(sys.argv[1]).read_text(encoding="utf-8")
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from ferris_says import say
start = time.perf_counter()
picture = say(text, int(sys.argv[2]))
seconds = time.perf_counter() - start
Path(sys.argv[3]).write_text(picture, encoding="utf-8")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak, "before_kib": baseline}))
"""


def paragraph(size: int, seed: int = 0) -> str:
    """One paragraph of made-up words, `size` bytes long, the Rust crate's worst case."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(1, 10))) for _ in range(5000)]
    words, length = [], 0
    while length < size:
        word = rng.choice(vocabulary)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


def measure(text_path: Path, out_path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(text_path), str(WIDTH), str(out_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    measured: dict[str, Any] = json.loads(result.stdout)
    return measured


# The picture outgrows its input: one line of N characters and N newlines, every line padded
# to N. Written to /dev/null; the child's peak RSS is read by a wrapper that runs only it.
TALL_AND_WIDE = (20_000, 100_000)  # 40 KB -> 400 MB, 200 KB -> 10 GB

PEAK = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as stdin, open("/dev/null", "wb") as out:
    subprocess.run(sys.argv[2:], stdin=stdin, stdout=out, check=True)
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak_kib}))
"""


def streamed(command: list[str], text_path: Path, cwd: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PEAK, str(text_path), *command],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    measured: dict[str, Any] = json.loads(result.stdout)
    return measured


def cold_start(command: list[str], cwd: str, runs: int = 30) -> float:
    """Best wall time of `runs` starts: the least disturbed one."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def compare_with_oracle(oracle: str, text: str, ours: str) -> bool:
    request = json.dumps({"text": text, "width": WIDTH}) + "\n"
    answer = subprocess.run(
        [oracle, "say"], input=request.encode(), capture_output=True, check=True
    )
    expected: str = json.loads(answer.stdout)["expected"]
    return expected == ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oracle", help="Rust reference binary, to compare bytes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        results = {}
        for megabytes in SIZES_MB:
            text = paragraph(megabytes * 1_000_000)
            text_path = workdir / f"{megabytes}mb.txt"
            out_path = workdir / f"{megabytes}mb.out"
            text_path.write_text(text, encoding="utf-8")
            results[megabytes] = result = measure(text_path, out_path)
            grown_mib = (result["peak_kib"] - result["before_kib"]) / 1024
            print(
                f"{megabytes} MB paragraph, width {WIDTH}: {result['seconds']:.2f} s, "
                f"peak RSS {result['peak_kib'] / 1024:.0f} MiB (+{grown_mib:.0f} MiB for the input)"
            )
            if args.oracle:
                same = compare_with_oracle(args.oracle, text, out_path.read_text(encoding="utf-8"))
                print(f"  identical to the Rust crate's bytes: {same}")
        small, large = results[SIZES_MB[0]], results[SIZES_MB[-1]]
        print(
            f"time ratio {SIZES_MB[-1]} MB / {SIZES_MB[0]} MB: "
            f"{large['seconds'] / small['seconds']:.2f} "
            f"(linear would be {SIZES_MB[-1] / SIZES_MB[0]:.0f}; "
            "the Rust crate measured 0.87 s and 10.9 s, a ratio of 12.5)"
        )

        ferris = shutil.which("ferris-says", path=str(Path(sys.executable).parent))
        assert ferris is not None, "ferris-says is not installed beside this Python"
        session_dir = workdir / "session"
        (session_dir / "fake_temp").mkdir(parents=True)
        shutil.copy(PROJECT / "fake_temp" / "context.json", session_dir / "fake_temp")

        for size in TALL_AND_WIDE:
            text_path = workdir / f"tall-{size}.txt"
            text_path.write_text("x" * size + "\n" * size, encoding="utf-8")
            picture_gb = (size + 1) * (size + 5) / 1e9
            for where, cwd in (("no session", scratch), ("fake_temp session", str(session_dir))):
                result = streamed([ferris, "-"], text_path, cwd)
                print(
                    f"{2 * size // 1000} KB input, {picture_gb:.1f} GB picture to /dev/null, "
                    f"{where}: {result['seconds']:.2f} s, "
                    f"{picture_gb / result['seconds']:.2f} GB/s, "
                    f"peak RSS {result['peak_kib'] / 1024:.0f} MiB (goal: under 64 MiB)"
                )

        # Cold start in a directory without fake_temp/, as a shell user runs it, and in one
        # with the project's fake_temp/, where a Pipes session opens and writes six messages.
        python_seconds = cold_start([sys.executable, "-c", "pass"], scratch)
        ferris_seconds = cold_start([ferris, "what you want"], scratch)
        session_seconds = cold_start([ferris, "what you want"], str(session_dir))
        print(
            f"cold start: python -c pass {python_seconds * 1000:.1f} ms; "
            f"ferris-says 'what you want' {ferris_seconds * 1000:.1f} ms, "
            f"ratio {ferris_seconds / python_seconds:.2f} (goal: at most 1.5); "
            f"with a fake_temp session {session_seconds * 1000:.1f} ms, "
            f"ratio {session_seconds / python_seconds:.2f} (goal: at most 2.5)"
        )


if __name__ == "__main__":
    main()
