"""Card processors. The processor's own card form (in the app) takes the card
and answers the id of its charge; the owner's payment carries that id to us,
posts pending, and waits for the processor's callback (ownerPayment/v1/settle,
called with the processor integration's API key) to settle or decline it. No
live processor is wired here: `Processor` is the seam a real one fills (asking
the processor about the charge before accepting it, say); those listed accept a
reference of their processor's shape and leave the rest to the callback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from domains.owner_payments.errors import UnknownProcessor
from graph.errors import ValidationFailed


class Processor(Protocol):
    @property
    def name(self) -> str: ...

    def accept(self, reference: str, amount: Decimal) -> str:
        """The charge's reference as kept, or ValidationFailed when it can't be this processor's."""
        ...


@dataclass(frozen=True)
class CallbackProcessor:
    """A processor that reports each charge's outcome by callback only."""

    name: str
    reference: re.Pattern[str]

    def accept(self, reference: str, amount: Decimal) -> str:
        if not self.reference.fullmatch(reference):
            raise ValidationFailed(f"Not a {self.name} charge reference.", field=["processorReference"])
        return reference


PROCESSORS: dict[str, Processor] = {
    p.name: p
    for p in (
        CallbackProcessor("stripe", re.compile(r"pi_[A-Za-z0-9]{8,60}")),
        CallbackProcessor("authorize_net", re.compile(r"[0-9]{8,20}")),
    )
}


def of(name: str) -> Processor:
    try:
        return PROCESSORS[name]
    except KeyError:
        raise UnknownProcessor(f"Unknown processor; one of {', '.join(sorted(PROCESSORS))}.", field=["processor"]) from None
