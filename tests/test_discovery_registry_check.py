"""`gxcrawl portals check` / `list`: every problem of a registry, one line each; the bundled registry is sound."""

from __future__ import annotations

import json
from pathlib import Path

from gxcrawl.cli import main
from gxcrawl.discovery.registry_check import registry_problems


def _registry(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"portals": list(entries)}, ensure_ascii=False), encoding="utf-8")
    return path


def _entry(**fields: object) -> dict:
    return {
        "id": "x",
        "name": "某某县人民政府",
        "level": "county",
        "region_code": "440104",
        "entry_urls": ["https://www.x.gov.cn/"],
        "allowed_hosts": ["www.x.gov.cn"],
        **fields,
    }


def test_the_bundled_registry_has_no_problem(capsys) -> None:
    assert registry_problems() == []
    assert main(["portals", "check"]) == 0


def test_every_problem_is_one_line(tmp_path: Path, capsys) -> None:
    path = _registry(
        tmp_path,
        _entry(id="a", name="四川某区水利局"),  # placeholder name
        _entry(id="b", name="北京市人民政府", level="province", region_code="110100"),  # a city's code
        _entry(
            id="c",
            name="城关镇人民政府",
            level="township",
            region_code=None,
            report_columns=["https://elsewhere.gov.cn/nb/"],
        ),  # a column off the entry's hosts
        _entry(id="c", name="东城区人民政府", level="district", region_code="110101"),  # id twice
        _entry(id="d", name="portal of gtj subsite", level="city-dept", region_code=None),  # a note, not a name
        _entry(id="e", name="花都区", level="county", region_code="44011"),  # five digits
        _entry(id="f", name="和平街道办事处", level="borough", region_code=None),  # unknown level
        {"id": "g", "name": "no urls"},  # the loader's own error
    )
    problems = registry_problems(path)
    assert len(problems) == 8, problems
    for needle in (
        "placeholder",
        "does not fit level province",
        "not on the entry's allowed_hosts",
        "id 'c' is also entry [2]",
        "carries a note",
        "not six digits",
        "level 'borough'",
        "missing required field 'entry_urls'",
    ):
        assert sum(needle in p for p in problems) == 1, (needle, problems)
    assert main(["portals", "check", str(path)]) == 1
    assert len(capsys.readouterr().out.strip().splitlines()) == 8


def test_a_registry_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("{nope", encoding="utf-8")
    assert registry_problems(path)[0].startswith(f"{path}: not valid JSON")


def test_list_by_level_and_province(capsys) -> None:
    assert main(["portals", "list", "--level", "province"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]
    assert len({row[2] for row in rows}) == 31 and all(row[1] == "province" for row in rows)
    assert main(["portals", "list", "--province", "44"]) == 0
    guangdong = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]
    assert guangdong and all(row[2].startswith("44") for row in guangdong)
    assert any(row[0] == "gd" for row in guangdong)


def test_notes_in_names_are_problems_but_bracketed_agencies_are_not(tmp_path: Path) -> None:
    path = _registry(
        tmp_path,
        _entry(id="a", name="临武县人民政府(湖南郴州)"),  # a place note in brackets
        _entry(id="b", name="广河县 乡镇年报列表"),  # a space and a list, not an agency
        _entry(id="c", name="邯郸市政府信息公开平台", level="city", region_code=None),  # a website
        _entry(id="d", name="广东省人民政府参事室(文史研究馆)", level="province-dept", region_code=None),
        _entry(id="e", name="闽清县人民政府办公室", note="福建福州"),
    )
    problems = registry_problems(path)
    assert [p.split("'")[1] for p in problems] == ["a", "b", "c"], problems
    assert all("carries a note" in p for p in problems)


def test_strict_lists_entries_without_a_confirmed_source(tmp_path: Path, capsys) -> None:
    path = _registry(
        tmp_path,
        _entry(id="a", name="东城区人民政府", level="district", region_code="110101"),
        _entry(
            id="b",
            name="西城区人民政府",
            level="district",
            region_code="110102",
            source="https://www.b.gov.cn/nb/1.html",
            confirmed=None,
        ),
        _entry(
            id="c",
            name="朝阳区人民政府",
            level="district",
            region_code="110105",
            source="https://www.c.gov.cn/nb/1.html",
            confirmed="2026-12-06",
        ),
    )
    assert registry_problems(path) == []
    assert main(["portals", "check", str(path)]) == 0
    strict = registry_problems(path, strict=True)
    assert len(strict) == 2 and "'a': no source" in strict[0] and "'b': source" in strict[1], strict
    capsys.readouterr()
    assert main(["portals", "check", "--strict", str(path)]) == 1
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
