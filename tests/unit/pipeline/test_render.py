"""HTML renderings: self-contained, offline, code hidden on request, CJK glyphs embedded."""

from __future__ import annotations

import re

import nbformat as nbf

from analysis.pipeline.render import EMBEDDED_FAMILY, embedded_font_css, render_notebook_html


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
