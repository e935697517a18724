"""``RawData``, the validated raw data as typed frames with city ids resolved, and
``RawDataError``, raised with every problem when the data are not valid."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.data.files import Problem

FRAMES = ("cities", "relationships", "events", "city_years", "observed_years")  # the frame attributes of a RawData


def _no_windows() -> pd.DataFrame:
    return pd.DataFrame({"relationship_id": pd.Series([], dtype=object), "year": pd.Series([], dtype="int64"),
                         "source": pd.Series([], dtype=object)})


@dataclass
class RawData:
    """Validated raw data; city references are resolved to city ids."""

    cities: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    city_years: pd.DataFrame
    sources: dict[str, dict[str, Any]]
    files: list[str] = field(default_factory=list)
    # relationship_id, year, source: the relationship-years each source's ``covers`` watched
    # (empty when no source has ``covers``: then every year counts as observed)
    observed_years: pd.DataFrame = field(default_factory=_no_windows)


class RawDataError(ValueError):
    """The raw data has problems; ``.problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(str(p) for p in self.problems[:50])
        more = f"\n... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the raw data:\n{shown}{more}")
