"""SOURCES.yaml: every source with its fields, in file order, and problems at their YAML line."""

from pathlib import Path

from analysis.data.sources import read_sources


def _read(tmp_path: Path, text: str, name: str = "SOURCES.yaml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    sources, problems = read_sources(tmp_path)
    return sources, [(p.file, p.line, p.column, p.value, p.message) for p in problems]


def test_sources_keep_their_fields_and_order(tmp_path):
    sources, problems = _read(tmp_path, (
        "zeta_2020:\n  title: Z\n  date: 2020-05-01\n  covers:\n    - years: 2018-2019\n      cities: [巴中市]\n"
        "alpha_2021:\n  title: A\n  publisher: P\n"
    ))
    assert problems == []
    assert list(sources) == ["zeta_2020", "alpha_2021"]
    assert sources["zeta_2020"] == {"title": "Z", "publisher": None, "date": "2020-05-01", "licence": None, "note": None,
                                    "covers": [{"years": "2018-2019", "cities": ["巴中市"]}]}


def test_entry_problems_name_their_line(tmp_path):
    sources, problems = _read(tmp_path, (
        "a:\n  title: A\n"
        "b:\n  publisher: P\n"
        "c: just text\n"
        "d:\n  title: D\n  date: 2020年13月\n"
        "a:\n  title: again\n"
    ))
    assert problems == [
        ("SOURCES.yaml", 3, "title", "b", "entry has no title"),
        ("SOURCES.yaml", 5, None, "c", "entry must be a mapping with title, publisher, date, licence, note"),
        ("SOURCES.yaml", 6, "date", "2020年13月", "source 'd': month 13 is not between 1 and 12"),
        ("SOURCES.yaml", 9, None, "a", "source key defined twice (first at line 1)"),
    ]
    assert list(sources) == ["a", "b", "d"]


def test_an_unusable_file_is_one_problem(tmp_path):
    sources, problems = read_sources(tmp_path)
    assert sources is None and [str(p) for p in problems] == ["SOURCES.yaml: required file is missing (it cites every source key)"]
    sources, problems = _read(tmp_path, "a:\n  title: [unclosed\n")
    assert sources is None and [(p[1], p[4].startswith("not valid YAML")) for p in problems] == [(3, True)]
    assert _read(tmp_path, "- a\n- b\n")[1] == [
        ("SOURCES.yaml", 1, None, None, "must map each source key to its title, publisher, date, licence, note")]
    assert _read(tmp_path, "")[1] == [("SOURCES.yaml", None, None, None, "holds no sources")]
    (tmp_path / "SOURCES.yaml").write_bytes("a:\n  title: 巴中\n".encode("gb18030"))
    assert read_sources(tmp_path)[1][0].message == "is not UTF-8 text"


def test_sources_yml_is_read_too(tmp_path):
    sources, problems = _read(tmp_path, "a:\n  title: A\n", name="SOURCES.yml")
    assert problems == [] and list(sources) == ["a"]
