import numpy as np

from analysis.models.result import DRIVERS
from analysis.models.within import within_relationship


def test_within_relationship_names_identifying_relationships(panel):
    df = panel.copy()
    always = df["relationship_id"].isin(df["relationship_id"].unique()[:5])
    df.loc[always, "active"] = 1
    r = within_relationship(df, terms=DRIVERS + ["log_distance"])
    assert r.ok
    n_switch = int(df.dropna(subset=DRIVERS).groupby("relationship_id")["active"].nunique().gt(1).sum())
    assert r.warnings[0].startswith(f"Identified by {n_switch} of 400 relationships")
    assert r.numbers["n_relationships"] == n_switch
    row = r.table.set_index("term").loc["log_distance"]
    assert np.isnan(row["estimate"]) and "does not vary within" in row["note"]
    assert r.table.set_index("term").loc["leader_visit_lag", "estimate"] > 0


def test_within_relationship_without_switching_relationships_says_so(panel):
    r = within_relationship(panel.assign(active=1))
    assert not r.ok and "switches between active and inactive years" in r.warnings[0]
