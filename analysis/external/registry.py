"""The public datasets behind the external chapters: where each comes from, its licence, and
each file's SHA-256 (a fetched or copied file must match it, or it is refused).

Files are stored under ``data/external/source/<folder>/<name>`` (``folder`` and ``name`` as in
the shared read-only copy, ``../shared/data``); ``url`` is the file's public origin.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataFile:
    name: str  # file name in the dataset's folder
    url: str  # public origin of this exact file
    sha256: str


@dataclass(frozen=True)
class Dataset:
    folder: str
    title: str
    origin: str  # the repository a researcher would cite
    licence: str
    files: tuple[DataFile, ...]


def _gh(repo: str, ref: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{ref}/{path}"


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "twin_cities_global", "Sister/twin city pairs from the English Wikipedia lists, geocoded",
        "https://github.com/Hekman/twincities", "MIT (repository); content from Wikipedia, CC BY-SA",
        (DataFile("twin_cities.csv", _gh("Hekman/twincities", "master", "app/public/twin_cities.csv"),
                  "0964bc76ba1dffa002c1c7257292bf42f1c828d2df44aab22490341a708dd60a"),),
    ),
    Dataset(
        "twin_towns_de", "Partnerships of German municipalities with year established and tier",
        "https://github.com/muenchdo/TwinTowns", "MIT",
        (DataFile("partnerstaedte.csv", _gh("muenchdo/TwinTowns", "6144481", "build/data/partnerstaedte_final.csv"),
                  "7ebb25cdacc4bfa4b74aed63033f7598604fa39ccb8b617711d80fd303c433e3"),),
    ),
    Dataset(
        "china_census", "Chinese census 2010 and 2020 by prefecture-level unit",
        "https://github.com/leiii/census", "MIT",
        (DataFile("census_city_2010_2020.csv", _gh("leiii/census", "main", "data/census/census_city_2010-2020_v1.csv"),
                  "cef8ba063a7cda6f6eed99cd71cfa18aeed2ef09bc517a514810df874e99913a"),),
    ),
    Dataset(
        "china_crosswalk", "Chinese prefecture-level cities across renames and mergers, 1987-2026",
        "https://github.com/FIERsity/china-prefecture-crosswalk", "CC BY 4.0",
        tuple(DataFile(name, _gh("FIERsity/china-prefecture-crosswalk", "main", f"data/processed/{name}"), sha)
              for name, sha in (
                  ("aliases.csv", "7bd9ff5049dfbff3f885e9e3151b54b87bbb945850e033da630246cd5550719f"),
                  ("entities.csv", "c9dc2134e2d5e698b255945fe10d568a04c5cb0b120ce37d404e98d47777a8ff"),
                  ("entity_names_1987_2026.csv", "d5e05f20db33a747e9aa6acdeff118e7a9f00e57acd180ee037a2f52e205b9ab"),
              )),
    ),
    Dataset(
        "openflights", "OpenFlights airports and scheduled routes (c. 2014)",
        "https://github.com/jpatokal/openflights", "ODbL 1.0",
        (DataFile("airports.dat", _gh("jpatokal/openflights", "master", "data/airports.dat"),
                  "9387cdb38df5bd664da823f8ccb69fdd9b33a1888f5b7cca09c34a3cd9ff59f9"),
         DataFile("routes.dat", _gh("jpatokal/openflights", "master", "data/routes.dat"),
                  "bd373706238134f619c624c606dccc74c05c2582a977c489c81de501735f2390")),
    ),
)


def all_files() -> list[tuple[Dataset, DataFile]]:
    """Every (dataset, file) pair, in registry order."""
    return [(d, f) for d in DATASETS for f in d.files]


def dataset(folder: str) -> Dataset:
    for d in DATASETS:
        if d.folder == folder:
            return d
    raise KeyError(f"no external dataset {folder!r}; known: {', '.join(d.folder for d in DATASETS)}")
