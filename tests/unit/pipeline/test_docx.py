"""The Word report: pandoc (from the pypandoc-binary wheel) turns an executed notebook into a .docx with
headings, real Word tables, embedded figures and Chinese text in a named CJK font; the same input, the same bytes."""

from __future__ import annotations

import base64
import io
import zipfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from docx import Document  # noqa: E402

from analysis.pipeline import docx as word  # noqa: E402
from analysis.report.formatting import publication_table  # noqa: E402


def _png() -> str:
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.bar([1, 2, 3], [3, 1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """An executed notebook as the report's: markdown headings, a code cell's table and figure outputs."""
    table = pd.DataFrame({"relationship": ["巴中市–虹口区", "金华市–巴中市"], "events": [3, None]})
    html = publication_table(table, {"relationship": "关系 Relationship", "events": "事件 Events"}).to_html()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(table)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "table"}),
                    nbformat.v4.new_output("display_data", data={"image/png": _png(), "text/plain": "fig"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# 报告 Report\n\n巴中市与虹口区的友好城市关系。"),
                nbformat.v4.new_markdown_cell("## Model tables"), cell]
    path = tmp_path_factory.mktemp("nb") / "90_report.ipynb"
    nbformat.write(nb, path)
    return path


def test_pandoc_comes_from_the_wheel_and_runs_offline():
    path = word.pandoc_path()
    assert "pypandoc" in path  # the binary inside the installed wheel, not a system pandoc
    assert word._pandoc("--version").decode().startswith("pandoc ")


def test_docx_has_headings_tables_images_and_chinese(executed, tmp_path):
    out = word.render_notebook_docx(executed, tmp_path / "report.docx")
    doc = Document(str(out))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "报告 Report"), ("Heading 2", "Model tables")]  # no '¶' anchors
    assert any("巴中市与虹口区的友好城市关系" in p.text for p in doc.paragraphs)
    [table] = doc.tables  # a real Word table, header row first
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells == [["关系 Relationship", "事件 Events"], ["巴中市–虹口区", "3"], ["金华市–巴中市", ""]]
    assert len(doc.inline_shapes) == 1  # the figure, embedded
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(out).namelist())


def test_styles_name_a_cjk_font(executed, tmp_path):
    out = word.render_notebook_docx(executed, tmp_path / "report.docx")
    styles = zipfile.ZipFile(out).read("word/styles.xml").decode()
    assert f'w:eastAsia="{word.CJK_FONT}"' in styles and "w:eastAsiaTheme" not in styles
    assert styles.count(f'w:eastAsia="{word.CJK_FONT}"') >= 5  # defaults, Normal, headings, ...


def test_same_notebook_gives_the_same_bytes(executed, tmp_path):
    a = word.render_notebook_docx(executed, tmp_path / "a.docx").read_bytes()
    b = word.render_notebook_docx(executed, tmp_path / "b.docx").read_bytes()
    assert a == b
    # and not only within one second: no part carries the time of the run
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(a)).infolist()} == {(1980, 1, 1, 0, 0, 0)}
