"""Printable sheets: every family compiles; PDFs open and read right; variants differ; HTML is safe."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.decks import Section
from quizgen.families import FAMILIES
from quizgen.writers.sheets import make_sheet, variant_seeds, write_sheet

STAMP = 1_800_000_000
VOID = {"meta", "br", "img", "hr", "input", "link", "col", "area", "base", "source", "track", "wbr",
        "circle", "path", "rect", "line", "polygon", "mprescripts", "none", "mspace"}


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def every_family_sheet(tmp_path_factory):
    """One sheet with every family, each as a worked question and as multiple choice."""
    out = tmp_path_factory.mktemp("sheet")
    sections = [Section(f, 1, kind) for f in FAMILIES for kind in ("basic", "choice")]
    sheet = make_sheet("Every family", 5, sections, "quizgen sheet --seed {seed}")
    paths = write_sheet(sheet, out, "all", key="appended", formats=("pdf", "html"), timestamp=STAMP)
    return sheet, paths


def test_every_family_compiles_and_reads_back(every_family_sheet):
    sheet, paths = every_family_sheet
    text = pdf_text(paths[0])
    for number in range(1, len(sheet.items) + 1):
        assert f"Question {number}" in text and f"Answer {number}" in text
    assert "Answer key" in text and "Seed 5" in text
    for problem, _ in sheet.items:
        assert problem.family in text
    assert len(pypdf.PdfReader(paths[0]).pages) > 10


def test_every_level_of_every_family_compiles(tmp_path):
    sections = [Section(f, 1, "basic", level) for f in FAMILIES for level in ("easy", "medium", "hard")]
    sheet = make_sheet("Every level", 8, sections, "x")
    paths = write_sheet(sheet, tmp_path, "levels", key="separate", formats=("pdf", "html"), timestamp=STAMP)
    assert f"Question {len(sections)}" in pdf_text(paths[0])
    assert f"Answer {len(sections)}" in pdf_text(paths[2])


def test_multiple_choice_options_are_lettered(every_family_sheet):
    sheet, paths = every_family_sheet
    text = pdf_text(paths[0])
    assert re.search(r"^A\.", text, re.M) and re.search(r"^D\.", text, re.M)


def test_same_seed_and_timestamp_give_identical_pdf(tmp_path):
    sections = [Section("qk.scores", 2), Section("circuits.qk_ov", 1, "choice")]
    first = write_sheet(make_sheet("T", 9, sections, "x"), tmp_path / "a", "s", key="separate",
                        formats=("pdf",), timestamp=STAMP)
    second = write_sheet(make_sheet("T", 9, sections, "x"), tmp_path / "b", "s", key="separate",
                         formats=("pdf",), timestamp=STAMP)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.name for p in first] == ["s.pdf", "s-key.pdf"]
    assert "Answer key" in pdf_text(first[1]) and "Question 1" not in pdf_text(first[1])
    assert "Answer 1" not in pdf_text(first[0])


def test_variants_have_distinct_seeds_and_questions():
    seeds = variant_seeds(11, 30)
    assert len(set(seeds)) == 30
    sheets = [make_sheet("T", s, [Section("merge.reachable", 2)], "x") for s in seeds]
    assert len({tuple(str(p.inputs) for p, _ in sh.items) for sh in sheets}) == 30
    assert variant_seeds(11, 1) == [11]


def test_printed_seed_regenerates_the_sheet(tmp_path):
    result = run("sheet", "--family", "qk.softmax", "--count", "2", "--students", "2", "--format", "html",
                 "--timestamp", str(STAMP), "-o", str(tmp_path / "class"))
    assert result.exit_code == 0, result.output
    first = sorted((tmp_path / "class").glob("qk.softmax-x2-student01-seed*[0-9].html"))[0]
    html = first.read_text()
    shown = re.search(r"regenerate: <code>(.*?)</code>", html).group(1)
    command = unescape(re.sub(r"<[^>]+>", "", shown))  # the text a reader sees
    assert command.startswith("quizgen sheet ") and "--students" not in command
    again = run(*command.split()[1:], "--format", "html", "--timestamp", str(STAMP), "-o", str(tmp_path / "tutor"))
    assert again.exit_code == 0, again.output
    regenerated = next((tmp_path / "tutor").glob("qk.softmax-x2-seed*[0-9].html")).read_text()
    assert regenerated == html


class TagBalance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


def test_html_is_well_formed_and_escapes_the_title(tmp_path):
    result = run("sheet", "--family", "attention.forward", "--family", "ablation.threshold", "--format", "html",
                 "--key", "appended", "--title", "<script>alert(1)</script>", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    html = next(tmp_path.glob("*.html")).read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    checker = TagBalance()
    checker.feed(html)
    assert not checker.errors and checker.stack == []
    assert "<math" in html and "<svg" in html and "break-before: page" in html


def test_typst_source_cannot_be_injected(tmp_path):
    title = '#panic("x") $ ] " \\ // *bold*'
    paths = write_sheet(make_sheet(title, 1, [Section("qk.softmax", 1)], "x"), tmp_path, "s", key="none",
                        formats=("pdf",), timestamp=STAMP)
    assert title.split()[0] in pdf_text(paths[0])


@pytest.mark.parametrize("args, message", [
    (("sheet", "--deck", "x.toml", "--family", "qk.scores"), "do not go with --deck"),
    (("sheet", "--deck", "x.toml", "--kind", "choice"), "do not go with --deck"),
    (("sheet", "--deck", "x.toml", "--difficulty", "hard"), "no such deck file"),
    (("sheet", "--deck", "x.toml"), "no such deck file"),
    (("sheet", "--students", "0"), "students must be between 1 and 500"),
    (("sheet", "--count", "0"), "count must be between 1"),
    (("sheet", "--count", "51"), "count must be between 1 and 50"),
    (("sheet", "--family", "nope"), "unknown family 'nope'"),
    (("sheet", "--key", "maybe"), "Invalid value for '--key'"),
])
def test_sheet_errors(args, message, tmp_path):
    result = run(*args, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and message in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_build_writes_a_sheet_per_deck(tmp_path):
    deck = tmp_path / "mini.toml"
    deck.write_text('name = "Mini"\nid = 5\nseed = 3\n\n[[section]]\nfamily = "circuits.induction"\ncount = 2\n'
                    'kind = "choice"\n')
    result = run("build", str(deck), "-o", str(tmp_path / "out"), "--timestamp", str(STAMP))
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "mini.apkg", "mini.manifest.json", "mini-sheet.pdf", "mini-sheet-key.pdf"}
    assert "Question 1" in pdf_text(tmp_path / "out" / "mini-sheet.pdf")
