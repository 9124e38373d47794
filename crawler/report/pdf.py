"""HTML to PDF with the same real Chromium the crawler uses (Playwright), so the PDF is
what a browser prints: no second layout engine to disagree with the HTML.

The report holds aggregates only, but Chromium still gets a throw-away profile and HOME
in a temporary directory and none of adcensus's secrets, as in a snapshot. One browser
prints every report of a run (`--all-lan`: 21 of them)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from crawler.errors import AdcensusError


class Printer:
    def __init__(self, executable: str | None) -> None:
        self.executable = executable
        self._stack: list[Any] = []
        self._browser: Any = None

    def __enter__(self) -> Printer:
        from playwright.sync_api import Error, sync_playwright

        from crawler.browser import CHROMIUM_ARGS, browser_env

        home = tempfile.TemporaryDirectory(prefix="adcensus-report-")
        self._stack.append(home)
        launch: dict[str, object] = {"headless": True, "args": CHROMIUM_ARGS,
                                     "env": browser_env(home.name)}
        if self.executable:
            launch["executable_path"] = self.executable
        playwright = sync_playwright().start()
        self._stack.append(playwright)
        try:
            self._browser = playwright.chromium.launch(**launch)  # type: ignore[arg-type]
        except Error as exc:
            self.__exit__(None, None, None)
            raise AdcensusError(f"Chromium could not start to print the PDF "
                                f"({exc.message.splitlines()[0]}); install it (`make browser`) "
                                "or pass --no-pdf") from None
        return self

    def print(self, html: str, target: Path) -> list[str]:
        """Print ``html`` to ``target`` (A4); returns the page's console errors."""
        errors: list[str] = []
        page = self._browser.new_page()
        try:
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            # nothing may be fetched: the file is self-contained
            page.route("**/*", lambda route: route.abort())
            page.set_content(html, wait_until="load")
            page.pdf(path=str(target), format="A4", print_background=True,
                     prefer_css_page_size=True)
        finally:
            page.close()
        return errors

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        while self._stack:
            item = self._stack.pop()
            if isinstance(item, tempfile.TemporaryDirectory):
                item.cleanup()
            else:
                item.stop()


def html_to_pdf(html: str, target: Path, executable: str | None) -> list[str]:
    """One report: print ``html`` to ``target``; returns the page's console errors."""
    with Printer(executable) as printer:
        return printer.print(html, target)
