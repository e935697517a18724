"""The command end to end: a folder of documents -> a candidate folder `validate` accepts,
review.html self-contained (and clean in headless Chromium when it is installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.validate import validate_raw
from analysis.extract.cli import main

DOC = """两地交流动态
5月15日至16日，巴中市委书记率巴中市党政代表团赴上海市虹口区考察学习，双方签署《东西部协作框架协议》。
期间，两地召开东西部协作联席会议，签约项目8个，总金额12.5亿元。
2013年1月，巴中市与上海市虹口区正式缔结友好城市关系。
2015年6月，四川天府新区党工委书记率队赴重庆两江新区考察。
巴中市计划于下半年赴金华市开展招商推介活动。
"""


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs")
    (docs / "2023-06-01_动态.txt").write_text(DOC, encoding="utf-8")
    (docs / "undated.txt").write_text("日前，金华市副市长率队赴巴中市考察。\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    assert main([str(docs), "--out", str(out)]) == 0
    return out


def test_output_is_valid_raw_data(extracted):
    result = validate_raw(extracted)
    assert result.problems == []
    events = pd.concat(pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted((extracted / "events").glob("*.csv")))
    assert set(events["kind"]) == {"visit", "agreement", "meeting", "project"}
    assert events["origin"].str.match(r"^CN-(\d{6}|X-[A-Z]+)$").all()
    assert events["note"].str.contains(r"2023-06-01_动态\.txt, chars \d+-\d+").all()
    rel = pd.read_csv(extracted / "relationships.csv", dtype=str)
    assert list(rel["kind"]) == ["sister_city"] and rel["established"].iloc[0] == "2013-01"
    assert (extracted / "events" / "2013.csv").exists() and (extracted / "events" / "2023.csv").exists()


def test_overlay_cities_used_are_written_beside_the_events(extracted, overlay):
    if overlay is None:
        pytest.skip("no cities.csv overlay in data/raw")
    cities = pd.read_csv(extracted / "cities.csv", dtype=str)
    assert set(cities["city_id"]) == {"CN-X-TIANFU", "CN-X-LIANGJIANG"}


def test_undated_document_is_read_with_a_warning(extracted, capsys):
    html = (extracted / "review.html").read_text(encoding="utf-8")
    assert "no publication date" in html
    assert "2023_06_01" in (extracted / "SOURCES.yaml").read_text(encoding="utf-8")


def test_review_page_is_self_contained(extracted):
    html = (extracted / "review.html").read_text(encoding="utf-8")
    assert '<mark class="place"' in html and '<mark class="date"' in html and '<mark class="cue"' in html
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_bad_input_exits_2_listing_every_problem(tmp_path, capsys):
    assert main([str(tmp_path / "missing"), "--out", str(tmp_path / "o"), "--published", "2023-13-40"]) == 2
    err = capsys.readouterr().err
    assert "missing" in err and "--published" in err
    assert main(["--out", str(tmp_path)]) == 2  # no PATH


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
def test_review_opens_in_chromium_without_console_errors(extracted, tmp_path):
    profile = tmp_path / "profile"
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom",
           (extracted / "review.html").as_uri()]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    shutil.rmtree(profile, ignore_errors=True)
    assert run.returncode == 0
    assert "Candidate events for review" in run.stdout
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
