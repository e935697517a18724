"""What makes a German partnership deep: the design of the ordered logit of tier (contact <
friendship < partnership) on the German list, and the timeline of establishments.

Terms: log distance; log population of the German municipality and of the partner (GeoNames, or
the 2010 census for Chinese partners; rows whose places did not resolve have none and are left out);
partner in Germany / in a neighbouring country (reference: farther abroad); decade of establishment
(reference: before 1960); the partner's continent as the list gives it (reference: Europe). No partner in the list is in
Germany, so the same-country term is reported as not estimated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.external.harmonise import GERMAN, TIER_ORDER
from analysis.geo import log_distance_km
from analysis.models.ordered import fit_ordered_logit

NEIGHBOURS_DE = ("AT", "BE", "CH", "CZ", "DK", "FR", "LU", "NL", "PL")  # countries bordering Germany
DECADES = ("before 1960", "1960s", "1970s", "1980s", "1990s", "2000-2014")
CONTINENTS_EN = {"Europa": "Europe", "Asien": "Asia", "Amerika": "Americas", "Afrika": "Africa",
                 "Australien": "Oceania"}
MIN_ROWS_PER_LEVEL = 20  # a continent with fewer rows is left out (Oceania: 1 row; a dummy on it is separation)
POPULATION_TERMS = ("log_population_de", "log_population_partner")
MODEL = "external_ordered_logit"


def decade(year: pd.Series) -> pd.Series:
    """The decade group of a year of establishment (blank when unknown)."""
    y = pd.to_numeric(year, errors="coerce")
    out = pd.Series(pd.NA, index=y.index, dtype="object")
    out[y < 1960] = DECADES[0]
    for d, label in zip(range(1960, 2000, 10), DECADES[1:5]):
        out[(y >= d) & (y < d + 10)] = label
    out[y >= 2000] = DECADES[5]
    return out


def german_rows(rels: pd.DataFrame) -> pd.DataFrame:
    return rels[rels["dataset"] == GERMAN].copy()


def depth_design(rels: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """German rows with the model's columns: ``tier``, the term columns, and the two sides' ids
    (an unresolved side keeps its name, so the dyadic SEs still group its rows)."""
    de = german_rows(rels)
    de = de[de["tier"].isin(TIER_ORDER)]
    out = pd.DataFrame({"tier": de["tier"], "relationship_id": de["relationship_id"]}, index=de.index)
    out["log_distance"] = log_distance_km(de["distance_km"])
    with np.errstate(divide="ignore"):
        out["log_population_de"] = np.log(de["population_a"].where(de["population_a"] > 0))
        out["log_population_partner"] = np.log(de["population_b"].where(de["population_b"] > 0))
    iso = de["iso_b"].fillna("")
    out["same_country"] = (iso == "DE").astype(float)
    out["neighbouring_country"] = iso.isin(NEIGHBOURS_DE).astype(float)
    dec = decade(de["established"])
    decade_terms = [f"decade_{d.split()[0] if d[0].isdigit() else 'pre1960'}" for d in DECADES[1:]]
    for label, term in zip(DECADES[1:], decade_terms):
        out[term] = (dec == label).astype(float).where(dec.notna())
    cont = de["continent_b"].map(CONTINENTS_EN)
    cont = cont.where(cont.map(cont.value_counts()) >= MIN_ROWS_PER_LEVEL)  # unknown or too rare: left out
    continent_terms = []
    for c in sorted(set(cont.dropna()) - {"Europe"}):
        out[f"continent_{c.lower()}"] = (cont == c).astype(float).where(cont.notna())
        continent_terms.append(f"continent_{c.lower()}")
    ids_a, ids_b = de["city_a"].fillna(""), de["city_b"].fillna("")
    out["city_a"] = ids_a.where(ids_a != "", "DE:" + de["name_a"].fillna(""))
    out["city_b"] = ids_b.where(ids_b != "", de["country_b"].fillna("") + ":" + de["name_b"].fillna(""))
    terms = ["log_distance", "log_population_de", "log_population_partner", "same_country", "neighbouring_country",
             *decade_terms, *continent_terms]
    return out, terms


def partnership_depth(rels: pd.DataFrame, ci_level: float = 0.95, with_population: bool = True):
    """The ordered logit of tier on the German list: ``(ModelResult, statsmodels results or None)``.

    Without the population terms the model keeps the rows whose places did not resolve (most of them)."""
    design, terms = depth_design(rels)
    if not with_population:
        terms = [t for t in terms if t not in POPULATION_TERMS]
    name = MODEL if with_population else f"{MODEL}_no_population"
    return fit_ordered_logit(design, "tier", TIER_ORDER, terms, ci_level=ci_level, model=name)


def establishments_by_decade(rels: pd.DataFrame) -> pd.DataFrame:
    """German partnerships established per decade (rows) and partner continent (columns)."""
    de = german_rows(rels).dropna(subset=["established"])
    dec = (pd.to_numeric(de["established"]) // 10 * 10).astype(int)
    cont = de["continent_b"].map(CONTINENTS_EN).fillna("unknown")
    table = pd.crosstab(dec.rename("decade"), cont.rename("continent"))
    return table.reset_index().rename_axis(columns=None)
