"""PDFs read into the same Article as a web page: on PDFs these tests write with fpdf2, never the PDF's syntax."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF

from narrate.errors import SourceError
from narrate.extract import extract, read_source
from narrate.extract.source import Document, sniff_kind
from narrate.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# Two pages, two columns each: the left column of a page is read before its right one, and page 1 before page 2.
COLUMNS = [
    (
        (
            "The valley's farms drew twice as much water from the river in the dry summer as in a wet one. Irrigation "
            "districts hold most of the rights, and their claims date from the nineteenth century."
        ),
        (
            "Cities downstream have asked the state to revisit the oldest claims. The hearings begin in spring, and the "
            "first decisions are expected within a year of them."
        ),
    ),
    (
        (
            "Farmers say their wells would run dry without the river. A study of the aquifer found levels falling by a "
            "metre a year since the drought began."
        ),
        (
            "The state engineer will publish a plan for sharing the river in the autumn, after the hearings and a season "
            "of measurements."
        ),
    ),
]
PDF_SYNTAX = (
    "%PDF",
    " 0 obj",
    "endobj",
    "endstream",
    "/Type",
    "/Font",
    "xref",
    "trailer",
    "Helvetica",
)


def two_column_report(
    title: str | None = "Water Rights in the Valley",
    author: str | None = "Dana Whitfield",
) -> bytes:
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    for number, (left, right) in enumerate(COLUMNS, 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 8, "Policy Centre Report | Water Rights", new_x="LMARGIN", new_y="NEXT")
        if number == 1:
            pdf.set_font("Helvetica", "B", size=20)
            pdf.multi_cell(0, 10, "Water Rights in the Valley")
            pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        top = pdf.get_y()
        pdf.set_xy(10, top)
        pdf.multi_cell(90, 5, left)
        pdf.set_xy(110, top)
        pdf.multi_cell(90, 5, right)
        pdf.set_y(280)
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 6, f"Page {number} of {len(COLUMNS)}", align="C")
    return bytes(pdf.output())


def report_with_sections() -> bytes:
    """One column, no metadata: a large title line, bold subheadings, and a word broken at a line's end."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", size=22)
    pdf.multi_cell(0, 11, "Heat and Housing", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", size=15)
    pdf.multi_cell(0, 8, "What we found", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        5,
        "Older tenants in top-floor flats were the most exposed to heat during the summer waves.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(
        0,
        5,
        "Landlords rarely measured the temperature inside the flats, and the city kept no infor-",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(0, 5, "mation about it either.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", size=15)
    pdf.multi_cell(0, 8, "What we recommend", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        5,
        "A maximum indoor temperature written into the housing code, checked on every inspection.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "water-rights.pdf"
    path.write_bytes(two_column_report())
    return path


def test_a_two_column_report_reads_in_column_order_without_its_running_heads(
    report_path: Path,
) -> None:
    article = extract(read_source(str(report_path), Settings()))
    assert article.title == "Water Rights in the Valley"
    assert article.author == "Dana Whitfield"
    assert [block.kind for block in article.blocks] == ["paragraph"] * 4
    assert [block.text for block in article.blocks] == [text for page in COLUMNS for text in page]
    body = article.body_text
    assert "Policy Centre Report" not in body and "Page 1 of 2" not in body and "Page 2" not in body
    assert not any(syntax in body for syntax in PDF_SYNTAX)


def test_headings_by_type_size_title_from_the_first_page_and_broken_words_mended() -> None:
    data = report_with_sections()
    article = extract(Document(data, sniff_kind(data), name="heat.pdf"))
    assert article.title == "Heat and Housing"  # no metadata title: the largest line on the first page
    assert [(block.kind, block.text) for block in article.blocks] == [
        ("heading", "What we found"),
        (
            "paragraph",
            (
                "Older tenants in top-floor flats were the most exposed to heat during the summer waves. Landlords rarely "
                "measured the temperature inside the flats, and the city kept no information about it either."
            ),
        ),
        ("heading", "What we recommend"),
        (
            "paragraph",
            "A maximum indoor temperature written into the housing code, checked on every inspection.",
        ),
    ]


def test_a_title_that_names_the_file_gives_way_to_the_document_headline() -> None:
    data = two_column_report(title="Microsoft Word - water_rights_FINAL3.docx", author=None)
    article = extract(Document(data, "pdf", name="report.pdf"))
    assert article.title == "Water Rights in the Valley" and article.author is None


def test_pdfs_are_known_by_their_bytes_whatever_their_name(tmp_path: Path) -> None:
    data = report_with_sections()
    unnamed = tmp_path / "download"
    unnamed.write_bytes(data)
    assert sniff_kind(data) == "pdf"
    assert read_source(str(unnamed), Settings()).kind == "pdf"
    mislabelled = Document(data, "text", name="report.txt")  # never read as text: the syntax would be read aloud
    assert extract(mislabelled).title == "Heat and Housing"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7", b"%PDF-1.7\n" + bytes(range(256)) * 8, b"%PDF-1.4\n%%EOF\n"],
    ids=["header-only", "garbage", "no-objects"],
)
def test_a_damaged_pdf_is_refused_in_one_line(data: bytes) -> None:
    with pytest.raises(
        SourceError,
        match=r"^cannot read bad\.pdf: not a readable PDF \(damaged, or cut short\)$",
    ):
        extract(Document(data, "pdf", name="bad.pdf"))


def test_a_pdf_cut_short_is_refused(report_path: Path) -> None:
    data = report_path.read_bytes()
    with pytest.raises(SourceError, match="not a readable PDF"):
        extract(Document(data[: len(data) // 2], "pdf", name="half.pdf"))


def test_the_cli_reads_a_pdf_and_refuses_a_damaged_one_with_exit_4(report_path: Path, tmp_path: Path) -> None:
    env = {"NARRATE_HOME": str(tmp_path / "home"), "NARRATE_ENGINE": "tone", "PATH": "/usr/bin:/bin"}

    def script(path: Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "narrate.cli", "script", str(path)]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    result = script(report_path)
    assert result.returncode == 0, result.stderr
    assert "Water Rights in the Valley." in result.stdout
    assert "The hearings begin in spring" in result.stdout
    assert not any(syntax in result.stdout for syntax in PDF_SYNTAX)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    result = script(damaged)
    assert result.returncode == 4
    assert result.stderr.strip().count("\n") == 0 and "not a readable PDF" in result.stderr
    assert "Traceback" not in result.stderr
