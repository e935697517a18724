"""The Word report: ``reports/report.docx`` from the same executed report notebook as ``report.html``, converted
by pandoc (the binary in the ``pypandoc-binary`` wheel, offline) with a reference document naming a CJK font."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Callable

from analysis.io import atomic_path

CJK_FONT = "Noto Sans CJK SC"  # named in every style's East Asian font slot (Word substitutes when absent)
# Fixed document dates (pandoc honours SOURCE_DATE_EPOCH), so the same report gives the same bytes.
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest a zip entry can carry


def pandoc_path() -> str:
    """The pandoc executable shipped in the ``pypandoc-binary`` wheel."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def _pandoc(*args: str, stdin: bytes | None = None) -> bytes:
    return _start_pandoc(*args)(stdin)


def _start_pandoc(*args: str) -> Callable[[bytes | None], bytes]:
    """Start pandoc; the function returned feeds it ``stdin``, waits, and returns its output or raises."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    proc = subprocess.Popen([pandoc_path(), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)

    def wait(stdin: bytes | None = None) -> bytes:
        out, err = proc.communicate(stdin)
        if proc.returncode != 0:
            raise RuntimeError(f"pandoc {' '.join(args[:3])} failed: {err.decode(errors='replace')[-2000:]}")
        return out

    return wait


def reference_docx(path: str | Path, cjk_font: str = CJK_FONT) -> Path:
    """pandoc's default reference document with ``cjk_font`` as the East Asian font of the document defaults
    and of every style that sets fonts, so Chinese text is set in a named CJK font."""
    path = Path(path)
    path.write_bytes(_reference_bytes(cjk_font))
    return path


@lru_cache(maxsize=2)
def _reference_bytes(cjk_font: str) -> bytes:
    """Built once per process (pandoc, python-docx and a zip rewrite: about 0.3 s)."""
    from docx import Document
    from docx.oxml.ns import qn

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reference.docx"
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
        return path.read_bytes()


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


def notebook_body_html(executed) -> str:
    """The executed notebook (a path or the notebook itself) as plain HTML without code (markdown,
    tables, embedded images) for pandoc."""
    import nbformat

    nb = executed if isinstance(executed, nbformat.NotebookNode) else nbformat.read(str(executed), as_version=4)
    body, _ = _body_exporter().from_notebook_node(nb)
    body = re.sub(r'<a class="anchor-link"[^>]*>[^<]*</a>', "", body)  # the headings' '¶' links
    # random ids (pandas Styler's table uuids, papermill's injected cell ids) would become Word bookmarks
    body = re.sub(r'\s(?:id|name)="(?:T_[0-9a-f]{5}|cell-id=)[^"]*"', "", body)
    return f'<html><head><meta charset="utf-8"><title>Report</title></head><body>{body}</body></html>'


@lru_cache(maxsize=1)
def _body_exporter():
    """One per process: building it loads and compiles the templates."""
    from analysis.pipeline.render import html_exporter

    return html_exporter(template_name="basic", embed_images=True, exclude_input=True,
                        exclude_input_prompt=True, exclude_output_prompt=True, anchor_link_text="")


DATA_URI = re.compile(r'src="data:image/(png|jpeg|gif|svg\+xml);base64,([^"]+)"')
IMAGE_SUFFIX = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "svg+xml": ".svg"}


def images_to_files(html: str, folder: Path) -> str:
    """Embedded images written beside the page and linked: pandoc's HTML reader spends seconds on
    megabytes of data URIs (2.7 s against 0.7 s for the report)."""
    count = 0

    def write(match: re.Match) -> str:
        nonlocal count
        count += 1
        name = f"image{count}{IMAGE_SUFFIX[match.group(1)]}"
        (folder / name).write_bytes(base64.b64decode(match.group(2)))
        return f'src="{name}"'

    return DATA_URI.sub(write, html)


def render_notebook_docx(executed, docx_path: str | Path) -> Path:
    """Executed notebook (a path, or the notebook in memory) -> a Word document (headings, real tables,
    embedded figures), written atomically."""
    return start_notebook_docx(executed, docx_path)()


def start_notebook_docx(executed, docx_path: str | Path) -> Callable[[], Path]:
    """Start pandoc on the notebook and return at once; the function returned waits for it and writes
    ``docx_path`` (so the HTML pages can be rendered meanwhile: pandoc takes most of a second)."""
    html = notebook_body_html(executed)
    tmp = tempfile.TemporaryDirectory()
    try:
        folder = Path(tmp.name)
        ref = reference_docx(folder / "reference.docx")
        src = folder / "report.html"
        src.write_text(images_to_files(html, folder), encoding="utf-8")
        out = folder / "report.docx"
        # images are read from this folder only; the page is the notebook's own (no remote links)
        pandoc_done = _start_pandoc("--from=html", "--to=docx", f"--reference-doc={ref}", f"--resource-path={folder}",
                               "-o", str(out), str(src))
    except BaseException:
        tmp.cleanup()
        raise

    def finish() -> Path:
        try:
            pandoc_done()
            with atomic_path(docx_path, suffix=".docx") as tmp_out:
                tmp_out.write_bytes(out.read_bytes())
        finally:
            tmp.cleanup()
        return Path(docx_path)

    return finish
