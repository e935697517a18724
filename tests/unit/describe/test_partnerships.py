"""China's partners, the distance table and the external chapter's figures, on a few hand-made rows."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.describe import partnerships
from analysis.describe.registry import FIGURES
from analysis.geo import great_circle_km

ROWS = [  # name_a, iso_a, lat_a, lon_a, name_b, iso_b, lat_b, lon_b
    ("Shanghai", "CN", 31.2, 121.5, "Osaka", "JP", 34.7, 135.5),
    ("Hamburg", "DE", 53.6, 10.0, "Shanghai", "CN", 31.2, 121.5),
    ("Shanghai", "CN", 31.2, 121.5, "Chicago", "US", 41.9, -87.6),
    ("Xi'an", "CN", 34.3, 108.9, "Kyoto", "JP", 35.0, 135.8),
    ("Xi'an", "CN", 34.3, 108.9, "Shanghai", "CN", 31.2, 121.5),  # domestic: not a foreign partner
    ("Osaka", "JP", 34.7, 135.5, "Chicago", "US", 41.9, -87.6),
]


def hand_made_rels() -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=["name_a", "iso_a", "lat_a", "lon_a", "name_b", "iso_b", "lat_b", "lon_b"])
    return df.assign(dataset="twin_cities_global", city_a="", city_b="",
                     distance_km=great_circle_km(df["lat_a"], df["lon_a"], df["lat_b"], df["lon_b"]))


@pytest.fixture
def rels() -> pd.DataFrame:
    return hand_made_rels()


def external_figure_inputs() -> dict[str, tuple]:
    """The arguments of the external chapter's figures (test_figures.figure_inputs takes them from here)."""
    rels = hand_made_rels()
    pairs = partnerships.china_pairs(rels)
    return {
        "partnership_degree_distribution": ({"as_given": pd.DataFrame({"degree": [1, 2, 3], "nodes": [5, 2, 1]})},),
        "china_partners": (partnerships.partners_by_continent_country(pairs),),
        "partnership_distance": (partnerships.partnership_by_distance(pairs, rels),),
        "german_establishments": (pd.DataFrame({"decade": [1960, 1970], "Europe": [3, 4], "Asia": [0, 1]}),),
    }


def test_china_pairs_put_the_chinese_city_first_and_leave_domestic_pairs_out(rels):
    pairs = partnerships.china_pairs(rels)
    assert sorted(zip(pairs["cn_name"], pairs["partner"])) == [
        ("Shanghai", "Chicago"), ("Shanghai", "Hamburg"), ("Shanghai", "Osaka"), ("Xi'an", "Kyoto")]
    by = partnerships.partners_by_continent_country(pairs)
    assert by.iloc[0][["continent", "country", "partnerships"]].tolist() == ["Asia", "JP", 2]
    top = partnerships.top_chinese_cities(pairs)
    assert top.iloc[0][["cn_name", "partners", "countries"]].tolist() == ["Shanghai", 3, 3]


def test_distance_table_counts_partnerships_and_all_chinese_foreign_pairs(rels):
    pairs = partnerships.china_pairs(rels)
    table = partnerships.partnership_by_distance(pairs, rels)
    # 2 Chinese cities x 4 foreign cities = 8 pairs, 4 of them partners
    assert table["city_pairs"].sum() == 8 and table["partnerships"].sum() == 4
    nonzero = table[table["city_pairs"] > 0]
    assert np.allclose(nonzero["share_per_1000"], 1000 * nonzero["partnerships"] / nonzero["city_pairs"])


def test_every_external_figure_draws():
    for name, args in external_figure_inputs().items():
        fig = FIGURES[name].draw(*args)
        assert fig.axes and fig.get_size_inches()[0] == FIGURES[name].width_in
        plt.close(fig)
