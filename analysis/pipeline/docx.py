"""The Word report: ``reports/report.docx`` from the same executed report notebook as ``report.html``, converted
by pandoc (the binary in the ``pypandoc-binary`` wheel, offline) with a reference document naming a CJK font."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

from analysis.io import atomic_path

CJK_FONT = "Noto Sans CJK SC"  # named in every style's East Asian font slot (Word substitutes when absent)
# Fixed document dates (pandoc honours SOURCE_DATE_EPOCH), so the same report gives the same bytes.
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest a zip entry can carry


def pandoc_path() -> str:
    """The pandoc executable shipped in the ``pypandoc-binary`` wheel."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def _pandoc(*args: str, stdin: bytes | None = None) -> bytes:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    done = subprocess.run([pandoc_path(), *args], input=stdin, capture_output=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"pandoc {' '.join(args[:3])} failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout


def reference_docx(path: str | Path, cjk_font: str = CJK_FONT) -> Path:
    """pandoc's default reference document with ``cjk_font`` as the East Asian font of the document defaults
    and of every style that sets fonts, so Chinese text is set in a named CJK font."""
    from docx import Document
    from docx.oxml.ns import qn

    path = Path(path)
    path.write_bytes(_pandoc("--print-default-data-file", "reference.docx"))
    doc = Document(str(path))
    targets = [doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))]
    targets += [s.element.get_or_add_rPr() for s in doc.styles if s.type in (1, 2)]  # paragraph, character
    for rpr in targets:
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), cjk_font)
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)  # a theme font would override the named one
    doc.save(str(path))
    _fix_zip_times(path)
    return path


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip with every entry dated 1980-01-01 (python-docx stamps the time of saving; pandoc keeps
    the reference document's stamps for the parts it copies)."""
    with zipfile.ZipFile(path) as z:
        parts = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            z.writestr(fixed, data)


def notebook_body_html(executed_ipynb: str | Path) -> str:
    """The executed notebook as plain HTML without code (markdown, tables, embedded images) for pandoc."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(executed_ipynb), as_version=4)
    exporter = HTMLExporter(template_name="basic", embed_images=True, exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r'<a class="anchor-link"[^>]*>[^<]*</a>', "", body)  # the headings' '¶' links
    # random ids (pandas Styler's table uuids, papermill's injected cell ids) would become Word bookmarks
    body = re.sub(r'\s(?:id|name)="(?:T_[0-9a-f]{5}|cell-id=)[^"]*"', "", body)
    return f'<html><head><meta charset="utf-8"><title>Report</title></head><body>{body}</body></html>'


def render_notebook_docx(executed_ipynb: str | Path, docx_path: str | Path) -> Path:
    """Executed notebook -> a Word document (headings, real tables, embedded figures), written atomically."""
    html = notebook_body_html(executed_ipynb)
    with tempfile.TemporaryDirectory() as tmp:
        ref = reference_docx(Path(tmp) / "reference.docx")
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")
        out = Path(tmp) / "report.docx"
        # --sandbox: pandoc reads only the files named here (images are data: URIs), never the network
        _pandoc("--sandbox", "--from=html", "--to=docx", f"--reference-doc={ref}", "-o", str(out), str(src))
        data = out.read_bytes()
    with atomic_path(docx_path, suffix=".docx") as tmp_out:
        tmp_out.write_bytes(data)
    return Path(docx_path)
