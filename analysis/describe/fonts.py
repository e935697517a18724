"""The CJK font of every figure: Noto Sans CJK SC from the PyPI package ``mplfonts``, registered with
matplotlib, so Chinese labels render on a machine without Chinese system fonts."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

# A fresh Linux machine usually has no Chinese fonts: matplotlib then draws empty boxes and
# warns "Glyph ... missing from font(s)". mplfonts ships this file (SIL Open Font License).
FONT_FILE = "NotoSansCJKsc-Regular.otf"
# Latin fallback for the rare glyph the CJK font lacks; DejaVu ships with matplotlib.
FALLBACK_FAMILIES = ("DejaVu Sans",)


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC font file inside the installed ``mplfonts`` package."""
    try:
        import mplfonts
    except ImportError as exc:  # pragma: no cover - mplfonts is a pinned dependency
        raise RuntimeError("the PyPI package 'mplfonts' is needed for Chinese labels: pip install mplfonts") from exc
    path = Path(mplfonts.__file__).resolve().parent / "fonts" / FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"mplfonts is installed but {path} is missing; reinstall mplfonts")
    return path


def cjk_family_name() -> str:
    """The family name matplotlib knows the font by (e.g. 'Noto Sans CJK SC')."""
    return font_manager.FontProperties(fname=str(cjk_font_path())).get_name()


def use_cjk_font() -> str:
    """Register the CJK font and make it the default sans-serif; safe to call many times.

    Returns the family name. Sets ``font.family = sans-serif`` with the CJK family
    first (it covers Latin too), and ``axes.unicode_minus = False`` because the
    Unicode minus sign is drawn as a box by some CJK fonts.
    """
    path = cjk_font_path()
    family = cjk_family_name()
    registered = {Path(f.fname).resolve() for f in font_manager.fontManager.ttflist}
    if path not in registered:
        font_manager.fontManager.addfont(str(path))
    rest = [f for f in mpl.rcParams["font.sans-serif"] if f != family and f not in FALLBACK_FAMILIES]
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["font.sans-serif"] = [family, *FALLBACK_FAMILIES, *rest]
    mpl.rcParams["axes.unicode_minus"] = False
    # SVG text as paths: the figure reads the same in a browser without the font.
    mpl.rcParams["svg.fonttype"] = "path"
    return family
