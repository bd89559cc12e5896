"""Certificates read flat: the same number of statements for 2 and for 20, each
with its unit and its fee's ledger charge."""

from __future__ import annotations

from typing import Any

from tests.estoppels.sale import open_sale

CERTIFICATES = """query($id: ID!) {
  estoppelCertificates(associationId: $id, first: 100) {
    nodes { status balance fee validThrough unit { unitNumber } feeEntry { amount memo } }
  }
}"""


async def test_certificates_cost_the_same_for_2_and_20(api, statements) -> None:
    sale = await open_sale(api)
    e = sale.e

    async def count() -> tuple[int, list[Any]]:
        statements.clear()
        body = await api.gql(CERTIFICATES, {"id": e.association}, token=sale.owner.token)
        assert "errors" not in body, body
        return len(statements), body["data"]["estoppelCertificates"]["nodes"]

    async def issue(n: int) -> None:
        for i in range(n):
            caller = sale.owner if i % 2 else e.manager
            await api.call(
                "estoppelCertificate/v1/request", {"unitId": sale.unit, "waiveFee": i % 4 == 0 and caller is e.manager}, caller
            )

    await issue(2)
    n2, two = await count()
    await issue(18)
    n20, twenty = await count()
    assert (len(two), len(twenty)) == (2, 20)
    assert len({c["unit"]["unitNumber"] for c in twenty}) == 1 and all(c["status"] == "CURRENT" for c in twenty)
    assert sum(c["feeEntry"] is None for c in twenty) == 6 and all(c["feeEntry"] or c["fee"] == "0.00" for c in twenty)
    assert n2 == n20, statements
