"""The model registry and the scores it produced.

A model version is trained once and never changes: its artefact files (the
LightGBM text model or the scorecard's JSON, and the metadata) live under
``var/models/<version>/`` with their SHA-256 here. What changes is its
status: a *candidate* is promoted to *champion* (the previous champion of
the same name is *retired*) or to *challenger* with a share of the accounts.
Each account's arm is a stable hash of its id and the model name, so it keeps
the same model from day to day.

``account_scores`` keeps every score of every day: the probability of paying
within the horizon, the expected amount in the account's minor units, the
tier and the reason codes (feature, value, contribution: rendered in the
reader's language when shown). ``used`` marks the one the account's arm
picked — the planner's ``score`` and ``tier``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk

MODEL_KINDS = ("lightgbm", "scorecard")
MODEL_STATUSES = ("candidate", "champion", "challenger", "retired")


class ModelRecord(Base):
    __tablename__ = "models"
    __table_args__ = (
        CheckConstraint("kind IN ('lightgbm', 'scorecard')", name="kind"),
        CheckConstraint(
            "status IN ('candidate', 'champion', 'challenger', 'retired')", name="status"
        ),
        Index("ix_models_name_status", "name", "status"),
    )

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(64))  # what it predicts: pay30
    version: Mapped[str] = mapped_column(String(64), unique=True)  # pay30-v3
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="candidate")
    challenger_share: Mapped[float | None] = mapped_column(Float)
    trained_as_of: Mapped[date] = mapped_column(Date)
    period_from: Mapped[date] = mapped_column(Date)  # first snapshot day learnt from
    period_to: Mapped[date] = mapped_column(Date)  # last day of outcomes learnt from
    horizon_days: Mapped[int]
    features: Mapped[list[Any]] = mapped_column(default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    artefact_path: Mapped[str] = mapped_column(String(500))  # relative to the models folder
    digest: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AccountScoreRecord(Base):
    __tablename__ = "account_scores"
    __table_args__ = (
        Index("ix_account_scores_account", "account_id", "as_of"),
        Index("ix_account_scores_model", "model_id", "as_of"),
    )

    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"), primary_key=True)
    model_id: Mapped[int] = mapped_column(BigId, ForeignKey("models.id"), primary_key=True)
    arm: Mapped[str] = mapped_column(String(16))  # champion | challenger
    used: Mapped[bool] = mapped_column(Boolean)
    probability: Mapped[float] = mapped_column(Float)
    expected_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    tier: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
