"""HTML renderings of executed notebooks: one self-contained file each.

Images are embedded (base64), code can be hidden, no script is fetched from the network,
and the Chinese glyphs the page uses travel with it, so a rendering can be published or
opened offline as it is.
"""

from __future__ import annotations

from pathlib import Path

# nbconvert's lab template loads require.js, MathJax and mermaid from a CDN; a published
# report must open offline without console errors, so those blocks are emptied.
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def render_notebook_html(executed_ipynb: str | Path, html_path: str | Path, hide_code: bool = True) -> Path:
    """Executed notebook -> one self-contained UTF-8 HTML file, written atomically.

    Images are embedded (base64), code cells hidden with ``hide_code``, and no script
    is fetched from the network, so the file can be published or opened offline as is.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    from analysis.io import write_text

    nb = nbformat.read(str(executed_ipynb), as_version=4)
    exporter = HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"offline_lab.html.j2": OFFLINE_TEMPLATE})],
        template_file="offline_lab.html.j2", embed_images=True,
        exclude_input=hide_code, exclude_input_prompt=hide_code, exclude_output_prompt=hide_code,
    )
    body, _ = exporter.from_notebook_node(nb)
    if "<meta charset" not in body[:2000].lower():
        body = body.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    body = body.replace("</head>", embedded_font_css(body) + "\n</head>", 1)
    return write_text(html_path, body)


EMBEDDED_FAMILY = "Compendium CJK"


def embedded_font_css(html_text: str) -> str:
    """A ``<style>`` with the CJK font, cut down to the characters the page uses, inlined.

    A reader's machine may lack Chinese fonts (a fresh Linux box shows boxes), so the
    page carries the glyphs it needs: the Noto Sans CJK SC font of ``mplfonts``,
    subset with fontTools (a few dozen kB instead of 16 MB), as a base64 WOFF font.
    It comes first in every font list: the subset holds only the page's CJK characters
    (U+2E80 and up), so Latin text falls through to the system fonts, while Chinese text
    in every element gets these glyphs (last in the list, Chromium on a machine without
    CJK fonts drew boxes inside table cells).
    """
    import base64
    import io

    from fontTools import subset

    from analysis.describe.fonts import cjk_font_path

    # CJK blocks only (from U+2E80): general punctuation such as “ ” – stays with the
    # system font, since this font comes first and would draw it full-width
    chars = sorted({c for c in html_text if ord(c) >= 0x2E80})
    if not chars:
        return ""
    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; woff2 would need brotli
    options.name_IDs = ["*"]  # keep the licence and name records
    options.notdef_outline = True
    font = subset.load_font(str(cjk_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(chars))
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
