"""The payments JSON API's input and output, validated strictly.

Amounts are whole numbers of minor units (``12345`` is ¥123.45), never floats
or strings; currencies are ISO 4217 codes the product knows; dates are
``YYYY-MM-DD``. Unknown fields are refused. References are letters, digits and
``. _ : -`` so they can stand in a URL path. Nothing here carries personal
data: accounts are named by the client's account reference.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
)

from arrears.core.currency import CURRENCIES

MAX_AMOUNT = 10**13  # ten trillion minor units: beyond any one payment
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}$"


def _known_currency(code: str) -> str:
    if code not in CURRENCIES:
        raise ValueError(f"'{code}' is not a currency arrears knows")
    return code


def _iso_day(value: Any) -> Any:
    # Only "YYYY-MM-DD": lax parsing would take a number as a Unix time.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Reference = Annotated[
    str, Field(min_length=1, max_length=100, pattern=REFERENCE_PATTERN, examples=["BANK-2026-0001"])
]
Currency = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code", examples=["CNY"]),
    AfterValidator(_known_currency),
]
Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    Field(description="a date, YYYY-MM-DD", json_schema_extra={"format": "date"}),
]
Amount = Annotated[
    StrictInt, Field(gt=0, le=MAX_AMOUNT, description="minor units (fen, cents)", examples=[12345])
]
Method = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", examples=["bank_transfer"])]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PaymentIn(_In):
    """A payment the client received for one of its accounts."""

    reference: Reference = Field(description="the client's unique reference of this payment")
    account_ref: str = Field(min_length=1, max_length=100, examples=["XH-000123"])
    amount_minor: Amount
    currency: Currency
    paid_on: Day
    method: Method | None = None


class ReversalIn(_In):
    """The payment was undone (a bounced transfer, a chargeback, an error)."""

    reference: Reference = Field(description="the client's unique reference of the reversal")
    reversed_on: Day
    reason: Literal["bounced", "chargeback", "refund", "error", "other"]


class Allocation(BaseModel):
    costs: int
    fees: int
    interest: int
    principal: int
    credit: int


class PaymentOut(BaseModel):
    reference: str
    account_ref: str
    kind: Literal["payment", "reversal"]
    amount_minor: int
    currency: str
    paid_on: date
    method: str | None
    allocation: Allocation
    reverses: str | None = Field(description="for a reversal: the payment it undoes")
    reversed_by: str | None = Field(description="for a payment: the reversal that undid it")
    created_at: datetime


class PaymentList(BaseModel):
    account_ref: str
    payments: list[PaymentOut]


class Balance(BaseModel):
    principal_minor: int
    interest_minor: int
    fees_minor: int
    costs_minor: int
    total_minor: int = Field(description="the four components together")
    credit_minor: int = Field(description="overpaid money held for the debtor")


class AccountOut(BaseModel):
    account_ref: str
    currency: str
    status: str
    balance: Balance
    due_on: date
    last_payment_on: date | None
    last_payment_minor: int | None


class ErrorOut(BaseModel):
    error: str = Field(description="a stable code, e.g. invalid_input, not_found, conflict")
    message: str = Field(description="what was wrong, in a sentence")
