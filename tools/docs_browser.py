"""`make docs-check`: the built site in headless Chromium, as a reader meets it.

``python tools/docs_browser.py build/docs/site`` serves the site on a free port of 127.0.0.1,
opens the home page in Debian's Chromium (playwright's Python driver with executable_path,
never `playwright install`), and follows the navigation from page to page. It fails unless:
every page of docs/pages/ is reached through the navigation, every page loads with its title
and no script error, nothing it asks for (style, script, image) is missing, each image is
drawn, the CLI reference shows the options of the click command, and the search finds a page
both from the server and from the files themselves (file://, which is what `make docs` points
to). Screenshots go to build/docs/screens/.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

from e2e_ui import open_chromium  # Chromium as make e2e starts it
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

REPO = Path(__file__).resolve().parent.parent
PAGES = REPO / "docs" / "pages"
TIMEOUT_MS = 30_000
# A word of one page only, and that page: what the search must find.
SEARCH = ("COWPATH", "characters.html")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def expected_pages() -> set[str]:
    """Every Markdown page, as the HTML file MkDocs writes (use_directory_urls: false)."""
    return {str(p.relative_to(PAGES).with_suffix(".html")) for p in PAGES.glob("**/*.md")}


def search_problems(page: Page, url: str) -> list[str]:
    """Types SEARCH's word into Material's search box at `url`; what went wrong, if anything."""
    word, expected = SEARCH
    page.goto(url, wait_until="load")
    query = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    try:  # Material hides the box when its worker cannot start; the index is loaded once the
        # box stops saying "Initializing"
        query.click(timeout=10_000)
        page.wait_for_function(
            "m => !m.textContent.includes('Initializing')", arg=meta.element_handle()
        )
    except PlaywrightTimeout:
        return [f"{url}: the search never got past {meta.inner_text().strip()!r}"]
    query.press_sequentially(word)
    results = page.locator(".md-search-result__item a")
    try:
        results.first.wait_for(state="attached", timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        return [f"{url}: searching {word!r} found nothing ({meta.inner_text().strip()!r})"]
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    if not any(expected in (href or "") for href in hrefs):
        return [f"{url}: searching {word!r} did not find {expected}: {hrefs}"]
    return []


def check_site(site: Path, screens: Path) -> list[str]:
    problems: list[str] = []
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # a free port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    screens.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="ferris-docs-") as profile:
            context = open_chromium(pw, profile, chromium)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            errors: list[str] = []
            failed: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

            to_visit, seen = ["index.html"], set()
            while to_visit:
                name = to_visit.pop(0)
                if name in seen:
                    continue
                seen.add(name)
                errors.clear()
                failed.clear()
                response = page.goto(base + name, wait_until="load")
                if response is None or response.status != 200:
                    problems.append(f"{name}: HTTP {response.status if response else 'no answer'}")
                    continue
                title = page.locator("article h1").first.inner_text()
                if not title.strip():
                    problems.append(f"{name}: no title")
                for image in page.locator("article img").all():
                    if not image.evaluate("img => img.complete && img.naturalWidth > 0"):
                        problems.append(f"{name}: image {image.get_attribute('src')} not drawn")
                page.screenshot(path=str(screens / name.replace("/", "_").replace(".html", ".png")))
                problems += [f"{name}: script error {e}" for e in errors]
                problems += [f"{name}: could not load {url}" for url in failed]
                for href in page.locator("nav.md-nav--primary a.md-nav__link[href]").evaluate_all(
                    "links => links.map(a => a.href)"
                ):
                    target = urlparse(urldefrag(urljoin(page.url, href))[0])
                    if target.netloc == urlparse(base).netloc and target.path.endswith(".html"):
                        to_visit.append(target.path.lstrip("/"))

            missing = expected_pages() - seen
            if missing:
                problems.append(f"pages the navigation never reaches: {sorted(missing)}")
            page.goto(base + "cli.html")
            reference = page.locator("article").inner_text()
            for option in ("--width", "--files", "--character", "--color", "--verbose"):
                if option not in reference:
                    problems.append(f"cli.html: the reference lacks {option}")
            for url in (base + "index.html", (site / "index.html").resolve().as_uri()):
                problems += search_problems(page, url)
            print(
                f"docs-check: {len(seen)} pages reached through the navigation; "
                f"screenshots in {screens}"
            )
            context.close()
    finally:
        server.shutdown()
    return problems


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build" / "docs" / "site")
    if not (site / "index.html").is_file():
        print(f"docs-check: no site in {site} (make docs builds it)", file=sys.stderr)
        return 1
    problems = check_site(site, site.parent / "screens")
    for problem in problems:
        print(f"docs-check: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
