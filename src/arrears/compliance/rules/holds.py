"""Holds: facts on the account that stop collection contact (resolution step 1).

A hold applies to the contact's debt (or to every debt when it names none) from
its ``since`` instant: a cease notice takes effect on receipt, so a message
sent before the notice arrived was lawful (cmt 6(c)(1)-1).

- ``dispute``: US-DISP-01 (1006.38(d)(2)) pauses collection until verification
  is sent; the verification itself (purpose ``required_by_law``) may go.
  Under CN the same fact is an objection (CN-CC-01; pause until verified, a
  DESIGN choice of the catalogue).
- ``cease``: US-CEASE-01 (1006.6(c)(1)); the three notices of 1006.6(c)(2)
  (US-CEASE-02) can only be told apart by reading them, so a contact with
  purpose ``required_by_law`` goes to REVIEW rather than through.
- ``attorney``: US-ATTY-01 (1006.6(b)(2)): only the attorney may be contacted;
  a single reply to the person's own contact goes to REVIEW.
- ``breathing_space``: UK-11; ``bankruptcy``, ``deceased``, ``legal`` and any
  hold without a specific rule in the contact's jurisdictions: HOUSE-HOLD-01.
"""

from __future__ import annotations

import polars as pl

from arrears.compliance.findings import by_jurisdiction, finding, fmt, stack
from arrears.compliance.frames import Frames
from arrears.compliance.model import Verdict

_MESSAGES = {
    "dispute": (
        "Debt {debt} is disputed: collection is paused until the verification is sent; "
        "only the verification or another communication required by law may go.",
        "债务 {debt} 存在争议（异议）：核实完成前暂停催收，仅可发送核实材料等法定通知。",
    ),
    "cease": (
        "The person asked in writing to stop communication about debt {debt} (or "
        "refused to pay): no further contact about it.",
        "本人已书面要求停止就债务 {debt} 联系（或拒绝还款）：不得再就此联系。",
    ),
    "attorney": (
        "The person is represented by an attorney for debt {debt}: contact the attorney instead.",
        "本人已就债务 {debt} 委托律师：请改为联系律师。",
    ),
    "bankruptcy": (
        "A bankruptcy is recorded for debt {debt}: collection contact is stopped "
        "(the automatic stay of 11 U.S.C. 362 where it applies).",
        "债务 {debt} 已登记破产：停止催收联系。",
    ),
    "deceased": (
        "The person is recorded as deceased: route debt {debt} to estate handling.",
        "本人已登记身故：债务 {debt} 转遗产处理流程。",
    ),
    "legal": (
        "A legal hold is recorded on debt {debt}: no collection contact.",
        "债务 {debt} 处于法律冻结状态：不得催收联系。",
    ),
    "breathing_space": (
        "Breathing space is active for debt {debt}: no contact requesting payment.",
        "债务 {debt} 处于喘息期：不得联系要求还款。",
    ),
}
_REVIEW = {
    "cease": (
        "A cease notice is on file for debt {debt}: only a notice that collection ends, "
        "or of a remedy the collector may or intends to invoke, may be sent, after review.",
        "债务 {debt} 已有停止联系通知：仅可在复核后发送法定三类通知。",
    ),
    "attorney": (
        "The person is represented by an attorney for debt {debt}: a single reply to "
        "the person's own contact may be allowed; a person must confirm.",
        "本人已就债务 {debt} 委托律师：对本人来电/来信的单次回复需人工确认。",
    ),
}
_SPECIFIC = {
    "dispute": [("US", "US-DISP-01"), ("CN", "CN-CC-01")],
    "cease": [("US", "US-CEASE-01")],
    "attorney": [("US", "US-ATTY-01")],
    "breathing_space": [("GB", "UK-11")],
}


def _active_holds(frames: Frames) -> pl.DataFrame:
    rows = frames.contacts.select(
        "contact_id", "jurisdictions", "debt", "now", "counterparty", "purpose", "reply_ok", "holds"
    ).explode("holds")
    rows = rows.filter(pl.col("holds").is_not_null())
    if rows.is_empty():
        return rows.drop("holds")
    rows = rows.with_columns(
        pl.col("holds").struct.field("kind").alias("kind"),
        pl.col("holds").struct.field("debt").alias("hold_debt"),
        pl.col("holds").struct.field("since").alias("since"),
    )
    on_debt = pl.col("hold_debt").is_null() | (pl.col("hold_debt") == pl.col("debt"))
    started = pl.col("since").is_null() | (pl.col("since") <= pl.col("now"))
    return rows.filter(on_debt & started).drop("holds")


def _rule_for(kind: str) -> pl.Expr:
    return by_jurisdiction(_SPECIFIC.get(kind, []), "HOUSE-HOLD-01")


def holds(frames: Frames) -> pl.DataFrame:
    """Dispute, cease, attorney, bankruptcy, deceased, legal and breathing-space holds.

    15 U.S.C. 1692g(b), 12 CFR 1006.38(d)(2) (US-DISP-01); 1692c(c), 1006.6(c)
    (US-CEASE-01/02); 1692c(a)(2), 1006.6(b)(2) (US-ATTY-01); 信用卡办法 第69条
    (CN-CC-01); Breathing Space Regulations 2020 (UK-11).
    """
    rows = _active_holds(frames)
    if rows.is_empty():
        return stack([])
    kind, purpose = pl.col("kind"), pl.col("purpose")
    exempt = ((kind == "dispute") & (purpose == "required_by_law")) | (
        (kind == "attorney") & (pl.col("counterparty") == "attorney")
    )
    # The US exceptions (1006.6(c)(2); a represented consumer's own contact) need a person.
    review = pl.col("jurisdictions").list.contains("US") & (
        ((kind == "cease") & (purpose == "required_by_law"))
        | ((kind == "attorney") & pl.col("reply_ok"))
    )
    rows = rows.filter(~exempt)
    parts = [_blocks(rows.filter(~review), k) for k in _MESSAGES]
    parts += [_reviews(rows.filter(review), k) for k in _REVIEW]
    unknown = rows.filter(~kind.is_in(list(_MESSAGES)))
    values = {"kind": kind, "debt": pl.col("debt")}
    parts.append(
        finding(
            unknown,
            "HOUSE-HOLD-01",
            Verdict.BLOCK,
            fmt("A hold ({kind}) is recorded on debt {debt}: no collection contact.", **values),
            fmt("债务 {debt} 有冻结（{kind}）：不得催收联系。", **values),
        )
    )
    return stack(parts)


def _blocks(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    text, text_zh = _MESSAGES[kind]
    mine = rows.filter(pl.col("kind") == kind)
    debt = pl.col("debt")
    return finding(
        mine, _rule_for(kind), Verdict.BLOCK, fmt(text, debt=debt), fmt(text_zh, debt=debt)
    )


def _reviews(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    text, text_zh = _REVIEW[kind]
    mine = rows.filter(pl.col("kind") == kind)
    rule_id = "US-CEASE-02" if kind == "cease" else "US-ATTY-01"
    debt = pl.col("debt")
    return finding(mine, rule_id, Verdict.REVIEW, fmt(text, debt=debt), fmt(text_zh, debt=debt))
