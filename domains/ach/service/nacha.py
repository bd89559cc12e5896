"""NACHA (ACH) files: our own writer and reader of the fixed-width record layout.

A file is 94-character records: a file header (1), per batch a batch header
(5), entry details (6), each optionally followed by an addenda (7), and a batch
control (8), then a file control (9), padded with all-9 records to a multiple
of ten (the blocking factor). Entry hashes are the sum of the receiving banks'
eight-digit routing prefixes, kept to its last ten digits. The libraries on
PyPI (`ach`, `carta-ach`) are unmaintained, and the layout is small enough to
write and check field by field (tests/ach/test_nacha.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

RECORD = 94
BLOCKING = 10
PAD = "9" * RECORD

# Transaction codes: (account kind, direction) → code.
CHECKING_CREDIT, CHECKING_DEBIT, SAVINGS_CREDIT, SAVINGS_DEBIT = "22", "27", "32", "37"
TRANSACTION_CODES = {
    ("checking", "credit"): CHECKING_CREDIT,
    ("checking", "debit"): CHECKING_DEBIT,
    ("savings", "credit"): SAVINGS_CREDIT,
    ("savings", "debit"): SAVINGS_DEBIT,
}
DEBIT_CODES = frozenset({"27", "37", "26", "36"})  # 26/36: a debit coming back as a return
# Service class: what a batch holds.
DEBITS_ONLY, CREDITS_ONLY = "225", "220"


class NachaError(ValueError):
    """A file that does not follow the record layout."""


def routing_valid(routing: str) -> bool:
    """An ABA routing number: nine digits whose weighted sum (3, 7, 1) is a multiple of ten."""
    if len(routing) != 9 or not routing.isdigit():
        return False
    d = [int(c) for c in routing]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


def _alpha(text: str, width: int) -> str:
    """Left-justified, upper case, space-filled; characters outside printable ASCII become spaces."""
    clean = "".join(c if 32 <= ord(c) < 127 else " " for c in text.upper())
    return clean[:width].ljust(width)


def _num(value: int, width: int) -> str:
    text = str(value)
    if value < 0 or len(text) > width:
        raise NachaError(f"{value} does not fit {width} digits")
    return text.zfill(width)


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


@dataclass(frozen=True)
class Entry:
    """One entry detail: money to or from a receiver's account."""

    transaction_code: str
    routing: str
    account: str
    amount: Decimal
    individual_id: str
    name: str
    trace_number: str
    # A return (the bank's file of entries coming back): the reason and the entry returned.
    return_code: str | None = None
    original_trace: str | None = None


@dataclass(frozen=True)
class Batch:
    sec_code: str  # PPD (consumer debits) or CCD (company credits)
    company_name: str
    company_id: str
    entry_description: str
    effective_date: date
    entries: list[Entry]


@dataclass(frozen=True)
class Header:
    destination_routing: str  # the originating bank (ODFI) the file goes to
    origin: str  # ten characters: the company id
    destination_name: str
    origin_name: str
    created_at: datetime
    file_id_modifier: str = "A"


def entry_hash(routings: list[str]) -> int:
    return sum(int(r[:8]) for r in routings) % 10**10


