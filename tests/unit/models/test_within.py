import numpy as np

from analysis.models.power import DEFAULT_EFFECTS
from analysis.models.result import DRIVERS
from analysis.models.within import DESCRIPTIVE_NOTE, within_relationship


def test_within_relationship_names_identifying_relationships(panel):
    df = panel.copy()
    always = df["relationship_id"].isin(df["relationship_id"].unique()[:5])
    df.loc[always, "active"] = 1
    r = within_relationship(df, terms=DRIVERS + ["log_distance"])
    assert r.ok
    n_switch = int(df.dropna(subset=DRIVERS).groupby("relationship_id")["active"].nunique().gt(1).sum())
    assert r.warnings[1].startswith(f"Identified by {n_switch} of 400 relationships")
    assert r.numbers["n_relationships"] == n_switch
    row = r.table.set_index("term").loc["log_distance"]
    assert np.isnan(row["estimate"]) and "does not vary within" in row["note"]
    assert r.table.set_index("term").loc["leader_visit_lag", "estimate"] > 0


def test_within_relationship_without_switching_relationships_says_so(panel):
    r = within_relationship(panel.assign(active=1))
    assert not r.ok and "switches between active and inactive years" in r.warnings[0]


def test_within_relationship_is_descriptive_because_it_is_biased(panel):
    # The simulator plants the drivers' log-odds effects (DEFAULT_EFFECTS) with no relationship
    # effect at all, so a consistent estimator would land near them; the conditional logit lands
    # far below every one of them (the drivers add up to the lagged outcome: short-panel bias).
    r = within_relationship(panel)
    t = r.table.set_index("term")
    for term in DRIVERS:
        assert t.loc[term, "estimate"] < DEFAULT_EFFECTS[term] - 0.3, term
    # ... hence no standard errors, intervals or p-values, in the table or the numbers, and a note why.
    assert t[["se", "ci_low", "ci_high", "ratio_ci_low", "ratio_ci_high", "p"]].isna().all().all()
    assert np.allclose(t["ratio"], np.exp(t["estimate"]))
    assert all(np.isnan(v["p"]) and np.isnan(v["ci_low"]) for v in r.numbers["terms"].values())
    assert r.numbers["descriptive"] is True and "descriptive" in r.fit
    assert r.table["note"].str.contains(DESCRIPTIVE_NOTE, regex=False).all()
