"""Media, addresses and places: opt-outs, TCPA consent, employer e-mail, public posts.

- Opt-outs (US-MED-01, 1006.14(h)): an opt-out names a medium and, optionally,
  one number or address. A call opt-out covers calls and voicemail to that
  number; an SMS opt-out texts to it; an e-mail opt-out that address; one
  without ``to`` the whole medium, for every debt. Exceptions (14(h)(2)): one
  electronic confirmation of the opt-out, one reply when the person started
  the contact in that medium, and communications required by law — the last
  goes to REVIEW because 1006.42 doubts that an opted-out address gives
  actual notice (cmt 42(a)(1)-4). Under GB the same fact is a "reasonable
  request about how" (UK-06); elsewhere a house rule honours it.
- US-TCPA-01 (47 U.S.C. 227(b)(1)(A)(iii)): an automated call, prerecorded
  voicemail or automated text to a mobile — or to a line of unknown kind,
  which may be a mobile — needs prior express consent for that number (or one
  given for every number). US-TCPA-02: any phone or SMS opt-out of that number
  revokes it (47 CFR 64.1200(a)(10)).
- US-ELEC-03 (1006.22(f)(3)): no e-mail to an employer-provided address unless
  the person used it with the collector or consented to it.
- Public social media: US-SOC-01, CN-PROH-01, UK-07.
- Places: US-PLACE-01 (home said to be inconvenient: no mail to the home
  address, no calls to the home landline) and US-WORK-01 (no calls, visits or
  mail to the workplace the employer forbids).
"""

from __future__ import annotations

import polars as pl

from arrears.compliance.findings import by_jurisdiction, finding, stack
from arrears.compliance.frames import MEDIUM, Frames
from arrears.compliance.model import Verdict

US = pl.col("jurisdictions").list.contains("US")


def _matching_opt_outs(frames: Frames) -> pl.DataFrame:
    rows = frames.contacts.select(
        "contact_id",
        "person",
        "jurisdictions",
        "channel",
        "medium",
        "to",
        "now",
        "purpose",
        "reply_ok",
        "automated",
        "opt_outs",
    ).explode("opt_outs")
    rows = rows.filter(pl.col("opt_outs").is_not_null())
    if rows.is_empty():
        return rows.drop("opt_outs")
    rows = rows.with_columns(
        pl.col("opt_outs").struct.field("channel").alias("o_channel"),
        pl.col("opt_outs").struct.field("to").alias("o_to"),
        pl.col("opt_outs").struct.field("at").alias("o_at"),
    )
    rows = rows.with_columns(
        pl.col("o_channel").replace_strict(MEDIUM, default=pl.col("o_channel")).alias("o_medium")
    )
    return rows.filter(
        (pl.col("o_to").is_null() | (pl.col("o_to") == pl.col("to")))
        & (pl.col("o_at").is_null() | (pl.col("o_at") <= pl.col("now")))
    ).drop("opt_outs")


