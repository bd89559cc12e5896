"""The NACHA writer against the record layout, field by field, and the reader
refusing files whose controls disagree with their entries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domains.ach.service import nacha

HEADER = nacha.Header(
    "121000358", "1123456789", "First Community Bank", "Mountain View HOA", datetime(2026, 1, 1, 5, 0, tzinfo=UTC)
)
ENTRIES = [
    nacha.Entry("27", "011000015", "12345678", Decimal("100.00"), "UNIT 1", "Ann Owner", "121000350000001"),
    nacha.Entry("37", "021000021", "9876543210", Decimal("60.05"), "UNIT 2", "Bob Owner", "121000350000002"),
]


def _batch(entries: list[nacha.Entry], sec: str = "PPD") -> nacha.Batch:
    return nacha.Batch(sec, "Mountain View HOA", "1123456789", "HOA DUES", date(2026, 1, 1), entries)


def test_routing_check_digits() -> None:
    assert nacha.routing_valid("121000358") and nacha.routing_valid("011000015") and nacha.routing_valid("021000021")
    assert not nacha.routing_valid("121000359") and not nacha.routing_valid("12100035") and not nacha.routing_valid("12100035x")


def test_a_debit_file_follows_the_record_layout() -> None:
    text = nacha.write(HEADER, [_batch(ENTRIES)])
    records = text.splitlines()
    assert all(len(r) == 94 for r in records)
    assert len(records) == 10  # 1 + 5 + 2×6 + 8 + 9 = 6 records, padded to the blocking factor
    assert records[6:] == ["9" * 94] * 4
    head, batch, first, second, control, trailer = records[:6]
    assert head[0] == "1" and head[1:3] == "01" and head[3:13] == " 121000358" and head[13:23] == "1123456789"
    assert head[23:33] == "2601010500" and head[33] == "A" and head[34:37] == "094" and head[37:39] == "10" and head[39] == "1"
    assert head[40:63] == "FIRST COMMUNITY BANK".ljust(23) and head[63:86] == "MOUNTAIN VIEW HOA".ljust(23)
    assert batch[0] == "5" and batch[1:4] == "225" and batch[4:20] == "MOUNTAIN VIEW HO" and batch[40:50] == "1123456789"
    assert batch[50:53] == "PPD" and batch[53:63] == "HOA DUES  " and batch[69:75] == "260101" and batch[78] == "1"
    assert batch[79:87] == "12100035" and batch[87:94] == "0000001"
    assert first[0] == "6" and first[1:3] == "27" and first[3:11] == "01100001" and first[11] == "5"
    assert first[12:29] == "12345678".ljust(17) and first[29:39] == "0000010000" and first[39:54] == "UNIT 1".ljust(15)
    assert first[54:76] == "ANN OWNER".ljust(22) and first[78] == "0" and first[79:94] == "121000350000001"
    assert second[1:3] == "37" and second[29:39] == "0000006005"
    routing_hash = 1100001 + 2100002
    assert control[0] == "8" and control[1:4] == "225" and control[4:10] == "000002"
    assert control[10:20] == str(routing_hash).zfill(10) and control[20:32] == "000000016005" and control[32:44] == "0" * 12
    assert control[44:54] == "1123456789" and control[79:87] == "12100035" and control[87:94] == "0000001"
    assert trailer[0] == "9" and trailer[1:7] == "000001" and trailer[7:13] == "000001" and trailer[13:21] == "00000002"
    assert trailer[21:31] == str(routing_hash).zfill(10) and trailer[31:43] == "000000016005" and trailer[43:55] == "0" * 12

    parsed = nacha.parse(text)
    [b] = parsed.batches
    assert (b.sec_code, b.service_class, b.effective_date, b.debit_total) == ("PPD", "225", date(2026, 1, 1), Decimal("160.05"))
    assert [(e.transaction_code, e.routing, e.account, e.amount, e.trace_number) for e in b.entries] == [
        ("27", "011000015", "12345678", Decimal("100.00"), "121000350000001"),
        ("37", "021000021", "9876543210", Decimal("60.05"), "121000350000002"),
    ]


def test_a_credit_file_and_the_entry_hash_keeps_ten_digits() -> None:
    many = [
        nacha.Entry("22", "999999992", "1", Decimal("1.00"), "INV", "V", f"12100035{i:07d}") for i in range(1, 1201)
    ]  # 1200 × 99999999 overflows ten digits
    text = nacha.write(HEADER, [_batch(many, "CCD")])
    parsed = nacha.parse(text)
    assert parsed.batches[0].service_class == "220" and parsed.credit_total == Decimal("1200.00")
    assert parsed.entry_hash == (99999999 * 1200) % 10**10
    assert len(text.splitlines()) % 10 == 0


def test_returns_carry_their_reason_in_an_addenda() -> None:
    ret = nacha.Entry(
        "26", "011000015", "12345678", Decimal("100.00"), "UNIT 1", "Ann Owner", "011000010000001", "R01", "121000350000001"
    )
    parsed = nacha.parse(nacha.write(HEADER, [_batch([ret])]))
    [e] = parsed.batches[0].entries
    assert (e.return_code, e.original_trace, parsed.entry_count) == ("R01", "121000350000001", 2)


def test_the_reader_refuses_a_file_whose_controls_disagree() -> None:
    text = nacha.write(HEADER, [_batch(ENTRIES)])
    records = text.splitlines()
    records[2] = records[2][:29] + "0000010001" + records[2][39:]  # one cent more than the batch control says
    with pytest.raises(nacha.NachaError, match="batch control"):
        nacha.parse("\n".join(records))
    with pytest.raises(nacha.NachaError, match="94"):
        nacha.parse(text.replace("PPD", "PPDX", 1))
    with pytest.raises(nacha.NachaError, match="check digit"):
        nacha.write(HEADER, [_batch([ENTRIES[0].__class__(**{**ENTRIES[0].__dict__, "routing": "011000016"})])])
