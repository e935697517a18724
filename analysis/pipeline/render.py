"""HTML renderings of executed notebooks: one self-contained file each.

Images are embedded (base64), code can be hidden, no script is fetched from the network,
and the Chinese glyphs the page uses travel with it, so a rendering can be published or
opened offline as it is.
"""

from __future__ import annotations

import re
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

    return html_exporter(
        extra_loaders=[jinja2.DictLoader({"offline_lab.html.j2": OFFLINE_TEMPLATE})],
        template_file="offline_lab.html.j2", embed_images=True,
        exclude_input=hide_code, exclude_input_prompt=hide_code, exclude_output_prompt=hide_code,
    )


def html_exporter(**traits: Any) -> Any:
    """nbconvert's ``HTMLExporter`` with these settings, less its last step: a BeautifulSoup pass over the
    whole page (40% of a page's time when it embeds many figures) that gives images without an ``alt``
    nbconvert's placeholder text and makes cells focusable. The same two touches are made here on the
    text (:func:`accessible`); a test checks the page equals nbconvert's once both are parsed."""
    return _exporter_class()(**traits)


@lru_cache(maxsize=1)
def _exporter_class() -> type:
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node of nbconvert 7.17, up to its BeautifulSoup pass
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                     resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible(characters(html)), resources

    return PageExporter


NO_ALT = "No description has been provided for this image"  # nbconvert's words
_IMG = re.compile(r"<img\b([^>]*)>")  # one greedy scan: images carry megabytes of base64 in their src
_HAS_ALT = re.compile(r"\salt=")
_FOCUSABLE = re.compile(r'<div\b([^>]*\sclass="[^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*"[^>]*)>')


def _closed(attributes: str, added: str) -> str:
    """``added`` after the attributes, before a self-closing slash."""
    body = attributes.rstrip()
    if body.endswith("/"):
        return f"{body[:-1].rstrip()} {added}/"
    return f"{body} {added}"


_REFERENCE = re.compile(r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));")
_KEPT_ESCAPED = set('<>&"\'')
_RAW_TEXT = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>)", re.DOTALL | re.IGNORECASE)


def characters(html: str) -> str:
    """Numeric character references as the characters (nbconvert's markdown writes a heading's 年 as
    ``&#24180;``, which its BeautifulSoup pass decoded): the page's text then holds every character it
    shows, which the embedded font is cut down to. Markup characters, controls, and anything inside a
    script or style stay as written."""
    def decode(m: re.Match) -> str:
        code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return m.group(0)
        char = chr(code)
        return m.group(0) if char in _KEPT_ESCAPED or not (char.isprintable() or char in "\t\n") else char

    # scripts and styles are left as written (an HTML parser does not decode inside them either)
    parts = _RAW_TEXT.split(html)
    return "".join(part if i % 2 else _REFERENCE.sub(decode, part) for i, part in enumerate(parts))


def accessible(html: str) -> str:
    """What nbconvert's final pass adds: ``alt`` on images without one, ``tabindex`` on cell inputs and outputs."""
    alt, tabindex = f'alt="{NO_ALT}"', 'tabindex="0"'
    html = _IMG.sub(lambda m: m.group(0) if _HAS_ALT.search(m.group(1)) else f"<img{_closed(m.group(1), alt)}>",
                    html)
    return _FOCUSABLE.sub(lambda m: m.group(0) if "tabindex=" in m.group(1)
                          else f"<div{_closed(m.group(1), tabindex)}>", html)


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
    # set() first: the page is megabytes of base64, a few thousand distinct characters
    chars = "".join(sorted(c for c in set(html_text) if ord(c) >= 0x2E80))
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
