"""Third parties, emergency contacts and employers.

US (US-3P-01/02): nobody but the consumer (which includes the spouse,
1006.6(a), US-DEF-03), their attorney and a few others may hear about the
debt (15 U.S.C. 1692c(b), 1006.6(d)). A third party may be contacted only to
acquire location information (1692b, 1006.10), once per third party, without
any debt content. A second contact needs a reason only a person can judge
(the third party asked, or the first answer was wrong), so it is BLOCKed.

CN (CN-3P-02/03): an unrelated third party only when the debtor is
unreachable (失联), only to find the debtor or pass on a message, never to
collect; emergency contacts (联系人) are for locating only. A spouse is
"debt-related" only for a joint debt (民法典 Art. 1064), which the facts do not
tell: the spouse is treated as a third party (DESIGN).

GB (UK-07): no disclosure to third parties (CONC 7.9): location contacts only.
"""

from __future__ import annotations

import polars as pl

from arrears.compliance.findings import finding, stack
from arrears.compliance.frames import THIRD_PARTIES, Frames
from arrears.compliance.model import Verdict

COMMUNICATED = ("conversation", "third_party_answered", "delivered", "voicemail")
LOCATE = pl.col("purpose") == "location_inquiry"


def _has(code: str) -> pl.Expr:
    return pl.col("jurisdictions").list.contains(code)


def _already_asked(frames: Frames, rows: pl.DataFrame) -> pl.DataFrame:
    """Contacts whose third party was already reached (any earlier communication)."""
    if rows.is_empty():
        return rows.select("contact_id")
    past = rows.select("contact_id", "person", "now").join(
        frames.history.select("person", "at", "direction", "outcome"), on="person"
    )
    past = past.filter(
        (pl.col("at") < pl.col("now"))
        & (pl.col("direction") == "out")
        & pl.col("outcome").is_in(COMMUNICATED)
    )
    return past.select("contact_id").unique()


def united_states(frames: Frames) -> pl.DataFrame:
    """15 U.S.C. 1692b, 1692c(b); 12 CFR 1006.6(d), 1006.10 (US-3P-01, US-3P-02)."""
    rows = frames.contacts.filter(_has("US") & pl.col("counterparty").is_in(THIRD_PARTIES))
    if rows.is_empty():
        return stack([])
    locate = rows.filter(LOCATE)
    again = _already_asked(frames, locate)
    first = locate.join(again, on="contact_id", how="anti")
    return stack(
        [
            finding(
                rows.filter(~LOCATE),
                "US-3P-01",
                Verdict.BLOCK,
                "A third party (not the consumer, spouse or attorney) may only be asked for the "
                "consumer's location; nothing about the debt may be said.",
                "第三方（非本人、配偶或律师）只能询问本人的联系方式或住址，不得提及债务。",
            ),
            finding(
                locate.join(again, on="contact_id", how="semi"),
                "US-3P-02",
                Verdict.BLOCK,
                "This third party was already contacted for location information; a second "
                "contact needs their request or a documented reason (override by a person).",
                "已向该第三方询问过位置信息；再次联系须其本人要求或有书面理由（须人工放行）。",
            ),
            finding(
                first,
                "US-3P-02",
                Verdict.REQUIRE,
                "Location inquiry only: the caller gives their own name, confirms or corrects "
                "location information, names the employer only if asked, and never says that "
                "the consumer owes a debt.",
                "仅限询问位置信息：说明本人姓名，核实或更正联系信息，仅在被问及时说明单位，"
                "不得提及债务。",
                requires=["location_information_only"],
            ),
        ]
    )


def china(frames: Frames) -> pl.DataFrame:
    """CBA 2026 (CN-3P-02); NIFA 2024 and 2018 (CN-3P-03): third parties and 联系人."""
    others = pl.col("counterparty").is_in([*THIRD_PARTIES, "spouse"])
    rows = frames.contacts.filter(_has("CN") & others)
    if rows.is_empty():
        return stack([])
    reachable = rows.filter(~pl.col("debtor_unreachable"))
    lost = rows.filter(pl.col("debtor_unreachable"))
    return stack(
        [
            finding(
                reachable,
                "CN-3P-02",
                Verdict.BLOCK,
                "A third party may be contacted only when the debtor is unreachable (失联).",
                "债务人未失联：不得联系第三方。",
            ),
            finding(
                lost.filter(~LOCATE),
                "CN-3P-03",
                Verdict.BLOCK,
                "Third parties and emergency contacts are for locating the debtor, never for "
                "collecting.",
                "第三方及紧急联系人仅用于寻找债务人，不得向其催收。",
            ),
            finding(
                lost.filter(LOCATE),
                "CN-3P-02",
                Verdict.REQUIRE,
                "Only ask for the debtor's contact details or to pass on a message; say nothing "
                "of the debt, the amount, the overdue status or the lender.",
                "仅可询问债务人联系方式或请其转告，不得透露债务、金额、逾期情况或贷款机构。",
                requires=["no_debt_disclosure"],
            ),
        ]
    )


def britain(frames: Frames) -> pl.DataFrame:
    """FCA CONC 7.9 (UK-07): no disclosure of the debt to third parties."""
    rows = frames.contacts.filter(_has("GB") & pl.col("counterparty").is_in(THIRD_PARTIES))
    if rows.is_empty():
        return stack([])
    return stack(
        [
            finding(
                rows.filter(~LOCATE),
                "UK-07",
                Verdict.BLOCK,
                "The debt must not be disclosed to third parties: only a location inquiry is "
                "possible.",
                "不得向第三方披露债务：仅可询问位置信息。",
            ),
            finding(
                rows.filter(LOCATE),
                "UK-07",
                Verdict.REQUIRE,
                "Location inquiry only: establish nothing about the debt with the third party.",
                "仅限询问位置信息：不得向第三方透露任何债务信息。",
                requires=["no_debt_disclosure"],
            ),
        ]
    )


def third_parties(frames: Frames) -> pl.DataFrame:
    return stack([united_states(frames), china(frames), britain(frames)])
