"""The CJK font from mplfonts renders Chinese labels with no missing-glyph warning."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from analysis.describe.fonts import cjk_font_path, use_cjk_font  # noqa: E402

CHINESE = "巴中市与虹口区的友好城市关系：东西部协作、对口合作（2013–2024年）"


def draw(text: str) -> list[str]:
    """Draw a figure with ``text`` everywhere and return the warning messages raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title(text)
        ax.set_xlabel("年份 year")
        ax.set_ylabel("事件数 events −1")
        ax.plot([-1, 1], [-2, 2])
        ax.legend(["长三角 Yangtze River Delta"])
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        fig.savefig(io.BytesIO(), format="svg")
        plt.close(fig)
    return [str(w.message) for w in caught]


def test_font_file_comes_from_the_pypi_package():
    path = cjk_font_path()
    assert path.is_file() and "mplfonts" in path.parts


def test_use_cjk_font_is_idempotent_and_sets_rcparams():
    family = use_cjk_font()
    n_fonts = len(font_manager.fontManager.ttflist)
    assert use_cjk_font() == family
    assert len(font_manager.fontManager.ttflist) == n_fonts  # registered once only
    assert mpl.rcParams["font.sans-serif"][0] == family
    assert mpl.rcParams["font.sans-serif"].count(family) == 1
    assert mpl.rcParams["font.family"] == ["sans-serif"]
    assert mpl.rcParams["axes.unicode_minus"] is False
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert found == str(cjk_font_path())


def test_chinese_labels_raise_no_missing_glyph_warning():
    use_cjk_font()
    messages = draw(CHINESE)
    assert not [m for m in messages if "missing from" in m or "Glyph" in m], messages


def test_without_the_cjk_font_the_check_does_catch_missing_glyphs():
    # Proves the check above can fail: DejaVu alone lacks Chinese glyphs.
    with mpl.rc_context({"font.family": ["DejaVu Sans"], "font.sans-serif": ["DejaVu Sans"]}):
        messages = draw(CHINESE)
    assert any("missing from" in m for m in messages)
