"""What a simulated run produced: money in, money spent, contacts, complaints, violations.

Amounts are integer minor units per currency. For one figure across the demo's
currencies the report converts with the fixed rates of the simulation file
(``rates``, Decimal, reporting only: nothing is paid or booked with them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from arrears.sim.simulator.audit import AuditTally


@dataclass
class Metrics:
    policy: str
    seed: int
    days: int
    accounts: int = 0
    debtors: int = 0
    recovered: Counter[str] = field(default_factory=Counter)  # currency -> minor units
    cost: Counter[str] = field(default_factory=Counter)  # currency -> minor units
    # (client code, currency) -> minor units: the report's split by client (B2B apart)
    recovered_by: Counter[tuple[str, str]] = field(default_factory=Counter)
    cost_by: Counter[tuple[str, str]] = field(default_factory=Counter)
    contacts: Counter[str] = field(default_factory=Counter)  # channel -> count
    outcomes: Counter[str] = field(default_factory=Counter)  # call outcomes, replies, events
    payments: int = 0
    payers: set[int] = field(default_factory=set)
    complaints: int = 0
    gate_blocked: int = 0
    promises: Counter[str] = field(default_factory=Counter)  # status -> count
    audit: AuditTally = field(default_factory=AuditTally)
    seconds: float = 0.0
    ledger: list[tuple[int, date, int]] = field(default_factory=list)  # account, day, minor

    def in_report_currency(self, amounts: Counter[str], rates: dict[str, Decimal]) -> int:
        """Minor units converted with the reporting rates, rounded once."""
        total = sum((Decimal(v) * rates.get(c, Decimal(0)) for c, v in amounts.items()),
                    Decimal(0))  # fmt: skip
        return int(total.to_integral_value())

    def summary(self, rates: dict[str, Decimal]) -> dict[str, Any]:
        recovered = self.in_report_currency(self.recovered, rates)
        cost = self.in_report_currency(self.cost, rates)
        contacts = sum(self.contacts.values())
        return {
            "policy": self.policy, "seed": self.seed, "days": self.days,
            "recovered_minor": recovered, "cost_minor": cost,
            "recovered_per_cost": recovered / cost if cost else float("inf"),
            "payments": self.payments, "payers": len(self.payers),
            "contacts": contacts,
            "contacts_per_debtor": contacts / self.debtors if self.debtors else 0.0,
            "calls": self.contacts.get("call", 0),
            "conversations": self.outcomes.get("call:conversation", 0),
            "complaints": self.complaints,
            "complaints_per_1000_contacts": 1000 * self.complaints / contacts if contacts else 0.0,
            "promises": dict(self.promises),
            "violations": self.audit.violations, "audited": self.audit.checked,
            "reviews": self.audit.reviews, "gate_blocked": self.gate_blocked,
            "seconds": round(self.seconds, 1),
            "by_client": self.by_client(rates), "by_channel": dict(self.contacts),
        }  # fmt: skip

    def by_client(self, rates: dict[str, Decimal]) -> dict[str, dict[str, int]]:
        """Recovered and cost per client, in the report currency (the B2B book apart)."""
        clients = sorted({c for c, _ in self.recovered_by} | {c for c, _ in self.cost_by})
        out = {}
        for client in clients:
            recovered = Counter(
                {cur: v for (c, cur), v in self.recovered_by.items() if c == client}
            )
            cost = Counter({cur: v for (c, cur), v in self.cost_by.items() if c == client})
            out[client] = {"recovered_minor": self.in_report_currency(recovered, rates),
                           "cost_minor": self.in_report_currency(cost, rates)}  # fmt: skip
        return out
