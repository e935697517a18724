"""Reading documents: encodings, HTML main text and date, .docx, where the publication date comes from."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.extract.reading import (
    ReadError,
    clean_text,
    document_files,
    read_document,
)

TEXT = "5月15日，巴中市党政代表团赴金华市考察。"


def test_gb18030_text_and_a_date_in_the_file_name(tmp_path):
    path = tmp_path / "2024-05-20_消息.txt"
    path.write_bytes(TEXT.encode("gb18030"))
    doc = read_document(path)
    assert doc.text == TEXT and doc.published == dt.date(2024, 5, 20) and doc.published_from == "file name"


def test_date_on_a_first_line_and_the_option_wins(tmp_path):
    path = tmp_path / "news.md"
    path.write_text("# 标题\n发布时间：2023年6月1日\n" + TEXT, encoding="utf-8")
    assert read_document(path).published == dt.date(2023, 6, 1)
    assert read_document(path, dt.date(2020, 1, 2)).published == dt.date(2020, 1, 2)
    bare = tmp_path / "bare.txt"
    bare.write_text(TEXT, encoding="utf-8")
    assert read_document(bare).published is None


def test_html_main_text_and_metadata_date(tmp_path):
    nav = "".join(f"<li><a href='/{i}'>导航栏目{i}</a></li>" for i in range(30))
    body = "".join(f"<p>{TEXT}第{i}段报道内容，两地合作持续深化。</p>" for i in range(6))
    page = (f"<html><head><meta charset='utf-8'><title>两地交流</title>"
            f"<meta property='article:published_time' content='2022-09-08'></head>"
            f"<body><nav><ul>{nav}</ul></nav><article>{body}</article></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    assert doc.published == dt.date(2022, 9, 8) and doc.published_from == "html"
    assert "巴中市党政代表团" in doc.text and "导航栏目7" not in doc.text


def test_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("两地交流")
    d.add_paragraph(TEXT)
    path = tmp_path / "report.docx"
    d.save(str(path))
    assert TEXT in read_document(path).text


def test_bad_inputs_are_listed(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    files, problems = document_files([tmp_path / "empty", tmp_path / "missing.txt", tmp_path / "notes.pdf"])
    assert files == [] and len(problems) == 3
    broken = tmp_path / "x.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ReadError, match="x.docx"):
        read_document(broken)


def test_pinyin_glosses_and_traditional_script_keep_spans():
    original = "兩江新區(qū)和天府新區(qū)召開(kāi)對接會(huì)議，雙方簽署協議，會議決定設立機構。"
    text, offsets = clean_text(original)
    assert "两江新区和天府新区召开对接会议" in text
    start = text.index("天府新区")
    assert original[offsets[start]:offsets[start + 3] + 1] == "天府新區"


def test_layout_spaces_and_wrapped_lines_are_joined_with_their_offsets():
    raw = "2016 年 4月，时任通江县委副书记、县长率团赴\n\n台州市考察。\n一、基本情况\n两地关系"
    text, offsets = clean_text(raw)
    assert text == "2016年4月，时任通江县委副书记、县长率团赴台州市考察。\n一、基本情况\n两地关系"
    assert all(raw[o] == ch for o, ch in zip(offsets, text))


def test_text_given_directly_is_read_as_a_file_is(tmp_path):
    from analysis.extract.reading import read_document, read_text

    text = "2016 年 4月，时任通江县委副书记、县长率团赴广州市番禺区\n考察，双方签订劳务协作协议。\n"
    path = tmp_path / "2016-05-01_x.txt"
    path.write_text(text, encoding="utf-8")
    direct, from_file = read_text(text), read_document(path)
    assert direct.text == from_file.text
    assert "2016年4月" in direct.text and "番禺区考察" in direct.text


def test_docx_tables_in_place_and_the_issuer_date(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("2018年两地协作大事记")  # a title line of 16+ characters is not joined to the next paragraph
    d.add_paragraph("某市协作办公室\u3000\u30002019年1月8日")
    table = d.add_table(rows=2, cols=2)
    for cell, value in zip(table.rows[0].cells, ("月份", "事项")):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, ("3月", "巴中市党政代表团赴金华市考察")):
        cell.text = value
    d.add_paragraph("此外，两地还召开了多次会议。")
    path = tmp_path / "chronicle.docx"
    d.save(str(path))
    doc = read_document(path)
    assert doc.published == dt.date(2019, 1, 8)
    lines = doc.text.split("\n")
    assert lines[0] == "2018年两地协作大事记" and "3月，巴中市党政代表团赴金华市考察。" in lines
    assert lines.index("3月，巴中市党政代表团赴金华市考察。") < lines.index("此外，两地还召开了多次会议。")


def test_markdown_marks_are_layout(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# 笔记\n\n- 原文发布时间：2024-01-10\n\n**记者：**两地合作如何？\n\n> 引文\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.published == dt.date(2024, 1, 10)
    assert "#" not in doc.text and "**" not in doc.text and "记者：两地合作如何？" in doc.text and "- " not in doc.text
    plain = tmp_path / "plain.txt"
    plain.write_text("**记者：**两地合作如何？", encoding="utf-8")
    assert "**" in read_document(plain).text  # only .md notes are read as markdown
