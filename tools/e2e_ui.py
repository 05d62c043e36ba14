"""End to end: materialize the example's assets and check their pages in headless Chromium.

    python tools/e2e_ui.py [--out build/e2e] [--docs-screenshot docs/pages/dagster-asset-page.png]

What ``make e2e`` runs. Steps, each with a bounded wait:

1. a throw-away DAGSTER_HOME (telemetry off, the first-visit "join the community" dialog marked
   as seen), shared by the webserver and the CLI so both use the same SQLite storage;
2. ``dagster-webserver -h 127.0.0.1 -p <free port> -m ferris_example.definitions -d
   dagster_example`` (the components project), until ``/server_info`` answers and the code
   location has loaded;
3. ``dagster asset materialize --select ferris,ferris_from_yaml`` against that DAGSTER_HOME (the
   run must succeed): the blog's asset and the FerrisSaysComponent of ``defs.yaml``;
4. Debian's Chromium (``/usr/bin/chromium``, or $CHROMIUM), driven by playwright: on each asset
   page, the metadata ``ferris_said`` reads ``'Say, say, say'`` (the YAML's quotes survive too),
   the ``ferris`` Markdown is rendered as a code block that holds exactly what ferris-says
   prints for that asset (``ferris-says "'Say, say, say'"``; ``--width 12`` for the component),
   with no literal ``````` fence on the page, and the "latest check results" popover lists both
   checks as succeeded; on the blog asset's Checks tab each check is "Succeeded" with
   evaluation "Passed" and its metadata.

Screenshots and the webserver's and CLI's logs go to ``--out`` (git-ignored ``build/e2e``).
Everything started here is stopped in ``finally`` (process groups, TERM then KILL), also on
Ctrl-C or SIGTERM. Exit status 0 when every check passed, 1 otherwise.

The browser is never downloaded: playwright's own ``playwright install`` is not used, only its
Python driver with ``executable_path``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType

    from playwright.sync_api import BrowserContext, Page, Playwright

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "dagster_example")
# The components project's code location, imported from its own folder (not installed).
TARGET = ["-m", "ferris_example.definitions", "-d", EXAMPLE]
BIN = os.path.dirname(sys.executable)

WORDS = "'Say, say, say'"  # what both example assets make Ferris say
# asset -> ferris-says options it runs with (the component's defs.yaml sets width: 12)
ASSETS = {"ferris": [], "ferris_from_yaml": ["--width", "12"]}
CHECKS = {
    # check name -> (metadata key, value shown) reported by ferris_says.pipes for WORDS
    "ferris_should_say_something": ("what_did_you_say", "true"),
    "ferris_should_speak_3_words": ("number_of_words_spoken_by_ferris", "3"),
}
CHROMIUM_ARGS = [
    # --headless comes from headless=True, --user-data-dir from launch_persistent_context.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def open_chromium(pw: Playwright, profile: str, chromium: str) -> BrowserContext:
    """Debian's Chromium, headless, with a throw-away profile (the docs' check uses it too)."""
    return pw.chromium.launch_persistent_context(
        profile,
        executable_path=chromium,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
        timeout=60_000,
    )


SERVER_START_TIMEOUT = 120  # s, webserver answering and code location loaded
MATERIALIZE_TIMEOUT = 300  # s, the dagster CLI run
BROWSER_TIMEOUT_MS = 30_000  # each browser action or expectation
STOP_TIMEOUT = 15  # s, after SIGTERM before SIGKILL


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"e2e: [{time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


def tool(name: str) -> str:
    """A console script of this virtualenv (next to this Python), else from PATH."""
    beside = os.path.join(BIN, name)
    if os.path.exists(beside):
        return beside
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"e2e: {name} is not installed (make .venv-integrations/.installed)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tail(path: str, lines: int = 30) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class Service:
    """A background process in its own process group, logging to a file; stop() ends the group."""

    def __init__(self, command: list[str], env: dict[str, str], logfile: str) -> None:
        self.command = command
        self.logfile = logfile
        self._log = open(logfile, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        try:
            for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, STOP_TIMEOUT)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break  # the whole group is gone
                try:
                    self.proc.wait(timeout=wait)
                except subprocess.TimeoutExpired:
                    continue
                # The leader is gone; children left in its group get the same signal next round.
                if sig == signal.SIGTERM:
                    time.sleep(0.5)
        finally:
            self._log.close()


def graphql(base: str, query: str, timeout: float = 10) -> dict[str, Any]:
    request = urllib.request.Request(
        base + "/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer: dict[str, Any] = json.load(response)
        return answer


LOCATIONS_QUERY = """
{ workspaceOrError { __typename ... on Workspace { locationEntries {
    name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } }
} } } }
"""


def wait_for_webserver(base: str, server: Service) -> None:
    """Until /server_info answers and every code location has loaded (a load error fails)."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"dagster-webserver exited with {server.proc.returncode}:\n{tail(server.logfile)}"
            )
        try:
            with urllib.request.urlopen(base + "/server_info", timeout=5) as response:
                info = json.load(response)
            entries = graphql(base, LOCATIONS_QUERY)["data"]["workspaceOrError"]["locationEntries"]
            loaded = [e for e in entries if e["loadStatus"] == "LOADED"]
            if entries and len(loaded) == len(entries):
                errors = [
                    e for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"
                ]
                if errors:
                    raise RuntimeError(
                        "the code location failed to load:\n"
                        + errors[0]["locationOrLoadError"]["message"]
                    )
                log(
                    f"webserver up: dagster {info.get('dagster_version')},"
                    f" locations {[e['name'] for e in entries]}"
                )
                return
            last = f"locations {[(e['name'], e['loadStatus']) for e in entries]}"
        except (urllib.error.URLError, OSError, KeyError, TypeError, ValueError) as exc:
            last = repr(exc)
        time.sleep(0.5)
    raise RuntimeError(
        f"dagster-webserver not ready after {SERVER_START_TIMEOUT}s ({last}):\n"
        + tail(server.logfile)
    )


