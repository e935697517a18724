"""HTML renderings: self-contained, offline, code hidden on request, CJK glyphs embedded."""

from __future__ import annotations

import re

import nbformat as nbf
import pytest

from analysis.pipeline.render import (NO_ALT, EMBEDDED_FAMILY, accessible, characters, embedded_font_css,
                                      html_exporter, render_notebook_html)


def _executed(tmp_path, text: str):
    nb = nbf.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    cell = nbf.v4.new_code_cell("print('SECRET_SOURCE')", execution_count=1)
    cell.outputs = [nbf.v4.new_output("stream", name="stdout", text=text)]
    nb.cells = [nbf.v4.new_markdown_cell("# Title"), cell]
    path = tmp_path / "executed.ipynb"
    nbf.write(nb, path)
    return path


def test_hidden_code_offline_and_chinese_glyphs_embedded(tmp_path):
    html = render_notebook_html(_executed(tmp_path, "巴中市 ok"), tmp_path / "a.html").read_text(encoding="utf-8")
    assert "SECRET_SOURCE" not in html and "巴中市 ok" in html
    assert '<meta charset="utf-8"' in html.lower()
    assert not re.search(r"<script[^>]+src=", html)  # nothing fetched from a CDN
    assert f'font-family: "{EMBEDDED_FAMILY}"' in html and "data:font/woff;base64," in html


def test_code_shown_when_asked(tmp_path):
    html = render_notebook_html(_executed(tmp_path, "ok"), tmp_path / "b.html", hide_code=False).read_text(encoding="utf-8")
    assert "SECRET_SOURCE" in html


def test_no_font_for_a_page_without_chinese():
    assert embedded_font_css("<p>plain – “quoted” text</p>") == ""
    assert "@font-face" in embedded_font_css("<p>金华市</p>")


TINY_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def _mixed_notebook():
    """Markdown with an image (with and without alt), a figure output, a table, an error, stdout."""
    nb = nbf.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python", "pygments_lexer": "ipython3"}}
    figure = nbf.v4.new_code_cell("plt.show()", execution_count=1)
    figure.outputs = [nbf.v4.new_output("display_data", data={"image/png": TINY_PNG, "text/plain": "<Figure>"})]
    table = nbf.v4.new_code_cell("df", execution_count=2)
    table.outputs = [nbf.v4.new_output("execute_result", execution_count=2, data={
        "text/html": "<table><tr><th>城市</th></tr><tr><td>巴中市 &amp; 金华市<br></td></tr></table>", "text/plain": "df"})]
    broken = nbf.v4.new_code_cell("1/0", execution_count=3)
    broken.outputs = [nbf.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                        traceback=["ZeroDivisionError: division by zero"])]
    printed = nbf.v4.new_code_cell("print('<img src=x>')", execution_count=4)
    printed.outputs = [nbf.v4.new_output("stream", name="stdout", text="<img src=x> 不是图片\n")]
    nb.cells = [nbf.v4.new_markdown_cell(f"# 标题\n\n![]({'data:image/png;base64,' + TINY_PNG})\n\n"
                                         f"![a caption](data:image/png;base64,{TINY_PNG}) <br> text"),
                figure, table, broken, printed]
    return nb


@pytest.mark.parametrize("traits", [
    {},  # code shown
    {"exclude_input": True, "exclude_input_prompt": True, "exclude_output_prompt": True, "embed_images": True},
    {"template_name": "basic", "embed_images": True, "exclude_input": True},  # the Word report's body
])
def test_page_equals_nbconvert_once_both_are_parsed(traits):
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    nb = _mixed_notebook()
    theirs, _ = HTMLExporter(**traits).from_notebook_node(nb)
    ours, _ = html_exporter(**traits).from_notebook_node(nb)
    assert ours != theirs  # not nbconvert's own text: its last pass was left out
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs
    assert "标题" in ours  # a heading's characters as characters, not references: the font is cut to them
    assert ours.count(f'alt="{NO_ALT}"') == theirs.count(f'alt="{NO_ALT}"') >= 1
    cells = 0 if traits.get("template_name") == "basic" else 1  # the basic template has no focusable cells
    assert ours.count('tabindex="0"') == theirs.count('tabindex="0"') >= cells


def test_character_references_become_characters_except_markup():
    assert characters("2024&#24180; &#x5E74; &#183;") == "2024年 年 ·"
    assert characters("&#60;b&#62; &#38; &#34; &#39; &#0; &#1114112;") == "&#60;b&#62; &#38; &#34; &#39; &#0; &#1114112;"
    kept = '<script>var e = "&#225;";</script><STYLE>p::after { content: "&#225;" }</STYLE>'
    assert characters(f"&#225;{kept}&#225;") == f"á{kept}á"


def test_accessible_leaves_what_has_alt_or_tabindex_and_text_alone():
    page = ('<img src="a.png" alt="x"><img src="b.png"/><div class="jp-OutputArea-output" tabindex="1">'
            '<div class="jp-Cell-inputWrapper jp-mod-x"><pre>&lt;img src=y&gt;</pre>')
    assert accessible(page) == (f'<img src="a.png" alt="x"><img src="b.png" alt="{NO_ALT}"/>'
                                '<div class="jp-OutputArea-output" tabindex="1">'
                                '<div class="jp-Cell-inputWrapper jp-mod-x" tabindex="0"><pre>&lt;img src=y&gt;</pre>')
