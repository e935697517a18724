"""HTML renderings of executed notebooks: one self-contained file each.

Images are embedded (base64), code can be hidden, no script is fetched from the network,
and the Chinese glyphs the page uses travel with it, so a rendering can be published or
opened offline as it is.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

# nbconvert's lab template loads require.js, MathJax and mermaid from a CDN; a published
# report must open offline without console errors, so those blocks are emptied.
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def render_notebook_html(executed: str | Path | Any, html_path: str | Path, hide_code: bool = True,
                         embed_font: bool = True, font_cache: str | Path | None = None) -> Path:
    """Executed notebook (a file, or the notebook papermill returned) -> one self-contained UTF-8
    HTML file, written atomically.

    Images are embedded (base64), code cells hidden with ``hide_code``, and no script
    is fetched from the network, so the file can be published or opened offline as is.
    ``embed_font=False`` leaves the CJK glyphs to the reader's fonts (the runner's working
    copies with code); ``font_cache``: a folder keeping each subset font by its characters.
    """
    from analysis.io import write_text

    if isinstance(executed, (str, Path)):
        import nbformat

        executed = nbformat.read(str(executed), as_version=4)
    body, _ = _exporter(hide_code).from_notebook_node(executed)
    if "<meta charset" not in body[:2000].lower():
        body = body.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    if embed_font:
        body = body.replace("</head>", embedded_font_css(body, font_cache) + "\n</head>", 1)
    return write_text(html_path, body)


@lru_cache(maxsize=2)
def _exporter(hide_code: bool) -> Any:
    """One exporter per process and kind: building one loads and compiles the templates (about 0.3 s)."""
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"offline_lab.html.j2": OFFLINE_TEMPLATE})],
        template_file="offline_lab.html.j2", embed_images=True,
        exclude_input=hide_code, exclude_input_prompt=hide_code, exclude_output_prompt=hide_code,
    )


EMBEDDED_FAMILY = "Compendium CJK"


def embedded_font_css(html_text: str, cache_dir: str | Path | None = None) -> str:
    """A ``<style>`` with the CJK font, cut down to the characters the page uses, inlined.

    A reader's machine may lack Chinese fonts (a fresh Linux box shows boxes), so the
    page carries the glyphs it needs: the Noto Sans CJK SC font of ``mplfonts``,
    subset with fontTools (a few dozen kB instead of 16 MB), as a base64 WOFF font.
    It comes first in every font list: the subset holds only the page's CJK characters
    (U+2E80 and up), so Latin text falls through to the system fonts, while Chinese text
    in every element gets these glyphs (last in the list, Chromium on a machine without
    CJK fonts drew boxes inside table cells).
    """
    # CJK blocks only (from U+2E80): general punctuation such as “ ” – stays with the
    # system font, since this font comes first and would draw it full-width
    chars = "".join(sorted({c for c in html_text if ord(c) >= 0x2E80}))
    if not chars:
        return ""
    if cache_dir is None:
        return _font_css(chars)
    # subsetting a 16 MB CJK font takes about a second; a rerun's pages use the same characters
    from analysis.hashing import value_sha256
    from analysis.io import write_text

    from analysis.describe.fonts import cjk_font_path

    font = cjk_font_path()
    import fontTools

    key = value_sha256({"chars": chars, "font": [font.name, font.stat().st_size], "css": _CSS_VERSION,
                        "fonttools": fontTools.version})
    cached = Path(cache_dir) / f"{key[:32]}.css"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    css = _font_css(chars)
    write_text(cached, css)
    return css


_CSS_VERSION = 1  # bump when _font_css changes what it writes


@lru_cache(maxsize=64)
def _font_css(chars: str) -> str:
    """The ``<style>`` for these characters (pages of one run share most of them: subset once)."""
    import base64
    import io

    from fontTools import subset

    from analysis.describe.fonts import cjk_font_path

    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; woff2 would need brotli
    options.name_IDs = ["*"]  # keep the licence and name records
    options.notdef_outline = True
    font = subset.load_font(str(cjk_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    sans = f'"{EMBEDDED_FAMILY}", system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
    mono = f'"{EMBEDDED_FAMILY}", menlo, consolas, "DejaVu Sans Mono", monospace'
    return (
        "<style>\n"
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; src: url(data:font/woff;base64,{data}) format("woff"); }}\n'
        f":root {{ --jp-content-font-family: {sans}; --jp-ui-font-family: {sans}; "
        f"--jp-code-font-family: {mono}; --jp-code-font-family-default: {mono}; }}\n"
        f"body, table, .jp-RenderedHTMLCommon {{ font-family: {sans}; }}\n"
        f"pre, code {{ font-family: {mono}; }}\n"
        "</style>"
    )
