import os
import stat

import pandas as pd
import pytest

from analysis.io import atomic_path, read_json, write_csv, write_json


def test_failed_write_leaves_previous_file_untouched(tmp_path):
    target = tmp_path / "t.json"
    write_json(target, {"a": 1})
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert read_json(target) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]  # no temporary left behind


def test_outputs_are_world_readable_and_canonical(tmp_path):
    p = write_json(tmp_path / "n.json", {"b": 2.5, "a": [1, 2]})
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o644
    assert p.read_text().index('"a"') < p.read_text().index('"b"')
    c = write_csv(tmp_path / "x.csv", pd.DataFrame({"x": [1, 2]}))
    assert c.read_bytes() == b"x\n1\n2\n"