def write(header: Header, batches: list[Batch]) -> str:
    """The file, records joined by newlines (each exactly 94 characters)."""
    if not (len(header.file_id_modifier) == 1 and header.file_id_modifier.isalnum()):
        raise NachaError("the file id modifier is one letter or digit")
    odfi = header.destination_routing[:8]
    records = [
        "1"
        + "01"
        + " "
        + header.destination_routing
        + _alpha(header.origin, 10)
        + header.created_at.strftime("%y%m%d%H%M")
        + header.file_id_modifier.upper()
        + "094"
        + "10"
        + "1"
        + _alpha(header.destination_name, 23)
        + _alpha(header.origin_name, 23)
        + _alpha("", 8)
    ]
    all_routings: list[str] = []
    debit_total = credit_total = entry_count = 0
    for number, batch in enumerate(batches, start=1):
        debits = [e for e in batch.entries if e.transaction_code in DEBIT_CODES]
        service = DEBITS_ONLY if len(debits) == len(batch.entries) else CREDITS_ONLY if not debits else "200"
        records.append(
            "5"
            + service
            + _alpha(batch.company_name, 16)
            + _alpha("", 20)
            + _alpha(batch.company_id, 10)
            + _alpha(batch.sec_code, 3)
            + _alpha(batch.entry_description, 10)
            + batch.effective_date.strftime("%y%m%d")
            + batch.effective_date.strftime("%y%m%d")
            + "   "
            + "1"
            + odfi
            + _num(number, 7)
        )
        debit = credit = 0
        for e in batch.entries:
            if not routing_valid(e.routing):
                raise NachaError(f"routing number {e.routing!r} fails its check digit")
            amount = cents(e.amount)
            records.append(
                "6"
                + e.transaction_code
                + e.routing
                + _alpha(e.account, 17)
                + _num(amount, 10)
                + _alpha(e.individual_id, 15)
                + _alpha(e.name, 22)
                + "  "
                + ("0" if e.return_code is None else "1")
                + e.trace_number
            )
            if e.return_code is not None:
                records.append(
                    "799"
                    + _alpha(e.return_code, 3)
                    + _alpha(e.original_trace or "", 15)
                    + " " * 6
                    + e.routing[:8]
                    + " " * 44
                    + e.trace_number
                )
            if e.transaction_code in DEBIT_CODES:
                debit += amount
            else:
                credit += amount
        routings = [e.routing for e in batch.entries]
        count = len(batch.entries) + sum(1 for e in batch.entries if e.return_code is not None)
        records.append(
            "8"
            + service
            + _num(count, 6)
            + _num(entry_hash(routings), 10)
            + _num(debit, 12)
            + _num(credit, 12)
            + _alpha(batch.company_id, 10)
            + " " * 19
            + " " * 6
            + odfi
            + _num(number, 7)
        )
        all_routings += routings
        debit_total += debit
        credit_total += credit
        entry_count += count
    lines = len(records) + 1
    blocks = -(-lines // BLOCKING)
    records.append(
        "9"
        + _num(len(batches), 6)
        + _num(blocks, 6)
        + _num(entry_count, 8)
        + _num(entry_hash(all_routings), 10)
        + _num(debit_total, 12)
        + _num(credit_total, 12)
        + " " * 39
    )
    records += [PAD] * (blocks * BLOCKING - lines)
    assert all(len(r) == RECORD for r in records), "every record is 94 characters"
    return "\n".join(records) + "\n"


@dataclass
class ParsedEntry:
    line_no: int
    transaction_code: str
    routing: str
    account: str
    amount: Decimal
    individual_id: str
    name: str
    trace_number: str
    # From an addenda of type 99 (a return): the reason and the entry it returns.
    return_code: str | None = None
    original_trace: str | None = None


@dataclass
class ParsedBatch:
    service_class: str
    company_name: str
    company_id: str
    sec_code: str
    entry_description: str
    effective_date: date
    odfi: str
    number: int
    entries: list[ParsedEntry] = field(default_factory=list)
    entry_hash: int = 0
    debit_total: Decimal = Decimal(0)
    credit_total: Decimal = Decimal(0)


@dataclass
class ParsedFile:
    destination_routing: str
    origin: str
    file_id_modifier: str
    destination_name: str
    origin_name: str
    batches: list[ParsedBatch] = field(default_factory=list)
    block_count: int = 0
    entry_count: int = 0
    entry_hash: int = 0
    debit_total: Decimal = Decimal(0)
    credit_total: Decimal = Decimal(0)


def _money(text: str) -> Decimal:
    return Decimal(int(text)) / 100


def parse(text: str) -> ParsedFile:
    """Read a file back, checking its controls against its entries (NachaError if any disagree)."""
    records = [r for r in text.splitlines() if r]
    if not records or any(len(r) != RECORD for r in records):
        raise NachaError("every record is 94 characters")
    if len(records) % BLOCKING:
        raise NachaError("the file is not blocked by ten records")
    head = records[0]
    if head[0] != "1" or head[34:37] != "094" or head[37:39] != "10":
        raise NachaError("the first record is not a file header")
    file = ParsedFile(head[4:13], head[13:23].strip(), head[33], head[40:63].strip(), head[63:86].strip())
    batch: ParsedBatch | None = None
    closed = False
    for line_no, r in enumerate(records[1:], start=2):
        kind = r[0]
        if closed:
            if r != PAD:
                raise NachaError(f"record {line_no}: only padding follows the file control")
            continue
        if kind == "5":
            batch = ParsedBatch(
                r[1:4],
                r[4:20].strip(),
                r[40:50].strip(),
                r[50:53],
                r[53:63].strip(),
                datetime.strptime(r[69:75], "%y%m%d").date(),
                r[79:87],
                int(r[87:94]),
            )
            file.batches.append(batch)
        elif kind == "6":
            if batch is None:
                raise NachaError(f"record {line_no}: an entry outside a batch")
            batch.entries.append(
                ParsedEntry(
                    line_no, r[1:3], r[3:12], r[12:29].strip(), _money(r[29:39]), r[39:54].strip(), r[54:76].strip(), r[79:94]
                )
            )
        elif kind == "7":
            if batch is None or not batch.entries:
                raise NachaError(f"record {line_no}: an addenda without its entry")
            if r[1:3] == "99":
                batch.entries[-1].return_code = r[3:6]
                batch.entries[-1].original_trace = r[6:21]
        elif kind == "8":
            if batch is None:
                raise NachaError(f"record {line_no}: a batch control without its batch")
            routings = [e.routing for e in batch.entries]
            batch.entry_hash, batch.debit_total, batch.credit_total = int(r[10:20]), _money(r[20:32]), _money(r[32:44])
            debits = sum((e.amount for e in batch.entries if e.transaction_code in DEBIT_CODES), Decimal(0))
            credits = sum((e.amount for e in batch.entries if e.transaction_code not in DEBIT_CODES), Decimal(0))
            addenda = sum(1 for e in batch.entries if e.return_code is not None)
            if (
                int(r[4:10]) != len(batch.entries) + addenda
                or batch.entry_hash != entry_hash(routings)
                or (batch.debit_total, batch.credit_total) != (debits, credits)
            ):
                raise NachaError(f"record {line_no}: the batch control disagrees with its entries")
            batch = None
        elif kind == "9":
            file.block_count, file.entry_count = int(r[7:13]), int(r[13:21])
            file.entry_hash, file.debit_total, file.credit_total = int(r[21:31]), _money(r[31:43]), _money(r[43:55])
            entries = [e for b in file.batches for e in b.entries]
            addenda = sum(1 for e in entries if e.return_code is not None)
            if (
                int(r[1:7]) != len(file.batches)
                or file.block_count * BLOCKING != len(records)
                or file.entry_count != len(entries) + addenda
                or file.entry_hash != entry_hash([e.routing for e in entries])
                or file.debit_total != sum((b.debit_total for b in file.batches), Decimal(0))
                or file.credit_total != sum((b.credit_total for b in file.batches), Decimal(0))
            ):
                raise NachaError(f"record {line_no}: the file control disagrees with its batches")
            closed = True
        else:
            raise NachaError(f"record {line_no}: unknown record type {kind!r}")
    if not closed:
        raise NachaError("the file has no file control")
    return file
