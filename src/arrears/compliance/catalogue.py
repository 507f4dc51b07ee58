"""The rule catalogue: every rule id the engine can report, with its citation.

Ids and citations follow the research catalogue the project was specified from
(see docs/compliance.md). ``status`` says how sure the source is: ``P`` primary
text read, ``S`` secondary sources only, ``U`` unverified, ``D`` a DESIGN choice
(a conservative default where the law is silent). ``HOUSE-*`` rules are
arrears' own safeguards, not law.

The catalogue is data for people (``arrears compliance rules``, docs, finding
citations); the logic of each rule lives in :mod:`arrears.compliance.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    jurisdiction: str
    citation: str
    title: str
    title_zh: str
    status: str = "P"


_RULES = [
    # ----------------------------------------------------------------- US time and place
    RuleInfo("US-TIME-01", "US", "15 U.S.C. 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)",
             "No contact before 08:00 or after 21:00 at the consumer's location.",
             "不得在消费者所在地当地时间 08:00 前或 21:00 后联系。"),
    RuleInfo("US-TIME-02", "US", "12 CFR 1006.6(b)(1)(i); cmt 6(b)(1)(i)-2",
             "With several candidate locations, the contact must be convenient in every one.",
             "消费者位置不明确时，联系时间须在每个可能时区内都合规。"),
    RuleInfo("US-TIME-02a", "US", "12 CFR 1006.6(b)(1)(i); cmt 6(b)(1)(i)-2 (DESIGN default)",
             "No location known: the whole US (contiguous, Alaska, Hawaii) is assumed.",
             "无任何位置信息：按全美各时区（含阿拉斯加、夏威夷）从严判断。", "D"),
    RuleInfo("US-TIME-03", "US", "12 CFR 1006.6(b)(1)(i); cmt 6(b)(1)-1",
             "Times the person said are inconvenient are respected until they lift them.",
             "尊重本人声明的不便联系时间，直至其撤回。"),
    RuleInfo("US-PLACE-01", "US", "12 CFR 1006.6(b)(1)(ii); cmt 6(b)(1)(ii)-1",
             "Home said to be inconvenient: no mail to the home address, no calls to the landline.",
             "本人表示在家不便：不得寄信至住址或拨打住宅座机。"),
    RuleInfo("US-WORK-01", "US", "15 U.S.C. 1692c(a)(3); 12 CFR 1006.6(b)(3)",
             "Employer prohibits such contact: no calls, visits or mail to the workplace.",
             "雇主禁止接收此类联系：不得致电、上门或寄信至工作单位。"),
    # ----------------------------------------------------------------- US frequency
    RuleInfo("US-FREQ-01", "US", "12 CFR 1006.14(b)(2)(i)(A)",
             "At most 7 calls to a person about a debt within 7 consecutive days.",
             "同一债务对同一人 7 个连续自然日内致电不超过 7 次。"),
    RuleInfo("US-FREQ-02", "US", "12 CFR 1006.14(b)(2)(i)(B)",
             "No call within 7 days after a telephone conversation (its date is day 1).",
             "通话后 7 日内（通话当日为第 1 日）不得再致电。"),
    RuleInfo("US-FREQ-03", "US", "12 CFR 1006.14(b)(3)(i)",
             "Calls with the person's direct consent for that date are not counted.",
             "经本人直接同意的当日来电不计入次数。"),
    RuleInfo("US-FREQ-04", "US", "12 CFR 1006.14(b)(3)(ii)",
             "Calls not connected (busy, not in service) are not counted.",
             "未接通（忙音、空号）的呼叫不计入次数。"),
    RuleInfo("US-FREQ-05", "US", "12 CFR 1006.14(b)(3)(iii)",
             "Calls to the consumer's attorney are not counted.",
             "致电消费者律师不计入次数。"),
    RuleInfo("US-FREQ-06", "US", "cmt 14(b)(2)(i)-3",
             "Calls to a number later found to be someone else's are not counted for the person.",
             "打错号码（属于他人）的呼叫不计入本人次数。"),
    RuleInfo("US-FREQ-08", "US", "cmt 14(b)(2)(i)-2 (DESIGN threshold)",
             "Calls in rapid succession to the same number can rebut compliance: review.",
             "短时间内连续拨打同一号码可能构成骚扰：需人工复核。", "D"),
    # ----------------------------------------------------------------- US media
    RuleInfo("US-MED-01", "US", "12 CFR 1006.14(h)",
             "A medium, number or address the person opted out of is not used.",
             "本人拒绝的联系方式（渠道、号码或地址）不得使用。"),
    RuleInfo("US-TCPA-01", "US", "47 U.S.C. 227(b)(1)(A)(iii)",
             "Automated or prerecorded calls and texts to a mobile need prior express consent.",
             "向手机自动拨号、播放录音或自动发短信须事先明示同意。", "S"),
    RuleInfo("US-TCPA-02", "US", "47 CFR 64.1200(a)(10)",
             "A revoked consent (any phone opt-out) stops automated calls and texts at once.",
             "撤回同意（任何电话渠道的退订）后立即停止自动呼叫和短信。", "S"),
    RuleInfo("US-ELEC-01", "US", "12 CFR 1006.6(e)",
             "Every e-mail, text or other electronic message carries an opt-out notice.",
             "每封电子邮件、短信等电子消息须包含退订说明。"),
    RuleInfo("US-ELEC-03", "US", "12 CFR 1006.22(f)(3)",
             "No e-mail to an address known to be provided by the employer.",
             "不得发送至已知由雇主提供的电子邮箱。"),
    RuleInfo("US-SOC-01", "US", "12 CFR 1006.22(f)(4)",
             "No social-media communication the public or the person's contacts can see.",
             "不得通过公众或其联系人可见的社交媒体方式联系。"),
    RuleInfo("US-VM-01", "US", "12 CFR 1006.2(j); cmt 2(j)-2",
             "Voicemail only as a limited-content message, never on a third party's number.",
             "语音留言只能是有限内容留言，且不得留在第三方号码上。"),
    # ----------------------------------------------------------------- US disclosures
    RuleInfo("US-DISC-01", "US", "15 U.S.C. 1692e(11); 12 CFR 1006.18(e)(1)",
             "The initial communication states it is from a debt collector collecting a debt.",
             "首次沟通须声明为催收债务，所获信息将用于该目的（mini-Miranda）。"),
    RuleInfo("US-DISC-02", "US", "12 CFR 1006.18(e)(2)",
             "Every later communication says it is from a debt collector.",
             "此后每次沟通须表明来自债务催收方。"),
    RuleInfo("US-VAL-01", "US", "15 U.S.C. 1692g(a); 12 CFR 1006.34(a)(1)",
             "The validation notice within 5 days of the initial communication.",
             "首次沟通后 5 日内须发送债务确认通知。"),
    RuleInfo("US-VAL-03", "US", "12 CFR 1006.34(b)(5)",
             "Validation period: to 30 days after assumed receipt (5 business days after sending).",
             "确认期：推定收到（发送后 5 个工作日）后 30 日。"),
    RuleInfo("US-VAL-04", "US", "15 U.S.C. 1692g(b); 12 CFR 1006.38(b)",
             "Nothing during the validation period overshadows the right to dispute.",
             "确认期内不得有削弱争议权的内容（如更早的付款期限）。"),
    # ----------------------------------------------------------------- US holds
    RuleInfo("US-DISP-01", "US", "15 U.S.C. 1692g(b); 12 CFR 1006.38(d)(2)",
             "A disputed debt pauses collection until verification is sent.",
             "债务有争议时暂停催收，直至发出核实材料。"),
    RuleInfo("US-CEASE-01", "US", "15 U.S.C. 1692c(c); 12 CFR 1006.6(c)(1)",
             "After a written cease or refusal to pay, no communication about the debt.",
             "收到书面停止联系或拒绝还款通知后，不得就该债务联系。"),
    RuleInfo("US-CEASE-02", "US", "12 CFR 1006.6(c)(2)",
             "After a cease, only the three notices the law allows, after review.",
             "停止联系后仅可发送法定三类通知，须人工复核。"),
    RuleInfo("US-ATTY-01", "US", "15 U.S.C. 1692c(a)(2); 12 CFR 1006.6(b)(2)",
             "A consumer represented by an attorney is contacted only through the attorney.",
             "消费者委托律师后，只能与律师联系。"),
    RuleInfo("US-TBD-01", "US", "12 CFR 1006.26(b)",
             "Time-barred debt: no lawsuit and no threat of one.",
             "超过诉讼时效的债务：不得起诉或以诉讼相威胁。"),
    # ----------------------------------------------------------------- US third parties
    RuleInfo("US-3P-01", "US", "15 U.S.C. 1692c(b); 12 CFR 1006.6(d)(1)",
             "No communication about the debt with third parties.",
             "不得与第三方沟通债务事宜。"),
    RuleInfo("US-3P-02", "US", "15 U.S.C. 1692b; 12 CFR 1006.10",
             "One location-information contact per third party, without debt content.",
             "每个第三方仅可联系一次以查询位置信息，且不得提及债务。"),
    # ----------------------------------------------------------------- US state overlays
    RuleInfo("MA-01", "US-MA", "209 CMR 18.16(1)(d)",
             "At most 2 calls or texts per debt in 7 days to home or cell, 2 in 30 days elsewhere.",
             "马萨诸塞州：每笔债务 7 日内对住宅或手机致电/短信不超过 2 次，其他号码 30 日内 2 次。",
             "S"),
    RuleInfo("WA-01", "US-WA", "RCW 19.16.250(13)",
             "Not at home before 07:30 or after 21:00; at most 3 a week; workplace once a week.",
             "华盛顿州：在家 07:30 前或 21:00 后不得联系；每周不超过 3 次；工作单位每周 1 次。",
             "S"),
    # ----------------------------------------------------------------- China
    RuleInfo("CN-TIME-01", "CN",
             "CBA 金融机构个人消费类贷款催收工作指引（试行）(2026); NIFA 互联网金融贷后催收业务指引"
             " (2024) (CN-TIME-02)",
             "No collection from 22:00 to 08:00 Beijing time (and local time abroad).",
             "22:00 至次日 08:00（北京时间，境外另按当地时间）不得催收。", "S"),
    RuleInfo("CN-FREQ-01", "CN", "CBA 金融机构个人消费类贷款催收工作指引（试行）(2026)",
             "At most 6 unanswered attempts to the same number in a day.",
             "同一联系方式当日未接通的拨打不超过 6 次。", "S"),
    RuleInfo("CN-FREQ-02", "CN", "NIFA 互联网金融贷后催收业务指引 (2024)",
             "At most 3 connected calls to a debtor per day, all agencies combined.",
             "同一债务人每日接通的告知式催收电话合计不超过 3 次。", "S"),
    RuleInfo("CN-3P-02", "CN", "CBA 金融机构个人消费类贷款催收工作指引（试行）(2026)",
             "Unrelated third parties only when the debtor is unreachable, only to find them.",
             "仅在债务人失联时可联系无关第三方，且仅限获取联系方式或转告。", "S"),
    RuleInfo("CN-3P-03", "CN", "NIFA 互联网金融贷后催收业务指引 (2024); NIFA 自律公约 (2018)",
             "Contacts (联系人) are for locating the debtor, never for collecting.",
             "紧急联系人仅用于寻找债务人，不得向其催收。", "S"),
    RuleInfo("CN-CC-01", "CN", "商业银行信用卡业务监督管理办法 第69条",
             "On an objection, annotate and verify; collection pauses until verified (DESIGN).",
             "持卡人提出异议时应及时标注并核实；核实前暂停催收（设计选择）。", "S"),
    RuleInfo("CN-PROH-01", "CN", "CBA 金融机构个人消费类贷款催收工作指引（试行）(2026)",
             "No collection notices in public places or public posts.",
             "不得在公共场所或公开渠道张贴、发布催收信息。", "S"),
    RuleInfo("CN-REC-01", "CN", "CBA 指引 (2026); NIFA 自律公约 (2018); 信用卡办法 第68条",
             "Phone collection and field visits are recorded.",
             "电话催收和上门催收须全程录音录像。", "S"),
    RuleInfo("CN-VISIT-01", "CN", "CBA 金融机构个人消费类贷款催收工作指引（试行）(2026)",
             "Field visits: two collectors, ID shown, consent before entering.",
             "上门催收须两人以上、出示证件、经同意方可进入住所。", "S"),
    # ----------------------------------------------------------------- United Kingdom
    RuleInfo("UK-06", "GB", "FCA CONC 7.9.4 R; MCOB 13.5.4 G (08:00-21:00 by analogy, DESIGN)",
             "No contact at unreasonable times; regard to requests on when, where and how.",
             "不得在不合理时间联系；须尊重客户对联系时间、地点和方式的合理要求。", "S"),
    RuleInfo("UK-07", "GB", "FCA CONC 7.9 (third parties)",
             "No disclosure of the debt to third parties; nothing publicly embarrassing.",
             "不得向第三方披露债务；不得使客户公开难堪。", "S"),
    RuleInfo("UK-11", "GB", "Debt Respite Scheme (Breathing Space) Regulations 2020",
             "During breathing space no contact requesting payment.",
             "喘息期内不得联系要求还款。", "U"),
    # ----------------------------------------------------------------- house rules
    RuleInfo("HOUSE-HOLD-01", "ALL", "arrears house rule: account holds (DESIGN §5)",
             "A hold on the account (bankruptcy, deceased, legal, ...) stops collection contact.",
             "账户冻结（破产、身故、诉讼等）期间停止催收联系。", "D"),
    RuleInfo("HOUSE-OPT-01", "ALL", "arrears house rule: opt-outs are honoured everywhere",
             "A medium, number or address the person opted out of is not used.",
             "本人拒绝的联系方式不得使用。", "D"),
    RuleInfo("HOUSE-TIME-01", "ALL", "arrears house rule: the person's own inconvenient times",
             "Times the person said are inconvenient are respected.",
             "尊重本人声明的不便联系时间。", "D"),
    RuleInfo("HOUSE-JUR-01", "ALL", "arrears house rule: no rule-less contact",
             "A jurisdiction without a rulebook is not contacted unchecked.",
             "无规则手册的法域不得未经审查即联系。", "D"),
    RuleInfo("HOUSE-RECHECK-01", "ALL", "arrears house rule: a release is re-checked",
             "A delay whose release keeps moving is not scheduled automatically.",
             "延后时间经多次复核仍不稳定时，不自动排期。", "D"),
]  # fmt: skip

CATALOGUE: dict[str, RuleInfo] = {rule.id: rule for rule in _RULES}


def rule(rule_id: str) -> RuleInfo:
    """The catalogue entry of ``rule_id`` (a ``KeyError`` is a programming error)."""
    return CATALOGUE[rule_id]


def rules_for(jurisdiction: str | None = None) -> list[RuleInfo]:
    """The catalogue, or the rules of one jurisdiction (``US`` includes its states)."""
    if jurisdiction is None:
        return list(_RULES)
    code = jurisdiction.upper()
    return [
        r
        for r in _RULES
        if r.jurisdiction in (code, "ALL") or r.jurisdiction.startswith(f"{code}-")
    ]
