"""The gold corpus: large enough, and extraction F1 on it not below the committed baseline
(bench/extraction.csv, written by `make bench`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.gazetteer import build_gazetteer
from analysis.extract.events import sentences
from analysis.extract.scoring import (
    document_pairs,
    load_gold,
    prefecture_map,
    score,
    sentence_pairs,
)

BENCH = Path(__file__).resolve().parents[3] / "bench"
TOLERANCE = 0.005


def gold_f1(index, overlay) -> tuple[float, int]:
    gazetteer = build_gazetteer(overlay)
    items = load_gold(BENCH / "extraction_gold" / "gold.jsonl", gazetteer)
    pairs, prefecture = [], prefecture_map(gazetteer.cities)
    for item in items:
        pairs += sentence_pairs(item, index, prefecture)  # read as the CLI reads a file, then analysed
    n_sentences = sum(len(sentences(i["text"])) for i in items)
    return float(score(pairs).set_index("kind").loc["all", "f1"]), n_sentences


def test_gold_f1_not_below_baseline(index, overlay):
    f1, n_sentences = gold_f1(index, overlay)
    assert n_sentences >= 150
    table = pd.read_csv(BENCH / "extraction.csv")
    baseline = float(table.query("corpus == 'gold_all' and kind == 'all'")["f1"].iloc[0])
    assert baseline >= 0.85
    assert f1 >= baseline - TOLERANCE, f"gold F1 {f1:.4f} fell below the committed baseline {baseline:.4f}"


def test_news_corpora_f1_not_below_baseline(index, overlay):
    """Each corpus of whole documents scores at least its committed F1 (they are the project's own writing)."""
    gazetteer = build_gazetteer(overlay)
    table = pd.read_csv(BENCH / "extraction.csv").query("kind == 'all'").set_index("corpus")
    folders = sorted(p.parent for p in BENCH.glob("extraction_news*/gold.jsonl"))
    assert folders
    for folder in folders:
        name = folder.name.removeprefix("extraction_")
        f1 = float(score(document_pairs(folder, gazetteer, index, prefecture_map(gazetteer.cities)))
                   .set_index("kind").loc["all", "f1"])
        baseline = float(table.loc[name, "f1"])
        assert f1 >= baseline - TOLERANCE, f"{name}: F1 {f1:.4f} fell below the committed baseline {baseline:.4f}"

