"""HTML renderings of executed notebooks (self-contained: images embedded)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from .io import write_text


def render_notebook_html(executed: str | Path, html_path: str | Path, hide_code: bool = False) -> Path:
    """Write ``executed`` as one HTML file; with ``hide_code`` only outputs and text are shown."""
    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(embed_images=True, exclude_input=hide_code, exclude_input_prompt=hide_code,
                            exclude_output_prompt=hide_code)
    body, _ = exporter.from_notebook_node(nb)
    if "<meta charset" not in body.lower():
        body = body.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    return write_text(html_path, body)
