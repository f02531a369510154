"""Broken WARC files, one kind of damage each (tests/archive_support/broken_warcs.py builds them): a record cut
short inside an intact gzip member, a payload that no longer matches its digest, HTTP headers that no longer
match the block digest, a gzip member cut mid-way. The reader refuses or reports each with a one-line reason
that names the file and offset; `gxcrawl archive check` names each one; the intact records stay readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_support.broken_warcs import DAMAGES, PAYLOAD, BrokenArchive, build_broken_archive

from gxcrawl.archive import Archive, RecordNotFound
from gxcrawl.archive.reader import iter_records, read_record
from gxcrawl.archive.rotation import Damage
from gxcrawl.cli import main as gxcrawl_main

# what the reader says of each damage: read_record of the indexed record, and iter_records' damage report
READ_ERROR = {
    "truncated_record": "truncated record: its content ends 8 bytes short of its Content-Length",
    "cut_gzip_member": "bytes present (truncated file? run `gxcrawl archive check`)",
}
SCAN_DAMAGE = {
    "truncated_record": "truncated record",
    "bad_payload_digest": "payload digest failed",
    "bad_block_digest": "block digest failed",
    "cut_gzip_member": "truncated gzip member",
}
CHECK_ERROR = {
    "truncated_record": "truncated record (its content ends 8 bytes short of its Content-Length)",
    "bad_payload_digest": "payload digest failed",
    "bad_block_digest": "block digest failed",
    "cut_gzip_member": "truncated gzip member",
}


@pytest.fixture(params=sorted(DAMAGES))
def broken(request: pytest.FixtureRequest, tmp_path: Path) -> BrokenArchive:
    return build_broken_archive(tmp_path / request.param, request.param)


def _kind(broken: BrokenArchive) -> str:
    return broken.root.name


def test_the_reader_refuses_or_reports_the_damaged_record(broken: BrokenArchive) -> None:
    kind, ref = _kind(broken), broken.damaged
    where = f"{broken.warc}@{ref.warc_offset}: "
    if kind in READ_ERROR:
        with pytest.raises(RecordNotFound) as raised:
            read_record(broken.warc, ref.warc_offset, ref.warc_length)
        message = str(raised.value)
        assert message.startswith(where) and READ_ERROR[kind] in message and "\n" not in message
    damage: list[Damage] = []
    offsets = [entry.offset for entry, _ in iter_records(broken.warc, check_digests=True, on_damage=damage.append)]
    assert [(part.offset, SCAN_DAMAGE[kind] in part.reason) for part in damage] == [(ref.warc_offset, True)]
    assert ref.warc_offset not in offsets
    assert {intact.warc_offset for intact in broken.intact} <= set(offsets)


@pytest.mark.parametrize("kind", ["bad_payload_digest", "bad_block_digest"])
def test_a_plain_read_does_not_check_digests(tmp_path: Path, kind: str) -> None:
    """A plain read gives back what is stored (the checker and check_digests are where digests are verified):
    the tampered payload, or the intact payload under a tampered header."""
    broken = build_broken_archive(tmp_path / kind, kind)
    ref = broken.damaged
    member_length = broken.warc.stat().st_size - ref.warc_offset  # the rewritten member's own (the file's last)
    payload = read_record(broken.warc, ref.warc_offset, member_length).payload
    assert payload == (PAYLOAD + b"<p>2</p>").replace(b"1234", b"9999" if kind == "bad_payload_digest" else b"1234")
    assert ref.warc_offset in [entry.offset for entry, _ in iter_records(broken.warc)]


def test_check_names_each_damage_and_the_intact_records_stay_readable(
    broken: BrokenArchive, capsys: pytest.CaptureFixture[str]
) -> None:
    kind, ref = _kind(broken), broken.damaged
    assert gxcrawl_main(["archive", "--archive", str(broken.root), "check"]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("ERROR ")]
    named = [line for line in errors if f"{ref.warc_file}@{ref.warc_offset}: " in line and CHECK_ERROR[kind] in line]
    assert named, errors
    if kind == "cut_gzip_member":  # the index row pointing into the cut member is named with it
        assert f"capture {ref.id} ({ref.url})" in named[0]
    with Archive.open(broken.root) as archive:
        for intact in broken.intact:
            assert archive.read_payload(intact.id).startswith(PAYLOAD)
