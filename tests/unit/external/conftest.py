"""Tiny external-data folders in the layout of ``../shared/data`` (a few rows each), and a
registry that names their hashes, so fetch and the command run without the real files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from analysis.external.registry import DataFile, Dataset

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"

TWIN = """city1,country1,lat1,lng1,city2,country2,lat2,lng2
Berlin,Germany,52.52,13.40,Beijing,China,39.90,116.40
Beijing,China,39.90,116.40,Berlin,Germany,52.52,13.40
Paris,France,48.86,2.35,Rome,Italy,41.90,12.50
Rome,Italy,41.90,12.50,Berlin,Germany,52.52,13.40
Berlin,Germany,52.52,13.40,Paris,France,48.86,2.35
Suzhou – Wujiang,China,31.16,120.64,Paris ,France,48.86,2.35
Yinzhou (Ningbo),China,29.80,121.55,Manchester,"England, United Kingdom",53.48,-2.24
Qwxzville,France,45.0,3.0,Rome,Italy,41.90,12.50
Rome,Italy,41.90,12.50,Rome,Italy,41.90,12.50
"""
GERMAN = """"gemeindename","plz","bundesland","latitude","longitude","partnergemeinde","land","kontinent","seit","form","latitude_partner","longitude_partner"
"Aachen","52062","Nordrhein-Westfalen","50.776","6.0872","Toledo","Spanien","Europa","1985","p","39.86","-4.02"
"Aachen","52062","Nordrhein-Westfalen","50.776","6.0872","Ningbo","China","Asien","1999","f","29.87","121.55"
"Köln","50667","Nordrhein-Westfalen","50.94","6.96","Lille","Frankreich","Europa","1958","k","50.63","3.06"
"""
CENSUS = '"city","city_code","province","province_code","popu_2020","popu_urban_2020","popu_rural_2020","popu_2010"\n' \
         '"宁波市","330200","浙江省","330000","9404283","1","1","7605689"\n' \
         '"北京市","110100","北京市","110000","21893095","1","1","19612368"\n'
CROSSWALK = {
    "entities.csv": "entity_id,legacy_entity_id,canonical_name_zh\nCNUR-000100,E420600,襄阳市\n",
    "entity_names_1987_2026.csv": "entity_id,name_zh,start_year,end_year\nCNUR-000100,襄樊市,1987,2009\n"
                                  "CNUR-000100,襄阳市,2010,2026\n",
    "aliases.csv": "alias,entity_id,alias_type\n襄樊,CNUR-000100,suffix_omitted\n",
}
AIRPORTS = ('1,"Tegel","Berlin","Germany","TXL","EDDT",52.55,13.29,1,1,"E","x","airport","x"\n'
            '2,"Capital","Beijing","China","PEK","ZBAA",40.08,116.58,1,8,"N","x","airport","x"\n'
            '3,"CDG","Paris","France","CDG","LFPG",49.01,2.55,1,1,"E","x","airport","x"\n')
ROUTES = "LH,1,TXL,1,PEK,2,,0,333\nCA,2,PEK,2,TXL,1,,0,333\nAF,3,CDG,3,TXL,1,,0,320\n"

FILES = {
    ("twin_cities_global", "twin_cities.csv"): TWIN, ("twin_towns_de", "partnerstaedte.csv"): GERMAN,
    ("china_census", "census_city_2010_2020.csv"): CENSUS,
    **{("china_crosswalk", k): v for k, v in CROSSWALK.items()},
    ("openflights", "airports.dat"): AIRPORTS, ("openflights", "routes.dat"): ROUTES,
}


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A local copy (``--from``) holding the tiny files."""
    root = tmp_path / "copy"
    for (folder, name), text in FILES.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def tiny_registry(monkeypatch) -> tuple[Dataset, ...]:
    """The registry with the tiny files' hashes and unreachable URLs (nothing downloads in tests)."""
    by_folder: dict[str, list[DataFile]] = {}
    for (folder, name), text in FILES.items():
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        by_folder.setdefault(folder, []).append(DataFile(name, f"http://127.0.0.1:9/{folder}/{name}", sha))
    datasets = tuple(Dataset(f, f, "origin", "licence", tuple(files)) for f, files in by_folder.items())
    from analysis.external import cli, fetch, registry

    monkeypatch.setattr(registry, "DATASETS", datasets)
    monkeypatch.setattr(fetch, "all_files", lambda: [(d, f) for d in datasets for f in d.files])
    monkeypatch.setattr(cli, "dataset", lambda folder: next(d for d in datasets if d.folder == folder))
    return datasets
