"""Nothing on a printed page runs into the margin: every page of a sheet and its key, for
every family at every level, is rendered to an image and searched for ink outside the text
block. Also the HTML sheet printed by headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pypdf
import pypdfium2 as pdfium
import pytest

from quizgen.decks import Section
from quizgen.families import FAMILIES
from quizgen.model.family import LEVELS
from quizgen.writers.sheets import make_sheet, write_sheet

STAMP = 1_800_000_000
DPI = 50
CM = DPI / 2.54
TOLERANCE_CM = 0.12  # anti-aliasing at the edge of a glyph that ends on the margin line
TYPST_MARGINS = (1.8, 1.5, 1.8)  # left, top, right in cm, as in templates/sheet/sheet.typ
HTML_MARGINS = (1.6, 1.6, 1.6)  # the @page rule of templates/sheet/sheet.html
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def page_images(pdf: Path) -> list[np.ndarray]:
    """Every page as a grey image (0 = black), rendered by PDFium (pypdfium2)."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=DPI / 72, grayscale=True)
            images.append(bitmap.to_numpy().reshape(bitmap.height, bitmap.width))
        return images
    finally:
        document.close()


def ink_outside(image: np.ndarray, margins: tuple[float, float, float]) -> list[str]:
    """Where ink (a pixel darker than light grey) falls left of, right of or above the text
    block. The bottom margin holds the footer, which stays between the side margins."""
    left, top, right = (int((m - TOLERANCE_CM) * CM) for m in margins)
    ink = image < 200
    problems = []
    if ink[:, :left].any():
        problems.append(f"left margin, {int(ink[:, :left].sum())} px")
    if ink[:, image.shape[1] - right:].any():
        problems.append(f"right margin, {int(ink[:, image.shape[1] - right:].sum())} px")
    if ink[:top, :].any():
        problems.append(f"top margin, {int(ink[:top, :].sum())} px")
    return problems


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [27, 1001])
def test_no_ink_outside_the_text_block_and_no_step_title_left_alone(level, seed, tmp_path):
    sections = [Section(f, 1, kind, level) for f in FAMILIES for kind in ("basic", "choice")]
    sheet = make_sheet("Every family", seed, sections, "x")
    pdf = write_sheet(sheet, tmp_path, "all", key="appended", formats=("pdf",), timestamp=STAMP)[0]
    images = page_images(pdf)
    assert len(images) > 5
    bad = {k: p for k, image in enumerate(images, 1) if (p := ink_outside(image, TYPST_MARGINS))}
    assert not bad, f"{level} seed {seed}: ink outside the text block on pages {bad}"
    titles = {f"{k}. {step.title}" for problem, _ in sheet.items for k, step in enumerate(problem.solution.steps, 1)}
    for number, page in enumerate(pypdf.PdfReader(pdf).pages, 1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        assert lines[-2] not in titles, f"page {number} ends with the step title {lines[-2]!r}"  # [-1]: footer


def test_the_check_sees_a_display_that_runs_off_the_page(tmp_path):
    """The test above can fail: a page with a formula wider than the page has ink in the margin."""
    source = ('#set page(paper: "a4", margin: (x: 1.8cm, top: 1.5cm, bottom: 2.1cm))\n'
              '$ ' + " + ".join(f"x_{k}" for k in range(80)) + ' $\n')
    from quizgen.writers.sheets import compile_pdf
    pdf = tmp_path / "wide.pdf"
    pdf.write_bytes(compile_pdf(source, {}, STAMP))
    assert ink_outside(page_images(pdf)[0], TYPST_MARGINS)


def print_html(html: Path, pdf: Path) -> None:
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], check=True, capture_output=True, timeout=180)


needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Chromium")


@needs_chromium
@pytest.mark.parametrize("level", LEVELS)
def test_html_sheet_prints_whole_in_chromium(level, tmp_path):
    sections = [Section(f, 1, kind, level) for f in FAMILIES for kind in ("basic", "choice")]
    sheet = make_sheet("Every family", 27, sections, "x")
    html = write_sheet(sheet, tmp_path, "all", key="appended", formats=("html",), timestamp=STAMP)[0]
    pdf = tmp_path / "printed.pdf"
    print_html(html, pdf)
    images = page_images(pdf)
    bad = {k: p for k, image in enumerate(images, 1) if (p := ink_outside(image, HTML_MARGINS))}
    assert not bad, f"{level}: ink outside the printed page's text block on pages {bad}"


