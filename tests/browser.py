"""Anki cards (and other HTML) in the system's headless Chromium, with MathJax 3.

The browser is the Chromium of the system's package manager (``/usr/bin/chromium``),
driven by Playwright for Python through ``executable_path``: Playwright's own browser
downloads are never used. MathJax 3 comes from the ``django-static-mathjax`` wheel (the
plain MathJax 3.2 distribution as package data), so rendering works offline.

``tests/install-browser`` installs Chromium when it is missing; the README's test command
runs it before pytest.
"""

from __future__ import annotations

import html
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
PHONE_WIDTH = 400
PHONE_HEIGHT = 800
DESKTOP_WIDTH = 1000

# Anki's own MathJax settings (\( \) inline, \[ \] display, no $ delimiters), CHTML output.
_MATHJAX_CONFIG = """
window.MathJax = {
  tex: {inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]],
        processEscapes: false, processEnvironments: false, processRefs: false},
  options: {ignoreHtmlClass: "tex2jax_ignore", processHtmlClass: "tex2jax_process"},
  startup: {typeset: true},
};
"""

# What a page shows at its width: does it push the page sideways, and which boxes hide
# content behind a sideways scroll (their class, their width, the width they need, and
# whether they hold a matrix of more than one row).
_MEASURE = """
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const boxes = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("mjx-container") && el.tagName !== "MJX-CONTAINER") continue;
    if (el.offsetParent === null && getComputedStyle(el).position !== "fixed") continue;
    const ox = getComputedStyle(el).overflowX;
    if (ox === "visible" || ox === "clip") continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      boxes.push({tag: el.tagName.toLowerCase(), cls: String(el.className || ""),
                  width: el.clientWidth, needs: el.scrollWidth,
                  matrix: [...el.querySelectorAll("mjx-mtable")].some(t => t.querySelectorAll("mjx-mtr").length > 1),
                  text: (el.innerText || "").slice(0, 80)});
    }
  }
  const errors = document.querySelectorAll("mjx-merror, [data-mjx-error]").length;
  const text = document.body.innerText;
  const untypeset = ["\\\\(", "\\\\)", "\\\\[", "\\\\]"].some(d => text.includes(d));
  return {pageWidth: root.scrollWidth, width: width, height: root.scrollHeight,
          hidden: boxes, mathErrors: errors + (untypeset ? 1 : 0),
          math: document.querySelectorAll("mjx-container").length};
}
"""


def chromium_path() -> str | None:
    """The system Chromium, or None when it is not installed."""
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def mathjax_script() -> Path:
    """MathJax 3's combined TeX + CHTML component, from the installed wheel."""
    import mathjax  # django-static-mathjax

    script = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-chtml-full.js"
    if not script.is_file():
        raise FileNotFoundError(f"MathJax 3 is not where django-static-mathjax puts it: {script}")
    return script


@dataclass(frozen=True)
class Layout:
    """How one rendered page fits its width."""

    page_width: int
    width: int
    height: int
    hidden: tuple[dict, ...]
    math_errors: int  # MathJax errors, plus one if any \( \) \[ \] was left untypeset
    math: int

    @property
    def page_overflow(self) -> bool:
        """The content is wider than the screen: the whole page scrolls sideways."""
        return self.page_width > self.width + 1


def stage_page(media_dir: Path) -> str:
    """An empty page set up as Anki's reviewer: a style element for the note type's CSS, a
    ``#qa`` element for the card's HTML, relative media paths resolved in ``media_dir``,
    and MathJax loaded once."""
    base = media_dir.resolve().as_uri() + "/"
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<base href='{html.escape(base)}'>"
        "<style>body { margin: 0; padding: 8px; }</style><style id='note-css'></style>"
        f"<script>{_MATHJAX_CONFIG}</script>"
        f"<script src='{mathjax_script().as_uri()}'></script>"
        "</head><body class='card card1'><div id='qa'></div></body></html>"
    )


_SHOW = """
async ([body, css, night, openDetails]) => {
  await MathJax.startup.promise;
  MathJax.typesetClear();
  document.getElementById("note-css").textContent = css;
  document.body.className = "card card1" + (night ? " nightMode night_mode" : "");
  document.getElementById("qa").innerHTML = body;
  if (openDetails) document.querySelectorAll("#qa details").forEach(d => { d.open = true; });
  await MathJax.typesetPromise();
  await Promise.all([...document.images].map(img => img.complete ? null
      : new Promise(done => { img.onload = img.onerror = done; })));
}
"""


class Browser:
    """One headless Chromium with one tab, reused for many pages and cards."""

    def __init__(self, executable: str):
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright().start()
        self._browser = self._manager.chromium.launch(executable_path=executable, headless=True,
                                                      args=["--allow-file-access-from-files"])
        self._page = self._browser.new_page(viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
        self._stage: Path | None = None

    def close(self) -> None:
        self._browser.close()
        self._manager.stop()

    def resize(self, width: int) -> None:
        self._page.set_viewport_size({"width": width, "height": PHONE_HEIGHT})

    def open(self, path: Path) -> None:
        """Open a local HTML file (e.g. a sheet) and wait until any MathJax has typeset."""
        self._page.goto(path.resolve().as_uri())
        self._page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")

    def show_card(self, body_html: str, css: str, night: bool, media_dir: Path, open_details: bool = False) -> None:
        """Show one side of a card as Anki's reviewer does, typeset with MathJax; with
        ``open_details`` every collapsed part (the worked steps) is opened, as a student
        who reads them would."""
        stage = media_dir / "quizgen-stage.html"
        if self._stage != stage:
            stage.write_text(stage_page(media_dir), encoding="utf-8")
            self.open(stage)
            self._stage = stage
        self._page.evaluate(_SHOW, [body_html, css, night, open_details])

    def measure(self) -> Layout:
        m = self._page.evaluate(_MEASURE)
        return Layout(m["pageWidth"], m["width"], m["height"], tuple(m["hidden"]), m["mathErrors"], m["math"])

    def screenshot(self, path: Path) -> None:
        self._page.screenshot(path=str(path), full_page=True)

    @contextmanager
    def fresh_page(self, viewport: dict[str, int] | None = None, offline: bool = False) -> Iterator[object]:
        """A page of its own (a new browser context: empty local storage), closed afterwards;
        a script error on it fails the test."""
        context = self._browser.new_context(
            viewport=viewport or {"width": DESKTOP_WIDTH, "height": PHONE_HEIGHT}, offline=offline)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield page
        finally:
            context.close()
        assert not errors, errors

    @property
    def page(self):
        """The Playwright page, for tests that click or type."""
        return self._page