def materialize(env: dict[str, str], out: str) -> None:
    command = [tool("dagster"), "asset", "materialize", *TARGET, "--select", ",".join(ASSETS)]
    logfile = os.path.join(out, "materialize.log")
    log("$ " + " ".join(command))
    with open(logfile, "wb") as f:
        # Its own session too, so a timeout can end the run's step processes along with it.
        proc = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=f,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=MATERIALIZE_TIMEOUT)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # leftovers, if any
            proc.wait(timeout=STOP_TIMEOUT)
    if code != 0:
        why = "timed out" if code is None else f"exited with {code}"
        raise RuntimeError(f"dagster asset materialize {why}:\n{tail(logfile)}")
    log(f"materialized {', '.join(ASSETS)} with the dagster CLI")


def expected_bubble(options: list[str]) -> str:
    """What the installed command prints for the words (run away from any fake_temp/)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_PIPES_")}
    env["NO_COLOR"] = "1"
    with tempfile.TemporaryDirectory(prefix="ferris-e2e-cwd-") as cwd:
        done = subprocess.run(
            [tool("ferris-says"), "--color", "never", *options, "--", WORDS],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=True,
        )
    return done.stdout.decode("utf-8")


class Checks:
    """Named assertions: each runs, a failure is recorded with a screenshot, and the rest go on."""

    def __init__(self, page: Page, out: str) -> None:
        self.page = page
        self.out = out
        self.passed: list[str] = []
        self.failed: list[str] = []

    def __call__(self, name: str, fn: Callable[..., None], *args: object) -> bool:
        try:
            fn(*args)
        except Exception as exc:  # AssertionError, playwright's TimeoutError and Error
            self.failed.append(name)
            shot = os.path.join(self.out, f"failed-{len(self.failed)}.png")
            try:
                self.page.screenshot(path=shot, timeout=BROWSER_TIMEOUT_MS)
            except Exception:
                shot = "(no screenshot)"
            lines = str(exc).strip().splitlines() or [repr(exc)]
            log(f"FAIL {name}: {lines[0]} ({shot})")
            for line in lines[1:4]:
                log(f"     {line}")
            if os.environ.get("E2E_TRACEBACK"):
                traceback.print_exc()
            return False
        self.passed.append(name)
        log(f"ok   {name}")
        return True


def dismiss_community_dialog(page: Page) -> None:
    """The first-visit "Join the Dagster community" dialog, should it show despite .nux/."""
    skip = page.get_by_role("button", name="Skip")
    if skip.count() and skip.first.is_visible():
        skip.first.click()
        skip.first.wait_for(state="hidden", timeout=BROWSER_TIMEOUT_MS)


def settle(page: Page) -> None:
    """Let pending GraphQL requests finish before a screenshot (the UI polls, so bounded)."""
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=10_000)
    page.wait_for_timeout(500)


def overview(
    page: Page, check: Checks, asset_url: str, asset: str, bubble: str, docs_screenshot: str | None
) -> None:
    """The asset's Overview tab: metadata table and the latest check results."""
    import re

    from playwright.sync_api import expect

    log(f"open {asset_url}")
    page.goto(asset_url, wait_until="domcontentloaded")
    dismiss_community_dialog(page)

    def ferris_said() -> None:
        row = page.locator("tr").filter(has=page.get_by_text("ferris_said", exact=True))
        expect(row).to_have_count(1)
        expect(row.locator("td").last).to_have_text(WORDS)

    def ferris_markdown() -> None:
        code = page.locator("pre").filter(has_text="_~^~^~_")
        expect(code).to_have_count(1)
        expect(code).to_be_visible()
        code.scroll_into_view_if_needed()
        shown = code.text_content() or ""
        assert shown.rstrip("\n") == bubble.rstrip("\n"), (
            f"the ferris code block differs from ferris-says' output:\n{shown!r}\n!=\n{bubble!r}"
        )
        row = page.locator("tr").filter(has=code)
        expect(row.locator("td").first).to_have_text("ferris")
        # Rendered, not shown as Markdown source.
        expect(page.get_by_text("```")).to_have_count(0)

    def checks_popover() -> None:
        expect(page.get_by_text("Latest materialization", exact=True)).to_be_visible()
        status = page.get_by_text("Latest check results", exact=True).locator("xpath=..")
        tag = status.get_by_text(str(len(CHECKS)), exact=True)
        expect(tag).to_be_visible()
        tag.click()
        heading = page.get_by_text("Succeeded checks", exact=True)
        expect(heading).to_be_visible()
        popover = heading.locator(f"xpath=ancestor::*[.//*[text()='{list(CHECKS)[-1]}']][1]")
        for name in CHECKS:
            expect(popover.get_by_text(name, exact=True)).to_be_visible()
        expect(popover).not_to_contain_text(re.compile("Failed|Errored", re.I))

    check(f"{asset}: metadata ferris_said is " + WORDS, ferris_said)
    check(f"{asset}: metadata ferris is the rendered bubble, byte for byte", ferris_markdown)
    # Cosmetic, for the screenshot: fold the empty Description so Ferris fits on screen (the UI
    # remembers it for the next asset page).
    try:
        if asset != next(iter(ASSETS)):
            raise LookupError("folded on the first asset page")
        page.get_by_text("No description found").wait_for(timeout=5_000)
        page.get_by_text("Description", exact=True).click(timeout=5_000)
        page.get_by_text("No description found").wait_for(state="hidden", timeout=5_000)
    except LookupError:
        pass
    except Exception:
        log("note: could not fold the Description section (screenshot only)")
    page.mouse.move(600, 450)
    page.mouse.wheel(0, -5000)  # back to the top of the pane, the Status section
    page.wait_for_timeout(300)
    check(f"{asset}: latest check results: both checks succeeded", checks_popover)
    settle(page)
    overview_png = os.path.join(check.out, f"asset-overview-{asset}.png")
    page.screenshot(path=overview_png)
    log(f"screenshot {overview_png}")
    if docs_screenshot and asset == "ferris":
        os.makedirs(os.path.dirname(os.path.abspath(docs_screenshot)), exist_ok=True)
        shutil.copyfile(overview_png, docs_screenshot)
        log(f"screenshot {docs_screenshot}")


