"""Finding the raw files of a data folder and reading each table as text with its line numbers;
``Problem``, one located thing wrong with the raw data.

Every table is read as text, cell by cell, so nothing is coerced before it is
checked: CSV in UTF-8 (with or without BOM) or GB18030, or ``.xlsx`` with the same
columns. Each row keeps the line it came from (the physical line of a CSV file,
header = line 1, or the sheet row of a workbook), so every problem can name it.
Raw files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data.contract import ENCODINGS, EVENTS_DIR, SOURCES_NAMES, TABLE_STEMS, TABLE_SUFFIXES
from analysis.paths import resolve


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the raw data, located as precisely as it can be."""

    file: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    message: str = ""

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or "", self.message)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.value not in (None, ""):
            parts.append(f"value '{self.value}'")
        return ": ".join(parts) + f": {self.message}"


# --------------------------------------------------------------------------- files


def _is_data_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in TABLE_SUFFIXES and not path.name.startswith(("~$", "."))


def table_files(data_dir: Path, stem: str) -> list[Path]:
    """The files holding one table (``relationships.csv`` and/or ``relationships.xlsx``)."""
    return [data_dir / f"{stem}{s}" for s in TABLE_SUFFIXES if (data_dir / f"{stem}{s}").is_file()]


def event_files(data_dir: Path) -> list[Path]:
    folder = data_dir / EVENTS_DIR
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _is_data_file(p)), key=lambda p: (p.stem, p.suffix))


def sources_file(data_dir: Path) -> Path | None:
    for name in SOURCES_NAMES:
        if (data_dir / name).is_file():
            return data_dir / name
    return None


def raw_files(data_dir: str | Path) -> list[Path]:
    """Every raw input file of a data folder (what a run depends on), sorted."""
    data_dir = resolve(data_dir)
    files = [p for stem in TABLE_STEMS for p in table_files(data_dir, stem)]
    files += event_files(data_dir)
    files += [data_dir / n for n in SOURCES_NAMES if (data_dir / n).is_file()]
    return sorted(files)


def relative(path: Path, data_dir: Path) -> str:
    return path.relative_to(data_dir).as_posix()


# --------------------------------------------------------------------------- reading tables


@dataclass
class Table:
    """A table as text: ``frame`` has one str column per header name, indexed by line."""

    file: str
    frame: pd.DataFrame
    problems: list[Problem]
    header_line: int = 1


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with (UTF-8 with or without BOM, else GB18030)."""
    last: UnicodeDecodeError | None = None
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            last = exc
    raise last  # type: ignore[misc]


def read_table(path: Path, rel: str) -> Table:
    """Read one CSV or workbook; problems with the file's shape are returned, not raised."""
    try:
        if path.suffix.lower() == ".xlsx":
            rows = _xlsx_rows(path)
        else:
            rows = _csv_rows(path.read_bytes())
    except UnicodeDecodeError as exc:
        return Table(rel, pd.DataFrame(), [Problem(rel, None, None, None, f"cannot be read as UTF-8 or GB18030 text ({exc.reason} at byte {exc.start})")])
    except Exception as exc:  # a corrupt workbook, say
        return Table(rel, pd.DataFrame(), [Problem(rel, None, None, None, f"cannot be read: {exc}")])
    return _rows_to_table(rows, rel)


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text, _ = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    next_line = 1
    for record in reader:
        rows.append((next_line, record))  # a record starts on the line after the previous one ended
        next_line = reader.line_num + 1
    return rows


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold (no float years, no timestamps)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        return [(i, [_cell_text(v) for v in row]) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()


def _rows_to_table(rows: list[tuple[int, list[str]]], rel: str) -> Table:
    problems: list[Problem] = []
    rows = [(line, rec) for line, rec in rows if any(c.strip() for c in rec)]  # blank lines carry nothing
    if not rows:
        return Table(rel, pd.DataFrame(), [Problem(rel, 1, None, None, "no header row")])
    header_line, header = rows[0][0], [c.strip() for c in rows[0][1]]
    while header and header[-1] == "":
        header = header[:-1]  # trailing empty cells of a workbook or a trailing comma
    seen: set[str] = set()
    for i, name in enumerate(header):
        if name == "":
            problems.append(Problem(rel, header_line, f"#{i + 1}", None, "empty column name in the header"))
        elif name in seen:
            problems.append(Problem(rel, header_line, name, None, "column appears twice in the header"))
        seen.add(name)
    width = len(header)
    lines: list[int] = []
    records: list[list[str]] = []
    for line, rec in rows[1:]:
        if len(rec) != width:
            if len(rec) > width:
                if any(c.strip() for c in rec[width:]):
                    problems.append(
                        Problem(rel, line, None, None, f"{len(rec)} values but the header has {width} columns "
                                "(a comma inside a value needs double quotes)")
                    )
                rec = rec[:width]
            else:
                rec = rec + [""] * (width - len(rec))  # missing trailing cells are blank
        lines.append(line)
        records.append(rec)
    names = [n if n else f"#{i + 1}" for i, n in enumerate(header)]
    keep = [i for i, n in enumerate(names) if n not in names[:i]]  # the first of duplicated names
    frame = pd.DataFrame(records, index=pd.Index(lines, name="line", dtype="int64"), columns=range(width), dtype="str")
    frame = frame.iloc[:, keep]
    frame.columns = [names[i] for i in keep]
    frame = frame.apply(lambda col: col.str.strip()) if len(frame) else frame  # whitespace around a value is not part of it
    return Table(rel, frame, problems, header_line)