PRINT_WIDTH_PX = round((21.0 - 2 * HTML_MARGINS[0]) / 2.54 * 96)  # the printed text block, in CSS pixels
OVERFLOW_CHECK = """
<style>body { max-width: none; margin: 0; padding: 0; }</style>
<script type="module">
  // after the page's own scripts and fonts: every box that is cut off or sticks out of the column
  await document.fonts.ready;
  await new Promise(done => setTimeout(done, 100));
  const right = document.body.getBoundingClientRect().right + 1;
  const bad = [...document.querySelectorAll(".display, table, .figure, .options, math, p, li")]
    .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible"
                  || el.getBoundingClientRect().right > right)
    .map(el => el.className || el.tagName);
  const out = document.createElement("pre");
  out.id = "overflow";
  out.textContent = bad.length + ": " + bad.join(", ");
  document.body.append(out);
</script>
"""


def overflowing_boxes(html: Path) -> str:
    """What the page shows cut off or outside its column at the printed width, as
    "count: classes", read from the DOM after the page's scripts ran in headless Chromium."""
    checked = html.with_name("checked-" + html.name)
    checked.write_text(html.read_text(encoding="utf-8").replace("</body>", OVERFLOW_CHECK + "</body>"), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          f"--window-size={PRINT_WIDTH_PX},1000", "--virtual-time-budget=5000", checked.as_uri()],
                         check=True, capture_output=True, text=True, timeout=180).stdout
    return dom.split('<pre id="overflow">', 1)[1].split("</pre>", 1)[0]


@needs_chromium
@pytest.mark.parametrize("level", LEVELS)
def test_html_sheet_shows_every_box_whole_at_the_printed_width(level, tmp_path):
    sections = [Section(f, 1, kind, level) for f in FAMILIES for kind in ("basic", "choice")]
    sheet = make_sheet("Every family", 27, sections, "x")
    html = write_sheet(sheet, tmp_path, "all", key="appended", formats=("html",), timestamp=STAMP)[0]
    assert overflowing_boxes(html).startswith("0:")


@needs_chromium
def test_html_fits_a_formula_wider_than_the_page(tmp_path):
    """A formula far wider than the page is shrunk to the column; without the page's
    fitting script it would be cut off, so the check above can fail."""
    sheet = make_sheet("Wide", 1, [Section("qk.softmax", 1)], "x")
    html = write_sheet(sheet, tmp_path, "wide", key="none", formats=("html",), timestamp=STAMP)[0]
    terms = "<mo>+</mo>".join(f"<msub><mi>x</mi><mn>{k}</mn></msub>" for k in range(90))
    wide = f'<div class="display"><math display="block"><mrow>{terms}</mrow></math></div>'
    page = html.read_text(encoding="utf-8").replace("</header>", "</header>" + wide)
    html.write_text(page, encoding="utf-8")
    assert overflowing_boxes(html).startswith("0:")
    start = page.index('<script type="module">')
    unfitted = tmp_path / "unfitted.html"
    unfitted.write_text(page[:start] + page[page.index("</script>", start) + 9:], encoding="utf-8")
    assert not overflowing_boxes(unfitted).startswith("0:")


def test_a_table_repeats_its_header_after_a_page_break(tmp_path):
    from quizgen.model.content import table
    from quizgen.render.typst import TypstWriter
    from quizgen.writers.sheets import compile_pdf
    long_table = table(["vertex", "reachable set"], [[str(k), f"set {k}"] for k in range(120)])
    source = "#let fits(..forms) = forms.pos().first()\n" + TypstWriter().block(long_table)
    pdf = tmp_path / "table.pdf"
    pdf.write_bytes(compile_pdf(source, {}, STAMP))
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    assert len(pages) > 1
    for page in pages:
        assert page.lstrip().startswith("vertex reachable set"), page[:60]