def browse(base: str, out: str, bubbles: dict[str, str], docs_screenshot: str | None) -> Checks:
    import re

    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        raise SystemExit(
            f"e2e: no Chromium at {chromium} (make deps installs it, or set CHROMIUM)"
        )

    profile_dir = tempfile.TemporaryDirectory(prefix="ferris-e2e-chromium-")
    with sync_playwright() as pw, profile_dir as profile:
        context = open_chromium(pw, profile, chromium)
        try:
            context.set_default_timeout(BROWSER_TIMEOUT_MS)
            context.set_default_navigation_timeout(60_000)
            page = context.new_page()
            page_errors: list[str] = []
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))
            check = Checks(page, out)

            for asset, bubble in bubbles.items():
                overview(page, check, base + "/assets/" + asset, asset, bubble, docs_screenshot)

            # --- the Checks tab: each check Succeeded, its latest evaluation Passed, its metadata
            page.keyboard.press("Escape")
            asset_url = base + "/assets/ferris"
            log(f"open {asset_url}?view=checks")
            page.goto(asset_url + "?view=checks", wait_until="domcontentloaded")
            dismiss_community_dialog(page)
            expect(page.get_by_text(f"Checks ({len(CHECKS)})", exact=True)).to_be_visible()

            def check_passed(name: str, key: str, value: str) -> None:
                # The innermost list entry holding this check's name and its status line.
                entry = (
                    page.locator("div")
                    .filter(has=page.locator(f"[title='{name}']"))
                    .filter(
                        has_text=re.compile(
                            "Succeeded|Failed|Errored|Skipped|Not evaluated|Running", re.I
                        )
                    )
                    .last
                )
                expect(entry).to_contain_text("Succeeded")
                entry.locator(f"[title='{name}']").click()
                # The key's cell in the check's metadata table (a plot titled by it may follow).
                metadata_key = page.get_by_role("cell", name=key, exact=True)
                expect(metadata_key).to_be_visible()
                expect(metadata_key.locator("xpath=following-sibling::td[1]")).to_have_text(value)
                result = page.get_by_text("Evaluation result", exact=True).locator("xpath=..")
                expect(result).to_contain_text("Passed")
                settle(page)
                shot = os.path.join(out, f"check-{name}.png")
                page.screenshot(path=shot)
                log(f"screenshot {shot}")

            for name, (key, value) in CHECKS.items():
                check(
                    f"check {name}: Succeeded, Passed, {key} = {value}",
                    check_passed,
                    name,
                    key,
                    value,
                )
            if page_errors:
                log(f"note: {len(page_errors)} JavaScript error(s) on the page: {page_errors[:3]}")
            return check
        finally:
            context.close()


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out", default=os.path.join(ROOT, "build", "e2e"), help="screenshots and logs"
    )
    parser.add_argument("--docs-screenshot", help="also copy the asset page screenshot here")
    parser.add_argument("--port", type=int, default=0, help="webserver port (default: a free one)")
    args = parser.parse_args(argv)

    # SIGTERM (a CI timeout, make being killed) unwinds through the finally blocks below.
    signal.signal(signal.SIGTERM, _interrupt)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        if old.endswith((".png", ".log")):
            os.remove(os.path.join(out, old))

    bubbles = {asset: expected_bubble(options) for asset, options in ASSETS.items()}
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    with tempfile.TemporaryDirectory(prefix="ferris-e2e-dagster-home-") as home:
        with open(os.path.join(home, "dagster.yaml"), "w") as f:
            f.write("telemetry:\n  enabled: false\n")
        os.makedirs(os.path.join(home, ".nux"))
        with open(os.path.join(home, ".nux", "nux.yaml"), "w") as f:
            f.write("seen: 1\n")  # what Dagster writes once the community dialog was shown
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_PIPES_")}
        env["DAGSTER_HOME"] = home
        try:
            command = [
                tool("dagster-webserver"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                *TARGET,
            ]
            log(f"DAGSTER_HOME={home}")
            log("$ " + " ".join(command))
            server = Service(command, env, os.path.join(out, "webserver.log"))
            wait_for_webserver(base, server)
            materialize(env, out)
            checks = browse(base, out, bubbles, args.docs_screenshot)
        except KeyboardInterrupt:
            log("interrupted")
            return 1
        except Exception as exc:
            log(f"FAIL {exc}")
            if os.environ.get("E2E_TRACEBACK"):
                traceback.print_exc()
            return 1
        finally:
            if server is not None:
                server.stop()
                log("webserver stopped")

    log(f"{len(checks.passed) + len(checks.failed)} page checks; logs and screenshots in {out}")
    print(f"e2e: {len(checks.passed)} passed, {len(checks.failed)} failed", flush=True)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
