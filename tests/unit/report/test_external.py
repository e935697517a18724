"""The external chapter: one sentence when skipped; else the comparison, KONECT sentence, model and caveats."""

import pandas as pd

from analysis.report.external import CAVEATS, external_chapter, ordered_display


def test_a_skipped_chapter_says_why():
    parts = external_chapter({"partnership_network": {"skipped": "offline"}}, "/nonexistent")
    assert parts == ["*The external-data chapter was skipped: offline.*"]


def test_the_chapter_shows_tables_the_konect_sentence_and_caveats(tmp_path):
    pd.DataFrame({"statistic": ["nodes"], "as_given": [10], "konect_wikidata": [14274]}).to_csv(
        tmp_path / "external_network_comparison.csv", index=False)
    pd.DataFrame({"term": ["log_distance", "same_country"], "estimate": [0.2, None], "se": [0.1, None],
                  "se_model": [0.08, None], "ratio": [1.22, None], "ratio_ci_low": [1.0, None],
                  "ratio_ci_high": [1.5, None], "p": [0.04, None],
                  "note": ["", "not estimated: no variation"], "fit": ["ordered logit, 10 rows", ""]}).to_csv(
        tmp_path / "external_ordered_logit.csv", index=False)
    numbers = {"partnership_network": {"as_given": {"nodes": 10, "edges": 12, "assortativity": 0.3},
                                       "konect": {"nodes": 14274, "edges": 20573, "assortativity": 0.39,
                                                  "average_clustering": 0.11},
                                       "resolved_share": {"twin_cities_global": {"places": 10, "share_places": 0.5,
                                                                                 "share_mentions": 0.6}}}}
    parts = external_chapter(numbers, tmp_path)
    text = "\n".join(p for p in parts if isinstance(p, str))
    assert "50.0%" in text and "14,274" in text and "They differ because" in text and CAVEATS[0][:30] in text
    tables = [p for p in parts if isinstance(p, pd.DataFrame)]
    assert len(tables) == 2
    shown = ordered_display(pd.read_csv(tmp_path / "external_ordered_logit.csv"))
    assert shown["Term"].tolist() == ["log_distance", "same_country"] and shown.loc[1, "Estimate"] == "—"


def test_the_network_comparison_shows_counts_as_whole_numbers_and_ratios_to_three_decimals():
    from analysis.report.external import comparison_display

    table = pd.DataFrame({"statistic": ["nodes", "transitivity", "mean_degree"], "as_given": [17717.0, 0.172413, 2.92533],
                          "konect_wikidata": [14274.0, None, None]})
    shown = comparison_display(table)
    assert shown["as_given"].tolist() == ["17,717", "0.172", "2.925"]
    assert shown["konect_wikidata"].tolist() == ["14,274", "—", "—"]