def _confirmation_ok(frames: Frames, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows where this is the single confirmation of the opt-out (1006.14(h)(2)(i))."""
    asked = rows.filter(
        (pl.col("purpose") == "opt_out_confirmation") & pl.col("medium").is_in(["sms", "email"])
    )
    if asked.is_empty():
        return asked
    sent = asked.join(frames.history, on="person").filter(
        (pl.col("direction") == "out")
        & (pl.col("medium_right") == pl.col("medium"))
        & (pl.col("to_right") == pl.col("to"))
        & (pl.col("at") >= pl.col("o_at").fill_null(pl.col("at")))
        & (pl.col("at") < pl.col("now"))
    )
    return asked.join(sent.select("contact_id").unique(), on="contact_id", how="anti")


def opt_outs(frames: Frames) -> pl.DataFrame:
    """Opted-out media, numbers and addresses: 12 CFR 1006.14(h) (US-MED-01); UK-06.

    Also US-TCPA-02 (47 CFR 64.1200(a)(10)): any phone or text opt-out of a number
    revokes consent to automated calls and texts to it.
    """
    rows = _matching_opt_outs(frames)
    if rows.is_empty():
        return stack([])
    same = rows.filter(pl.col("o_medium") == pl.col("medium"))
    confirmed = _confirmation_ok(frames, same).select("contact_id")
    same = same.join(confirmed, on="contact_id", how="anti").filter(~pl.col("reply_ok"))
    same = same.unique("contact_id")
    by_law = pl.col("purpose") == "required_by_law"
    rule_id = by_jurisdiction([("US", "US-MED-01"), ("GB", "UK-06")], "HOUSE-OPT-01")
    phone = ["phone", "sms"]
    auto = rows.filter(
        US & pl.col("automated") & pl.col("medium").is_in(phone) & pl.col("o_medium").is_in(phone)
    ).unique("contact_id")
    scope = (
        pl.when(pl.col("o_to").is_null())
        .then(pl.lit(""))
        .otherwise(pl.format(" to {}", pl.col("o_to")))
    )
    refused = (
        pl.format(_REFUSED, pl.col("o_channel"), scope),
        pl.format(_REFUSED_ZH, pl.col("o_channel")),
    )
    return stack(
        [
            finding(same.filter(~by_law), rule_id, Verdict.BLOCK, *refused),
            finding(same.filter(by_law), rule_id, Verdict.REVIEW, *_BY_LAW),
            finding(auto, "US-TCPA-02", Verdict.BLOCK, *_REVOKED),
        ]
    )


_REFUSED = "The person opted out of {} contact{}: it is not used, for any debt."
_REFUSED_ZH = "本人已拒绝通过该方式（{}）联系：任何债务均不得使用。"
_BY_LAW = (
    "A communication required by law through a medium the person opted out of: a person "
    "must confirm it can give actual notice this way.",
    "通过本人已拒绝的方式发送法定通知：需人工确认可有效送达。",
)
_REVOKED = (
    "The person opted out of calls or texts to this number, which revokes consent to "
    "automated calls and texts.",
    "本人已退订该号码的电话或短信，视为撤回自动呼叫/短信同意。",
)


def _consented(contacts: pl.DataFrame, kinds: pl.Expr) -> pl.DataFrame:
    """Contacts with a consent of one of ``kinds`` for their number (or for every number)."""
    rows = contacts.select(
        "contact_id", pl.col("to").alias("c_to"), kinds.alias("wanted"), "consents"
    ).explode("consents")
    rows = rows.filter(pl.col("consents").is_not_null()).unnest("consents")
    rows = rows.filter(
        pl.col("wanted").list.contains(pl.col("kind"))
        & (pl.col("to").is_null() | (pl.col("to") == pl.col("c_to")))
    )
    return rows.select("contact_id").unique()


def tcpa_consent(frames: Frames) -> pl.DataFrame:
    """Automated calls and texts to a (possibly) mobile number: 47 U.S.C. 227(b)(1)(A)(iii)."""
    wanted = frames.contacts.filter(
        US
        & pl.col("automated")
        & pl.col("channel").is_in(["call", "voicemail", "sms"])
        & (pl.col("to_line_type") != "landline").fill_null(True)
    )
    # TCPA treats a text as a call: a consent to automated calls covers automated texts.
    kinds = (
        pl.when(pl.col("channel") == "sms")
        .then(pl.lit(["automated_calls", "texts"], dtype=pl.List(pl.String())))
        .otherwise(pl.lit(["automated_calls"], dtype=pl.List(pl.String())))
    )
    missing = wanted.join(_consented(wanted, kinds), on="contact_id", how="anti")
    return finding(
        missing,
        "US-TCPA-01",
        Verdict.BLOCK,
        "An automated or prerecorded call or automated text to a number that is or may "
        "be a mobile needs the person's prior express consent, and none is on file.",
        "向（可能为）手机号码自动拨号、播放录音或自动发短信须事先明示同意，但无同意记录。",
    )


def employer_email(frames: Frames) -> pl.DataFrame:
    """No e-mail to an employer-provided address: 12 CFR 1006.22(f)(3) (US-ELEC-03).

    Allowed when the address qualifies under 1006.6(d)(4)(i): the person e-mailed
    the collector from it, or consented to it directly.
    """
    wanted = frames.contacts.filter(
        US & (pl.col("channel") == "email") & pl.col("to_employer_email").fill_null(False)
    )
    if wanted.is_empty():
        return stack([])
    email = pl.lit(["email"], dtype=pl.List(pl.String()))
    consented = _consented(wanted, email)
    used = (
        wanted.select("contact_id", "person", "to", "now")
        .join(
            frames.history.select(
                "person", pl.col("to").alias("h_to"), "at", "direction", "medium"
            ),
            on="person",
        )
        .filter(
            (pl.col("direction") == "in")
            & (pl.col("medium") == "email")
            & (pl.col("h_to") == pl.col("to"))
            & (pl.col("at") < pl.col("now"))
        )
    )
    ok = pl.concat([consented, used.select("contact_id").unique()])
    hit = wanted.join(ok, on="contact_id", how="anti")
    return finding(
        hit,
        "US-ELEC-03",
        Verdict.BLOCK,
        "The address is known to be provided by the employer, and the person has neither "
        "used it with us nor consented to it.",
        "该邮箱已知由雇主提供，且本人既未用其联系我们，也未同意使用。",
    )


def public_social(frames: Frames) -> pl.DataFrame:
    """No public posts: 1006.22(f)(4) (US-SOC-01); CBA 2026 (CN-PROH-01); CONC 7.9 (UK-07)."""
    hit = frames.contacts.filter(pl.col("channel") == "social_public")
    rule_id = by_jurisdiction(
        [("US", "US-SOC-01"), ("CN", "CN-PROH-01"), ("GB", "UK-07")], "US-SOC-01"
    )
    return finding(
        hit,
        rule_id,
        Verdict.BLOCK,
        "A social-media post the public or the person's contacts can see is never used "
        "for collection.",
        "不得通过公众或其联系人可见的社交媒体方式催收。",
    )


def places(frames: Frames) -> pl.DataFrame:
    """Inconvenient places: 1006.6(b)(1)(ii) (US-PLACE-01) and 1006.6(b)(3) (US-WORK-01).

    Media tied to a place are the mailing address and the landline; a mobile, an
    e-mail or a text is not tied to one (cmt 6(b)(1)(ii)-1). A reply the person
    asked for at that place is exempt once (cmt 6(b)(1)-2).
    """
    c = frames.contacts.filter(~pl.col("reply_ok"))
    places = pl.col("inconvenient_places")
    home = c.filter(places.list.contains("home") & (pl.col("to_place") == "home"))
    work = c.filter(
        (places.list.contains("work") | places.list.contains("employer"))
        & ((pl.col("to_place") == "work") | (pl.col("to_owner") == "employer")).fill_null(False)
        & pl.col("channel").is_in(["call", "voicemail", "sms", "letter", "visit"])
    )
    home_rule = by_jurisdiction([("US", "US-PLACE-01"), ("GB", "UK-06")], "HOUSE-OPT-01")
    work_rule = by_jurisdiction([("US", "US-WORK-01"), ("GB", "UK-06")], "HOUSE-OPT-01")
    return stack(
        [
            finding(
                home,
                home_rule,
                Verdict.BLOCK,
                "The person said home is an inconvenient place: no mail to the home address and "
                "no calls or visits to the home.",
                "本人表示在家不便：不得寄信、致电住宅座机或上门。",
            ),
            finding(
                work,
                work_rule,
                Verdict.BLOCK,
                "The person cannot be contacted at work: no calls, visits or mail to the "
                "workplace.",
                "本人不便在工作单位接受联系：不得致电、上门或寄信至工作单位。",
            ),
        ]
    )
