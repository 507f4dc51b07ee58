"""What a contact must carry: disclosures, limited-content voicemail, process duties.

A REQUIRE finding lists what the contact must carry (``requires``); the caller
puts it in the template or the agent's script. When the contact comes with its
``content``, the content checker's :func:`disclosures_present` decides: an
item already in the text satisfies the requirement (no finding), a missing one
is a BLOCK — a failing message is never sent.

- US-DISC-01 (15 U.S.C. 1692e(11), 1006.18(e)(1)): the initial communication
  with the consumer carries the mini-Miranda; US-DISC-02 ((e)(2)): every later
  one says it is from a debt collector (the full mini-Miranda also does).
  Not owed to third parties (a location inquiry must *not* reveal the debt) nor
  to the consumer's attorney; an opt-out confirmation carries nothing else.
- US-ELEC-01 (1006.6(e)): every e-mail, text or private message carries an
  opt-out notice.
- US-VM-01 (1006.2(j); cmt 2(j)-2): a voicemail must be a limited-content
  message, and none is ever left on a number known to be a third party's.
- US-TBD-01 (1006.26(b)): on a time-barred debt no threat of suit; with no text
  to check, the agent is told. Reg F has no federal time-barred disclosure;
  state disclosures are not covered (see docs/compliance.md).
- CN-REC-01 and CN-VISIT-01: calls and visits are recorded; visits by two
  collectors who show ID and enter only with consent.
"""

from __future__ import annotations

import polars as pl

from arrears.compliance.findings import finding, stack
from arrears.compliance.frames import CONSUMER, ELECTRONIC, Frames
from arrears.compliance.model import Verdict

US = pl.col("jurisdictions").list.contains("US")
CN = pl.col("jurisdictions").list.contains("CN")
NO_TEXT = pl.col("content").is_null()
SPEAKS = ("call", "sms", "email", "letter", "visit", "social_private")


def _carry(
    rows: pl.DataFrame, rule_id: str, item: str, message: str, message_zh: str
) -> pl.DataFrame:
    """REQUIRE ``item`` when there is no text; BLOCK when the text lacks it."""
    if rows.is_empty():
        return stack([])
    has = pl.col("disclosures").list.contains(item)
    return stack(
        [
            finding(
                rows.filter(NO_TEXT), rule_id, Verdict.REQUIRE, message, message_zh, requires=[item]
            ),
            finding(
                rows.filter(~NO_TEXT & ~has),
                rule_id,
                Verdict.BLOCK,
                f"{message} The text does not carry it, and a failing message is never sent.",
                f"{message_zh}该文本缺少此项，不合规的消息一律不得发送。",
                requires=[item],
            ),
        ]
    )


def initial(frames: Frames) -> pl.Expr:
    """No communication about the debt yet: this contact would be the initial one."""
    first = pl.col("first_contact_at")
    return first.is_null() | (first >= pl.col("now"))


def debt_collector(frames: Frames) -> pl.DataFrame:
    """15 U.S.C. 1692e(11); 12 CFR 1006.18(e)(1)-(2) (US-DISC-01, US-DISC-02)."""
    rows = frames.contacts.filter(
        US
        & pl.col("counterparty").is_in(CONSUMER)
        & pl.col("channel").is_in(SPEAKS)
        & pl.col("purpose").is_in(["collection", "reply", "required_by_law"])
    )
    first = rows.filter(initial(frames))
    later = rows.filter(~initial(frames))
    return stack(
        [
            _carry(
                first,
                "US-DISC-01",
                "mini_miranda",
                "The initial communication must say that the debt collector is attempting to "
                "collect a debt and that any information obtained will be used for that purpose.",
                "首次沟通须声明正在催收债务，所获信息将用于该目的。",
            ),
            _carry(
                later,
                "US-DISC-02",
                "debt_collector_disclosure",
                "The communication must say that it is from a debt collector.",
                "本次沟通须声明来自债务催收方。",
            ),
        ]
    )


def electronic(frames: Frames) -> pl.DataFrame:
    """12 CFR 1006.6(e) (US-ELEC-01): an opt-out notice in every electronic message."""
    rows = frames.contacts.filter(
        US
        & pl.col("channel").is_in(ELECTRONIC)
        & (pl.col("channel") != "social_public")
        & (pl.col("purpose") != "opt_out_confirmation")
    )
    return _carry(
        rows,
        "US-ELEC-01",
        "opt_out_notice",
        "Every e-mail, text or electronic message must carry a clear and simple way to "
        "opt out (for example: Reply STOP to stop texts to this number).",
        "每条电子消息须包含清晰简便的退订方式（例如“回复STOP退订”）。",
    )


def voicemail(frames: Frames) -> pl.DataFrame:
    """12 CFR 1006.2(j) and cmt 2(j)-2 (US-VM-01): limited-content messages only."""
    rows = frames.contacts.filter(US & (pl.col("channel") == "voicemail"))
    if rows.is_empty():
        return stack([])
    theirs = (pl.col("to_owner") == "third_party").fill_null(False) | pl.col("counterparty").is_in(
        ["third_party", "emergency_contact", "employer"]
    )
    return stack(
        [
            finding(
                rows.filter(theirs),
                "US-VM-01",
                Verdict.BLOCK,
                "No message is ever left on a number known to belong to a third party.",
                "不得在已知属于第三方的号码上留言。",
            ),
            _carry(
                rows.filter(~theirs),
                "US-VM-01",
                "limited_content_message",
                "A voicemail must be a limited-content message: business name without debt "
                "collection, a request to reply, a person's name and a callback number only.",
                "语音留言只能是有限内容留言：公司名称（不得显示催收）、请回电、联系人姓名和回电号码。",
            ),
        ]
    )


def time_barred(frames: Frames) -> pl.DataFrame:
    """12 CFR 1006.26(b) (US-TBD-01): no suit and no threat of suit on a time-barred debt."""
    rows = frames.contacts.filter(US & pl.col("time_barred") & NO_TEXT)
    return finding(
        rows,
        "US-TBD-01",
        Verdict.REQUIRE,
        "The debt is time-barred: the contact must not threaten a lawsuit. (No federal "
        "disclosure applies; a state disclosure may, and is not checked here.)",
        "该债务已过诉讼时效：不得以诉讼相威胁（联邦无强制披露；州法披露未覆盖）。",
        requires=["no_threat_of_suit"],
    )


def china_process(frames: Frames) -> pl.DataFrame:
    """CN-REC-01 (CBA 2026; NIFA 2018) and CN-VISIT-01 (CBA 2026): recording and visits."""
    c = frames.contacts.filter(CN)
    return stack(
        [
            finding(
                c.filter(pl.col("medium") == "phone"),
                "CN-REC-01",
                Verdict.REQUIRE,
                "Collection calls must be recorded.",
                "催收电话须全程录音。",
                requires=["call_recording"],
            ),
            finding(
                c.filter(pl.col("channel") == "visit"),
                "CN-REC-01",
                Verdict.REQUIRE,
                "Field visits must be recorded in audio and video throughout.",
                "上门催收须全程录音录像。",
                requires=["audio_video_recording"],
            ),
            finding(
                c.filter(pl.col("channel") == "visit"),
                "CN-VISIT-01",
                Verdict.REQUIRE,
                "Field visits: at least two collectors, who show identification and enter a "
                "residence only with consent.",
                "上门催收须两人以上，出示证件，经同意方可进入住所。",
                requires=["two_collectors", "identification_shown", "consent_before_entry"],
            ),
        ]
    )
