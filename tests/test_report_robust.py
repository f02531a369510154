"""Bad and odd inputs: garbage, empty, binary, a 20 MB page, non-reports, a report whose own numbers do
not add up, and the `gxcrawl parse` command."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from gxcrawl.cli import main
from gxcrawl.report import PARSER_VERSION, parse_report, report_text, text_sha256
from gxcrawl.report.errors import UnreadableDocument

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SCHEMA = json.loads((ROOT / "gxcrawl" / "schemas" / "report.schema.json").read_text())
SEED_003 = (SEEDS / "003_8f717617aab0bbc8.txt").read_text(encoding="utf-8")


def _empty_record(record: dict) -> None:
    jsonschema.validate(record, SCHEMA)
    assert record["format"]["overall"] == "unknown"
    assert record["active"] == {} and record["applications"] == {} and record["appeals"] == {}
    assert record["checks"] == [] and record["cells"] == []


@pytest.mark.parametrize("data", [b"", b"   \n\t ", "", "\ufeff"])
def test_empty_input_gives_an_empty_record(data) -> None:
    _empty_record(parse_report(data))


@pytest.mark.parametrize(
    "blob",
    [
        bytes(random.Random(7).randrange(256) for _ in range(20_000)),
        b"\x00\x01\x02\x03" * 5000,
        b"\x89PNG\r\n\x1a\n" + bytes(random.Random(8).randrange(256) for _ in range(5000)),
    ],
)
def test_binary_input_is_a_clear_error_or_an_empty_record(blob: bytes) -> None:
    try:
        record = parse_report(blob, url="file.bin")
    except UnreadableDocument as exc:
        assert "file.bin" in str(exc) or "binary" in str(exc) or "text" in str(exc)
    else:
        _empty_record(record)


@pytest.mark.parametrize(
    "text",
    [
        "lorem ipsum dolor sit amet " * 200,
        "0 1 2 3 4 5 6 7 8 9 |||| \t\t" * 500,
        "一、" * 5000 + "0" * 5000,
        "本年新收政府信息公开申请数量" + "1" * 5000 + "结转下年度继续办理" + "9" * 3000,
        "<html><body><table><tr><td>" + "<td>1" * 3000 + "</table></body></html>",
        "<<<<>>>><table><tr rowspan=x colspan=-1><td colspan=999999>0</td></tr>",
    ],
)
def test_garbage_text_gives_a_valid_record(text: str) -> None:
    # how the time grows with such input is measured by bench/parse_hostile.py, not asserted here
    record = parse_report(text)
    jsonschema.validate(record, SCHEMA)
    for table in ("active", "applications", "appeals"):
        for cols in record[table].values():
            assert all(v is None or isinstance(v, int | float) for v in cols.values())


def test_twenty_megabyte_page_neither_hangs_nor_crashes() -> None:
    paragraph = "<p>" + "政府信息公开工作稳步推进，主动公开各类信息。" * 40 + "</p>\n"
    body = paragraph * (20_000_000 // len(paragraph.encode("utf-8")) + 1)
    page = (
        "<html><head><meta charset='utf-8'><title>某局2020年政府信息公开工作年度报告</title></head><body>"
        "<div class='article'>" + body + "</div></body></html>"
    ).encode("utf-8")
    assert len(page) >= 20_000_000
    record = parse_report(page, url="https://example.gov.cn/big.html")  # its time: bench/parse_hostile.py (prose)
    jsonschema.validate(record, SCHEMA)
    assert record["applications"] == {}


def test_a_notice_about_compiling_reports_is_not_a_report() -> None:
    notice = (
        "<html><head><title>关于做好2021年政府信息公开工作年度报告编制发布工作的通知</title></head><body>"
        "<div class='article'><h1>关于做好2021年政府信息公开工作年度报告编制发布工作的通知</h1>"
        "<p>各单位:请按照《中华人民共和国政府信息公开工作年度报告格式》编制年度报告,内容包括一、总体情况;"
        "二、主动公开政府信息情况;三、收到和处理政府信息公开申请情况;四、政府信息公开行政复议、行政诉讼情况;"
        "五、存在的主要问题及改进情况;六、其他需要报告的事项。本年新收政府信息公开申请数量按实际填写。</p>"
        "<p>联系电话:0731-12345678。</p></div></body></html>"
    )
    _empty_record(parse_report(notice, url="x.html"))


def test_the_format_notice_itself_is_not_a_report() -> None:
    # the v2019 template: every label of tables 二/三/四, no numbers
    seed = (SEEDS / "000_c93bc2a644177ce0.txt").read_text(encoding="utf-8")
    blank = "".join("" if ch.isdigit() else ch for ch in seed.split("二、主动公开政府信息情况", 1)[1])
    notice = "关于印发《中华人民共和国政府信息公开工作年度报告格式(试行)》的通知\n\n二、主动公开政府信息情况" + blank
    _empty_record(parse_report(notice))


def test_known_failing_identities_are_reported_as_fail() -> None:
    # (七)总计 自然人 9 -> 8 and 总计 9 -> 8: H2/H3 for those columns fail, H1 of the row passes (8 = 8)
    text = SEED_003.replace(
        "(七)总计 |\n9 |\n0 |\n0 |\n0 |\n0 |\n0 |\n9 |", "(七)总计 |\n8 |\n0 |\n0 |\n0 |\n0 |\n0 |\n8 |"
    )
    assert text != SEED_003
    record = parse_report(text)
    checks = {(c["id"], c["scope"]): c for c in record["checks"]}
    assert record["applications"]["total_processed"]["natural_person"] == 8
    assert checks[("H1", "total_processed")]["status"] == "pass"
    assert checks[("H2", "natural_person")] == {
        "id": "H2",
        "scope": "natural_person",
        "status": "fail",
        "left": 8,
        "right": 9,
    }
    assert checks[("H3", "natural_person")] == {
        "id": "H3",
        "scope": "natural_person",
        "status": "fail",
        "left": 9,
        "right": 8,
    }
    assert checks[("H3", "total")]["status"] == "fail"
    assert checks[("H2", "commercial")]["status"] == "pass"


def test_failing_row_identity_and_negative_count() -> None:
    text = SEED_003.replace("(一)予以公开 |\n4 |\n0 |", "(一)予以公开 |\n5 |\n0 |").replace(
        "规范性文件 |\n9 |\n9 |\n114 |", "规范性文件 |\n-9 |\n9 |\n114 |"
    )
    record = parse_report(text)
    checks = {(c["id"], c["scope"]): c for c in record["checks"]}
    assert checks[("H1", "granted")] == {"id": "H1", "scope": "granted", "status": "fail", "left": 4, "right": 5}
    assert checks[("H5", "active")]["status"] == "fail"
    assert checks[("H5", "applications")]["status"] == "pass"


def test_blank_cells_give_pass_if_blank_is_zero() -> None:
    text = SEED_003.replace(
        "二、上年结转政府信息公开申请数量 |\n0 |\n0 |", "二、上年结转政府信息公开申请数量 |\n\xa0 |\n0 |"
    )
    record = parse_report(text)
    checks = {(c["id"], c["scope"]): c for c in record["checks"]}
    assert record["applications"]["carried_over"]["natural_person"] is None
    assert checks[("H1", "carried_over")]["status"] == "pass_if_blank_is_zero"
    assert checks[("H3", "natural_person")]["status"] == "pass_if_blank_is_zero"
    kinds = {(c["row"], c["col"]): c["kind"] for c in record["cells"]}
    assert kinds[("carried_over", "natural_person")] == "empty"


def test_api_surface() -> None:
    assert PARSER_VERSION.count(".") == 2
    seed = SEEDS / "000_c93bc2a644177ce0.txt"
    text = report_text(seed.read_bytes(), url=str(seed))
    assert "一、总体情况" in text and "打印本页" not in text
    assert text_sha256(text) == parse_report(seed.read_bytes(), url=str(seed))["text_sha256"]
    assert text_sha256("a b\tc|d") == text_sha256("abcd") != text_sha256("abce")


def test_parse_cli_prints_one_record_per_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(range(256)) * 50)
    paths = [
        str(SEEDS / "001_b5458f52e61f09e6.txt"),
        str(tmp_path / "missing.html"),
        str(bad),
        str(SEEDS / "html" / "002_559a03cdbb29f6b3.html"),
    ]
    status = main(["parse", *paths])
    out, err = capsys.readouterr()
    assert status == 1
    lines = out.splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    for record in records:
        jsonschema.validate(record, SCHEMA)
    assert records[0]["format"]["overall"] == "2021" and records[1]["agency"] == "重庆市渝北区民政局"
    assert "missing.html" in err and "bad.bin" in err


def test_parse_cli_pretty_in_a_subprocess() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "gxcrawl.cli", "parse", "--pretty", str(SEEDS / "004_06262f519957789b.txt")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert proc.stdout.startswith("{\n  ")
    assert record["active"]["procurement"] == {"projects": 12, "amount_wan_yuan": 7.028}
