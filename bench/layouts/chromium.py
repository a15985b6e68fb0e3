"""Chromium (Debian's ``/usr/bin/chromium`` through Playwright) printing the HTML to PDF.

One browser per process, reused for every file: startup costs ~1 s, a print ~0.3–1 s.
Chromium stamps /CreationDate and /ModDate; :func:`fix_dates` overwrites them in place (same
length, so the xref offsets stay valid) to keep a seed's PDF byte-identical across runs.
"""

from __future__ import annotations

import re
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_DATE = re.compile(rb"\(D:\d{14}[^)]*\)")
_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]")


def available() -> bool:
    if not CHROMIUM.exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def fix_dates(pdf: bytes) -> bytes:
    """Replace every PDF date string with a fixed one of the same length, and zero the random
    file /ID that LibreOffice writes (same length again, so no offset moves)."""
    fixed = b"(D:20240101000000"
    pdf = _DATE.sub(lambda m: fixed + m.group(0)[len(fixed) :], pdf)
    zero = lambda h: b"<" + b"0" * (len(h.group(0)) - 2) + b">"  # noqa: E731
    return _ID.sub(lambda m: re.sub(rb"<[0-9A-Fa-f]+>", zero, m.group(0)), pdf)


class Printer:
    """A headless Chromium that prints HTML strings to PDF bytes; use as a context manager.

    Pass a running Playwright ``browser`` to reuse it (the test session's: Playwright's sync API
    allows one instance per thread); otherwise one is launched and closed here.
    """

    def __init__(self, browser=None) -> None:
        self._pw = None
        self._browser = browser
        self._own = browser is None

    def __enter__(self) -> Printer:
        if not self._own:
            return self
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._own:
            return
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()

    def pdf(self, html: str, title: str | None = None) -> bytes:
        page = self._browser.new_page()
        try:
            page.set_content(html, wait_until="load")
            page.evaluate("document.fonts.ready")
            data = page.pdf(prefer_css_page_size=True, print_background=True, tagged=False)
        finally:
            page.close()
        return fix_dates(data)


def typeset(printer: Printer, b, lay) -> bytes:
    """The bulletin as PDF; printed twice when the TOC shows page numbers (see :mod:`.pages`)."""
    from . import html
    from .blocks import flatten
    from .pages import needs_pages, page_texts, title_pages

    pdf = printer.pdf(html.render(b, lay))
    if needs_pages(lay):
        found = title_pages(page_texts(pdf), flatten(b, lay))
        pdf = printer.pdf(html.render(b, lay, found))
    return pdf
