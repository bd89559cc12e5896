"""An association moved in (opening cash) with a bank account on its operating cash, for the banking tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.accounting.books import Books, open_books
from tests.helpers import Api

OPENING = """accountNumber,fundCode,debit,credit
1010,OPER,10000.00,
3000,OPER,,10000.00
1020,RESV,5000.00,
3100,RESV,,5000.00
"""


@dataclass
class Bank:
    b: Books
    account: dict[str, Any]

    @property
    def c(self) -> Any:
        return self.b.c


async def open_bank(api: Api, units: int = 2) -> Bank:
    b = await open_books(api, units)
    await api.call(
        "openingBalance/v1/post",
        {"associationId": b.c.association, "cutOverDate": "2025-12-31", "accountsCsv": OPENING},
        b.c.admin,
    )
    account = await api.call(
        "bankAccount/v1/create",
        {
            "associationId": b.c.association,
            "name": "Operating Checking",
            "institution": "First Community Bank",
            "kind": "checking",
            "routingNumber": "121000358",
            "accountNumber": "000123456789",
            "glAccountId": b.accounts["1010"],
            "openedOn": "2026-01-01",
        },
        b.c.admin,
    )
    return Bank(b, account)


def ofx(
    transactions: list[tuple[str, str, str, str, str]], balance: str, start: str, end: str, acct: str = "000123456789"
) -> str:
    """An OFX 1.x statement: (type, yyyymmdd, amount, fitid, extra tags)."""
    body = "".join(
        f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>{day}<TRNAMT>{amount}<FITID>{fitid}{extra}</STMTTRN>\n"
        for kind, day, amount, fitid, extra in transactions
    )
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\nCOMPRESSION:NONE\n"
        "OLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260201120000<LANGUAGE>ENG"
        "</SONRS></SIGNONMSGSRSV1>\n<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
        f"<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000358<ACCTID>{acct}<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
        f"<BANKTRANLIST><DTSTART>{start}<DTEND>{end}\n{body}</BANKTRANLIST>"
        f"<LEDGERBAL><BALAMT>{balance}<DTASOF>{end}</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )


async def cash_line(api: Api, bank: Bank, entry_id: str) -> str:
    """The operating-cash line of a journal entry."""
    entry = await api.call("journalEntry/v1/get", {"id": entry_id}, bank.c.admin)
    [line] = [ln["id"] for ln in entry["lines"] if ln["accountId"] == bank.b.accounts["1010"]]
    return line


def bai2(
    days: list[tuple[str, list[tuple[str, int, str, str, str]]]],
    opening: int,
    acct: str = "000123456789",
    other: str = "000999990001",
) -> str:
    """A BAI2 previous-day file as a bank sends it: a group per day (yymmdd) for
    our account — its opening (010) and closing (015) ledger and credit/debit
    totals (100/400), its details (type code, cents, bank reference, customer
    reference, text) — and another account of the customer's in the same
    group, with every trailer's control total and record count filled in."""
    groups, file_total, file_records = [], 0, 0
    balance = opening
    for day, details in days:
        credits = sum(cents for code, cents, *_ in details if code < "400")
        debits = sum(cents for code, cents, *_ in details if code >= "400")
        closing = balance + credits - debits
        summary = [("010", balance, ""), ("015", closing, ""), ("100", credits, str(sum(c < "400" for c, *_ in details)))]
        summary.append(("400", debits, str(sum(c >= "400" for c, *_ in details))))
        head = f"03,{acct},USD," + ",".join(f"{code},{cents},{count}," for code, cents, count in summary) + "/"
        records = [head] + [
            f"16,{code},{cents},Z,{bank_ref},{cust_ref},{text}/" for code, cents, bank_ref, cust_ref, text in details
        ]
        total = sum(cents for _, cents, _ in summary) + credits + debits
        ours = [*records, f"49,{total},{len(records) + 1}/"]
        theirs = [f"03,{other},USD,015,5000000,,/", f"16,301,1000,Z,OTHER{day},,OTHER ACCOUNT/", "49,5001000,3/"]
        group_total = total + 5001000
        lines = [f"02,HESTAMI,121000358,1,{day},2400,USD,2/", *ours, *theirs]
        lines.append(f"98,{group_total},2,{len(lines) + 1}/")
        groups.extend(lines)
        file_total += group_total
        file_records += len(lines)
        balance = closing
    return "\n".join(
        [f"01,121000358,HESTAMI,{days[-1][0]},0600,1,,,2/", *groups, f"99,{file_total},{len(days)},{file_records + 2}/"]
    )
