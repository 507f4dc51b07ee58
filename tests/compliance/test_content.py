"""Scenarios for the content checker: what a collection text may and must say."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.compliance.content import (
    ContentContext,
    ContentFinding,
    check_content,
    disclosures_present,
)
from arrears.compliance.content.lexicon import default_lexicon, load_lexicon
from arrears.compliance.model import VERDICT_NAMES
from arrears.errors import ConfigError, InvalidInput

END = date(2026, 3, 16)  # a validation period end


def ctx(**overrides: Any) -> ContentContext:
    """A later US letter to the debtor, unless told otherwise."""
    values: dict[str, Any] = {"channel": "letter", "jurisdictions": ("US",)}
    values.update(overrides)
    return ContentContext(**values)


def found(text: str, **context: Any) -> set[tuple[str, str]]:
    """(rule, verdict) of every finding."""
    return {(f.rule, f.verdict) for f in check_content(text, ctx(**context))}


def content(text: str, **context: Any) -> set[tuple[str, str]]:
    """(rule, verdict) of findings about what the text says (not about a missing disclosure)."""
    return {(f.rule, f.verdict) for f in check_content(text, ctx(**context)) if not f.requires}


def rules(text: str, **context: Any) -> set[str]:
    return {rule for rule, _ in content(text, **context)}


CN: dict[str, Any] = {"jurisdictions": ("CN",), "channel": "sms"}
GB: dict[str, Any] = {"jurisdictions": ("GB",), "channel": "email"}


# --------------------------------------------------------------------------- good templates

US_FIRST_LETTER = """\
Northwind Recovery Services
PO Box 1234, Springfield, IL 62701

Dear {consumer_name},

Northwind Recovery Services is a debt collector. We are trying to collect a debt that you owe
to {creditor}. We will use any information you give us to help collect the debt.

Our information shows: you had a credit card from {creditor} with account number ending 1234.
As of January 2, 2026, you owed: $2,234.56. Between January 2, 2026 and today you were charged
$75.00 in interest and $0.00 in fees, and you paid or were credited $50.00.
Total amount of the debt now: $2,259.56.

How can you dispute the debt? Call or write to us by March 16, 2026, to dispute all or part of
the debt. If you do not, we will assume that our information is correct.
What else can you do? Write to ask for the name and address of the original creditor, if
different from the current creditor. Go to www.cfpb.gov/debt-collection to learn more about
your rights under federal law. Contact us about your payment options: 1-800-555-0100.
"""

US_FIRST_LETTER_ZH = """\
尊敬的{consumer_name}：
Northwind Recovery Services是一家债务催收机构。这是一次债务催收，所获得的任何信息都将用于该目的。
如需了解还款方式，请致电1-800-555-0100，周一至周五9:00-17:00。
"""

US_SMS = (
    "Northwind Recovery: This message is from a debt collector. Hi {first_name}, please call us "
    "at 1-800-555-0100 or go to pay.northwind.example to see your options. "
    "Reply STOP to stop texts to this number."
)

US_VOICEMAIL = (
    "Hi, this is Jane Smith from Northwind Services. Please call me back at 1-800-555-0100 "
    "between 9 a.m. and 5 p.m. Eastern. You can speak to any of our representatives. Thank you."
)

US_CALL_SCRIPT = (
    "Hello, may I speak with {consumer_name}? My name is {agent_name} and I'm calling from "
    "Northwind Recovery Services. This call is from a debt collector. I'm calling about your "
    "account with {creditor}. Would you like to talk about payment options that work for you?"
)

US_TIME_BARRED_LETTER = (
    "This communication is from a debt collector. The law limits how long you can be sued on a "
    "debt. Because of the age of your debt, we will not sue you for it. You may still choose to "
    "pay. Call us at 1-800-555-0100."
)

CN_SMS = (
    "【星河消费金融】尊敬的{name}客户，您的借款已逾期{days}天，请登录星河App或致电400-800-0000"
    "与我们联系，协商还款方案。如已还款请忽略。回复TD退订"
)

GB_REMINDER = """\
Dear Mr Smith,

We're writing about your Northbank credit card account, which is now £120.50 in arrears. We'd
like to help you get back on track. Please call us on 0800 000 0000 or reply to this email to
talk about a repayment plan you can afford. If you are finding things difficult, free and
impartial debt advice is available from MoneyHelper at www.moneyhelper.org.uk.

Kind regards,
Customer Support Team, Northbank plc
"""


class TestCompliantTemplates:
    @pytest.mark.parametrize(
        ("text", "context"),
        [
            pytest.param(
                US_FIRST_LETTER,
                {"initial_communication": True, "validation_end": END},
                id="us-first-letter-model-form",
            ),
            pytest.param(
                US_FIRST_LETTER_ZH,
                {"initial_communication": True, "validation_end": END},
                id="us-first-letter-in-chinese",
            ),
            pytest.param(US_SMS, {"channel": "sms"}, id="us-sms-with-opt-out"),
            pytest.param(US_VOICEMAIL, {"channel": "voicemail"}, id="us-limited-content-voicemail"),
            pytest.param(US_CALL_SCRIPT, {"channel": "call"}, id="us-call-script"),
            pytest.param(US_TIME_BARRED_LETTER, {"time_barred": True}, id="us-time-barred-letter"),
            pytest.param(CN_SMS, CN, id="cn-sms-reminder"),
            pytest.param(GB_REMINDER, GB, id="gb-arrears-reminder"),
        ],
    )
    def test_a_compliant_template_has_no_findings(self, text: str, context: dict[str, Any]) -> None:
        assert check_content(text, ctx(**context)) == []

    @pytest.mark.parametrize(
        "line",
        [
            # Sample agent lines from the seed article on collection calls (001).
            "我们了解您可能面临的挑战，并随时帮助您解决未结余额。您愿意通过电话或电子邮件讨论还款方案吗？",
            "您能与我分享一下您在履行还款义务时遇到的任何具体挑战吗？",
            "日安，[债务人姓名]。我是来自[贵公司]的[您的名字]。我们正在与您联系，讨论您未结余额的还款方案。",
            "我感谢您的考虑。如果您有任何其他问题，请随时与我们联系。祝你有美好的一天。",
        ],
    )
    def test_the_polite_agent_lines_of_the_seed_article_say_nothing_forbidden(
        self, line: str
    ) -> None:
        assert content(line, jurisdictions=("CN",), channel="call") == set()


# --------------------------------------------------------------------------- threats of harm


class TestThreatsOfHarm:
    def test_we_know_where_you_live_is_a_threat_of_harm(self) -> None:
        assert content("Pay up. We know where you live.") == {("US-HAR-01", "BLOCK")}

    def test_breaking_legs_is_a_threat_of_harm_in_gb(self) -> None:
        assert content("Pay or we'll break your legs.", **GB) == {("UK-09", "BLOCK")}

    @pytest.mark.parametrize("text", ["不还钱就弄死你", "你给我等着，上门讨说法", "出门小心点"])
    def test_chinese_menaces_are_blocked_under_the_criminal_law(self, text: str) -> None:
        assert ("CN-PROH-02", "BLOCK") in content(text, **CN)

    def test_you_will_regret_it_is_blocked(self) -> None:
        assert ("US-HAR-01", "BLOCK") in content("You'll regret ignoring us.")

    def test_bear_the_consequences_is_a_veiled_threat_for_review(self) -> None:
        assert content("后果自负。", **CN) == {("CN-PROH-01", "REVIEW")}
        assert content("Call us back, or else.") == {("US-HAR-01", "REVIEW")}

    def test_the_finding_quotes_the_phrase_in_both_languages(self) -> None:
        [finding] = [f for f in check_content("We know where you live.", ctx()) if not f.requires]
        assert '"We know where you live"' in finding.message
        assert finding.message_zh is not None
        assert "“We know where you live”" in finding.message_zh
        assert finding.citation == "FDCPA §806(1); 12 CFR 1006.14(c)"


# --------------------------------------------------------------------------- arrest, police, crime


class TestArrestAndPolice:
    @pytest.mark.parametrize(
        "text",
        [
            "If you do not pay you will be arrested.",
            "A warrant has been issued.",
            "We will call the police.",
            "You could face criminal charges.",
            "Non-payment can send you to jail.",
        ],
    )
    def test_threats_of_arrest_are_blocked_in_the_us(self, text: str) -> None:
        assert ("US-FALSE-02", "BLOCK") in content(text)

    @pytest.mark.parametrize(
        "text",
        [
            "再不还钱就让你坐牢",
            "我们已经报警了",
            "公安机关会找你",
            "你将被追究刑事责任",
            "等着被拘留吧",
        ],
    )
    def test_chinese_threats_of_arrest_are_blocked(self, text: str) -> None:
        assert ("CN-PROH-01", "BLOCK") in content(text, **CN)

    def test_jail_is_a_misrepresentation_of_the_legal_position_in_gb(self) -> None:
        assert ("UK-09", "BLOCK") in content("You may go to prison for this.", **GB)

    def test_identity_theft_advice_to_file_a_police_report_is_not_a_threat(self) -> None:
        text = "If you believe you are a victim of identity theft, file a police report."
        assert content(text) == set()

    def test_advice_to_report_fraud_to_the_police_in_chinese_is_not_a_threat(self) -> None:
        assert content("如发现账户被他人冒用，请及时向公安机关报案。", **CN) == set()

    def test_accusing_the_consumer_of_a_crime_is_blocked(self) -> None:
        assert ("US-FALSE-01", "BLOCK") in content("You have committed fraud.")
        assert ("CN-PROH-01", "BLOCK") in content("你这是诈骗！", **CN)

    def test_citing_malicious_overdraft_is_reviewed(self) -> None:
        assert content("您的行为可能涉及恶意透支。", **CN) == {("CN-PROH-01", "REVIEW")}


# --------------------------------------------------------------------------- third parties


class TestTellingOthers:
    def test_contacting_the_employer_is_blocked(self) -> None:
        assert ("US-3P-01", "BLOCK") in content("We will contact your employer today.")

    def test_telling_the_neighbours_is_blocked_in_gb(self) -> None:
        assert ("UK-07", "BLOCK") in content("We will tell your neighbours.", **GB)

    @pytest.mark.parametrize(
        "text", ["不还就通知你的家人和单位", "让你的亲戚朋友都知道", "单位领导都会知道"]
    )
    def test_chinese_threats_to_tell_family_or_employer_are_blocked(self, text: str) -> None:
        assert ("CN-PROH-01", "BLOCK") in content(text, **CN)

    @pytest.mark.parametrize("text", ["明天就爆你通讯录", "给你通讯录里的所有人打电话"])
    def test_using_the_contact_list_is_a_personal_information_breach(self, text: str) -> None:
        assert ("CN-PIPL-01", "BLOCK") in content(text, **CN)

    @pytest.mark.parametrize("text", ["把你的照片发到朋友圈", "我们会上门张贴催收通告", "曝光你"])
    def test_publishing_the_debt_is_blocked(self, text: str) -> None:
        assert ("CN-PROH-01", "BLOCK") in content(text, **CN)

    def test_posting_on_social_media_is_publishing_a_debtor_list(self) -> None:
        assert ("US-HAR-03", "BLOCK") in content("We will post your name on Facebook.")


# --------------------------------------------------------------------------- false legal claims


class TestFalseLegalClaims:
    def test_pretending_to_be_the_sheriff_is_blocked(self) -> None:
        assert ("US-FALSE-01", "BLOCK") in content("This is the sheriff's office calling.")

    @pytest.mark.parametrize("text", ["我们是法院的，请配合", "执行局通知你", "我是公安局的"])
    def test_impersonating_a_court_or_the_police_is_blocked(self, text: str) -> None:
        assert ("CN-PROH-01", "BLOCK") in content(text, **CN)

    def test_a_claim_that_a_lawsuit_was_filed_is_reviewed(self) -> None:
        text = "A lawsuit has been filed against you."
        assert ("US-FALSE-03", "REVIEW") in content(text)

    def test_a_claim_of_a_court_case_is_true_once_there_is_a_judgment(self) -> None:
        assert content("法院已立案。", **CN) == {("CN-PROH-01", "REVIEW")}
        assert content("法院已立案。", **CN, judgment_obtained=True) == set()

    def test_a_legal_department_is_reviewed_because_no_attorney_may_be_involved(self) -> None:
        assert content("Your file is with our Legal Department.") == {("US-FALSE-01", "REVIEW")}

    def test_garnishment_without_a_judgment_is_blocked(self) -> None:
        assert ("US-FALSE-02", "BLOCK") in content("We will garnish your wages.")

    def test_garnishment_with_a_judgment_is_allowed(self) -> None:
        assert content("We will garnish your wages.", judgment_obtained=True) == set()

    def test_freezing_the_bank_card_without_a_judgment_is_blocked(self) -> None:
        assert ("CN-PROH-01", "BLOCK") in content("三天内冻结你的银行卡", **CN)

    def test_seizing_an_opportunity_is_not_seizing_property(self) -> None:
        assert content("Seize this opportunity to settle for less.") == set()

    def test_sending_bailiffs_without_a_judgment_is_blocked_in_gb(self) -> None:
        assert ("UK-09", "BLOCK") in content("Bailiffs will visit next week.", **GB)


class TestTimeBarredDebt:
    def test_a_lawsuit_threat_on_a_time_barred_debt_is_blocked(self) -> None:
        assert content("We may sue you.", time_barred=True) == {("US-TBD-01", "BLOCK")}

    def test_a_lawsuit_threat_is_not_a_content_finding_when_the_debt_is_not_time_barred(
        self,
    ) -> None:
        assert content("We may sue you.") == set()

    def test_the_seed_advice_to_mention_potential_lawsuits_fails_on_a_time_barred_debt(
        self,
    ) -> None:
        text = "传达持续不付款的后果，例如滞纳金或潜在的法律诉讼。"
        assert ("US-TBD-01", "BLOCK") in content(text, time_barred=True)

    def test_not_hesitating_to_sue_is_still_a_threat(self) -> None:
        text = "We will not hesitate to take legal action."
        assert ("US-TBD-01", "BLOCK") in content(text, time_barred=True)

    def test_a_court_threat_in_gb_is_reviewed_for_proportion(self) -> None:
        assert content("We may start court action.", **GB) == {("UK-05", "REVIEW")}
        assert content("We may start court action.", **GB, time_barred=True) == {("UK-09", "BLOCK")}


# --------------------------------------------------------------------------- abuse


class TestAbuse:
    @pytest.mark.parametrize("text", ["Pay up, you deadbeat.", "You are a LIAR.", "What the fuck."])
    def test_english_abuse_is_blocked(self, text: str) -> None:
        assert ("US-HAR-02", "BLOCK") in content(text)

    @pytest.mark.parametrize("text", ["你这个老赖", "傻逼，赶紧还钱", "不要脸"])
    def test_chinese_abuse_is_blocked(self, text: str) -> None:
        assert ("CN-PROH-03", "BLOCK") in content(text, **CN)

    def test_abuse_in_gb_is_blocked(self) -> None:
        assert ("UK-10", "BLOCK") in content("Listen, idiot.", **GB)

    @pytest.mark.parametrize(
        "text", ["Scunthorpe office", "an assessment of your shitake order", "a classic plan"]
    )
    def test_english_words_match_only_as_whole_words(self, text: str) -> None:
        assert content(text) == set()


# --------------------------------------------------------------------------- pressure


class TestPressure:
    def test_final_notice_is_reviewed(self) -> None:
        assert content("FINAL NOTICE") == {("US-FALSE-03", "REVIEW")}
        assert content("Last chance to settle.", **GB) == {("UK-04", "REVIEW")}
        assert content("这是最后通牒", **CN) == {("CN-PROH-01", "REVIEW")}

    @pytest.mark.parametrize("text", ["可以先借新还旧", "去别的平台借钱来还", "找朋友借钱还给我们"])
    def test_inducing_new_borrowing_is_blocked_in_china(self, text: str) -> None:
        assert ("CN-PROH-01", "BLOCK") in content(text, **CN)

    def test_pressure_to_borrow_or_sell_is_blocked_in_gb(self) -> None:
        assert ("UK-04", "BLOCK") in content("Why not take out a payday loan?", **GB)
        assert ("UK-04", "BLOCK") in content("Sell your car to pay this.", **GB)

    def test_a_waived_fee_is_not_a_fee(self) -> None:
        assert content("【星河银行】提前还款免手续费。", **CN) == set()

    def test_a_collection_fee_is_reviewed(self) -> None:
        assert content("需另行支付催收费200元", **CN) == {("CN-PROH-01", "REVIEW")}
        assert content("A $25 collection fee applies.") == {("US-UNF-01", "REVIEW")}

    def test_an_announced_visit_is_reviewed_in_china(self) -> None:
        assert content("我们将安排上门催收", **CN) == {("CN-VISIT-01", "REVIEW")}


class TestOvershadowing:
    def test_a_payment_date_before_the_validation_end_is_blocked(self) -> None:
        text = "Please pay the balance by March 1, 2026."
        assert content(text, validation_end=END) == {("US-VAL-04", "BLOCK")}

    @pytest.mark.parametrize("when", ["March 16, 2026", "2026-03-20", "16 March 2026"])
    def test_a_payment_date_on_or_after_the_validation_end_is_allowed(self, when: str) -> None:
        assert content(f"Please pay the balance by {when}.", validation_end=END) == set()

    def test_a_short_relative_deadline_is_blocked(self) -> None:
        text = "Payment must be received within 10 days."
        assert content(text, validation_end=END) == {("US-VAL-04", "BLOCK")}

    def test_a_thirty_day_deadline_is_not_shorter_than_the_period(self) -> None:
        assert content("You may pay within 30 days.", validation_end=END) == set()

    @pytest.mark.parametrize(
        "text", ["请于2026年3月1日前还款。", "请在3日内还清欠款。", "请务必于3月2日前还款"]
    )
    def test_chinese_deadlines_before_the_validation_end_are_blocked(self, text: str) -> None:
        assert ("US-VAL-04", "BLOCK") in content(text, validation_end=END)

    def test_pay_today_overshadows_the_validation_period(self) -> None:
        assert ("US-VAL-04", "BLOCK") in content("Pay the balance today.", validation_end=END)

    def test_outside_the_validation_period_a_deadline_is_fine(self) -> None:
        assert content("Please pay the balance by March 1, 2026.") == set()

    def test_a_lawsuit_threat_during_the_validation_period_is_reviewed(self) -> None:
        assert content("We may sue you.", validation_end=END) == {("US-VAL-04", "REVIEW")}

    def test_a_dispute_deadline_is_not_a_payment_deadline(self) -> None:
        assert content("Write to us by March 1, 2026 to dispute it.", validation_end=END) == set()


# --------------------------------------------------------------------------- disclosures


class TestRequiredDisclosures:
    def test_an_initial_letter_without_the_mini_miranda_is_blocked(self) -> None:
        [finding] = check_content(
            "Please call us about your account.", ctx(initial_communication=True)
        )
        assert (finding.rule, finding.verdict, finding.requires) == (
            "US-DISC-01",
            "BLOCK",
            ("mini_miranda",),
        )

    def test_from_a_debt_collector_is_not_enough_for_the_initial_communication(self) -> None:
        text = "This communication is from a debt collector."
        assert found(text, initial_communication=True) == {("US-DISC-01", "BLOCK")}
        assert found(text) == set()

    def test_a_later_letter_needs_the_debt_collector_statement(self) -> None:
        [finding] = check_content("Please call us.", ctx())
        assert (finding.rule, finding.requires) == ("US-DISC-02", ("debt_collector_disclosure",))

    @pytest.mark.parametrize(
        "text",
        [
            "This is an attempt to collect a debt and any information obtained will be used for "
            "that purpose.",
            "We are attempting to collect a debt. Any information we obtain will be used for that "
            "purpose.",
            "This communication is from a debt collector attempting to collect a debt, and any "
            "information obtained will be used for that purpose.",
            "这是一次债务催收，所获得的任何信息都将用于该目的。",
            "本公司正在催收一笔债务，所获取的任何信息均将用于此目的。",
        ],
    )
    def test_mini_miranda_variants_are_recognised(self, text: str) -> None:
        assert {"mini_miranda", "debt_collector_disclosure"} <= disclosures_present(text)
        assert found(text, initial_communication=True) == set()

    def test_the_us_state_rulebooks_count_as_us(self) -> None:
        assert ("US-DISC-02", "BLOCK") in found("Hello.", jurisdictions=("US-MA",))

    def test_an_sms_without_opt_out_is_blocked(self) -> None:
        text = "This message is from a debt collector. Call us at 1-800-555-0100."
        [finding] = check_content(text, ctx(channel="sms"))
        assert (finding.rule, finding.requires) == ("US-ELEC-01", ("opt_out_notice",))

    @pytest.mark.parametrize(
        "opt_out",
        [
            "Reply STOP to opt out.",
            "回复TD退订",
            "回复“退订”即可退订",
            "Click here to unsubscribe.",
        ],
    )
    def test_opt_out_statements_are_recognised(self, opt_out: str) -> None:
        assert "opt_out_notice" in disclosures_present(f"Hello. {opt_out}")

    def test_a_call_script_must_name_the_caller(self) -> None:
        text = "This call is from a debt collector. Can we talk about your account?"
        assert found(text, channel="call") == {("US-ID-01", "BLOCK")}

    def test_a_bilingual_text_needs_the_disclosure_in_both_languages(self) -> None:
        text = (
            "This communication is from a debt collector. Please call us at your earliest "
            "convenience to talk about your account options.\n"
            "尊敬的客户，请尽快致电我们，讨论您的账户还款方案，谢谢。"
        )
        assert found(text) == {("US-DISC-03", "REVIEW")}

    def test_no_debt_disclosures_are_owed_to_the_consumers_attorney(self) -> None:
        assert found("Please call us.", counterparty="attorney") == set()

    def test_a_chinese_message_without_a_sender_is_reviewed(self) -> None:
        [finding] = check_content("您的账单已逾期，请尽快还款。", ctx(**CN))
        assert (finding.rule, finding.verdict, finding.requires) == (
            "CN-PROH-01",
            "REVIEW",
            ("collector_identity",),
        )

    @pytest.mark.parametrize(
        "sender", ["【星河银行】", "我是星河消费金融的客服小李，", "星河小额贷款有限公司提醒您："]
    )
    def test_chinese_sender_identities_are_recognised(self, sender: str) -> None:
        assert "collector_identity" in disclosures_present(f"{sender}请按时还款。")

    def test_naming_a_payment_channel_does_not_identify_the_sender(self) -> None:
        assert "collector_identity" not in disclosures_present("请通过手机银行或支付宝还款。")


class TestVoicemail:
    def test_a_limited_content_message_carries_no_debt_disclosure(self) -> None:
        present = disclosures_present(US_VOICEMAIL)
        assert "limited_content_message" in present
        assert "mini_miranda" not in present

    def test_a_voicemail_that_mentions_the_debt_is_blocked(self) -> None:
        text = US_VOICEMAIL + " It is about your overdue balance of $250."
        [finding] = check_content(text, ctx(channel="voicemail"))
        assert (finding.rule, finding.verdict) == ("US-VM-01", "BLOCK")
        assert '"overdue"' in finding.message
        assert '"$250"' in finding.message

    def test_saying_it_is_from_a_debt_collector_makes_it_not_limited_content(self) -> None:
        text = US_VOICEMAIL + " This message is from a debt collector."
        assert found(text, channel="voicemail") == {("US-VM-01", "BLOCK")}

    def test_a_voicemail_without_a_callback_request_is_blocked(self) -> None:
        text = "Hi, this is Jane Smith from Northwind Services. Have a nice day."
        [finding] = check_content(text, ctx(channel="voicemail"))
        assert (finding.rule, finding.requires) == ("US-DEF-04", ("limited_content_message",))


class TestThirdParties:
    def test_a_location_inquiry_that_reveals_the_debt_is_blocked(self) -> None:
        text = "This is Jane from Northwind. Tell John he owes us $300."
        assert found(text, counterparty="third_party") == {("US-3P-02", "BLOCK")}

    def test_a_location_inquiry_without_the_debt_passes(self) -> None:
        text = "This is Jane Smith from Northwind Services. Please ask John to call me back."
        assert found(text, counterparty="third_party", channel="call") == set()

    def test_an_emergency_contact_in_china_must_not_hear_of_the_debt(self) -> None:
        text = "【星河银行】请转告张三，他的借款已逾期。"
        assert found(text, **CN, counterparty="emergency_contact") == {("CN-3P-02", "BLOCK")}

    def test_an_employer_in_gb_must_not_hear_of_the_debt(self) -> None:
        assert found("Mr Smith is in arrears.", **GB, counterparty="employer") == {
            ("UK-07", "BLOCK")
        }

    def test_a_spouse_in_china_is_told_of_a_debt_only_if_it_is_joint(self) -> None:
        text = "【星河银行】您丈夫的借款已逾期。"
        assert found(text, **CN, counterparty="spouse") == {("CN-3P-02", "REVIEW")}

    def test_a_public_post_that_reveals_the_debt_is_blocked(self) -> None:
        text = "@john your loan is overdue"
        assert ("US-SOC-01", "BLOCK") in found(text, channel="social_public")


# --------------------------------------------------------------------------- negation


class TestNegation:
    @pytest.mark.parametrize(
        ("text", "context"),
        [
            ("We will not take legal action.", {"time_barred": True}),
            ("You will never be arrested for a debt.", {}),
            ("We won't contact your employer.", {}),
            ("No one will call the police.", {}),
            ("We are not going to garnish your wages.", {}),
            ("You should not borrow money to pay us.", GB),
            ("我们不会联系您的家人。", CN),
            ("我们绝不会曝光您的信息。", CN),
            ("您不会因此坐牢。", CN),
            ("请勿以贷养贷。", CN),
        ],
    )
    def test_a_denied_threat_is_not_a_finding(self, text: str, context: dict[str, Any]) -> None:
        assert content(text, **context) == set()

    @pytest.mark.parametrize(
        "text",
        ["If you do not pay we will call the police.", "不还钱就报警", "你不还就等着坐牢"],
    )
    def test_a_negated_condition_does_not_hide_the_threat(self, text: str) -> None:
        verdicts = content(text, jurisdictions=("US", "CN"))
        assert ("US-FALSE-02", "BLOCK") in verdicts

    def test_a_denial_tied_to_payment_is_reviewed_as_a_veiled_threat(self) -> None:
        text = "We will not sue you if you pay today."
        [finding] = [f for f in check_content(text, ctx(time_barred=True)) if not f.requires]
        assert (finding.rule, finding.verdict) == ("US-TBD-01", "REVIEW")
        assert "condition" in finding.message

    def test_a_chinese_denial_tied_to_payment_is_reviewed(self) -> None:
        text = "只要您今天还款，我们就不会通知您的家人。"
        assert content(text, **CN) == {("CN-PROH-01", "REVIEW")}


# --------------------------------------------------------------------------- normalisation


class TestNormalisation:
    def test_full_width_letters_are_read_as_ascii(self) -> None:
        [finding] = [
            f for f in check_content("ＷＥ ＷＩＬＬ ＡＲＲＥＳＴ ＹＯＵ", ctx()) if not f.requires
        ]
        assert finding.rule == "US-FALSE-02"
        assert '"ＡＲＲＥＳＴ"' in finding.message  # quoted as written

    def test_case_does_not_matter(self) -> None:
        assert ("US-HAR-01", "BLOCK") in content("WE KNOW WHERE YOU LIVE")

    def test_traditional_characters_are_folded(self) -> None:
        assert content("後果自負", **CN) == {("CN-PROH-01", "REVIEW")}
        assert ("CN-PROH-01", "BLOCK") in content("執行局通知你", **CN)
        assert ("CN-PROH-01", "BLOCK") in content("我們會通知你的單位", **CN)
        assert "opt_out_notice" in disclosures_present("回覆TD退訂")

    def test_spaces_and_zero_width_characters_do_not_hide_a_phrase(self) -> None:
        assert ("CN-PROH-01", "BLOCK") in content("让你坐 牢", **CN)
        assert ("US-FALSE-02", "BLOCK") in content("you will be ar\u200brested")
        assert ("US-FALSE-02", "BLOCK") in content("we will call the\n  police")

    def test_curly_quotes_are_read_as_straight_ones(self) -> None:
        assert ("US-HAR-01", "BLOCK") in content("You\u2019ll regret this.")

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=300))
    def test_any_text_gets_well_formed_findings(self, text: str) -> None:
        for context in (ctx(), ctx(**CN), ctx(**GB, counterparty="third_party")):
            for finding in check_content(text, context):
                assert finding.verdict in {"BLOCK", "REVIEW"}
                assert finding.citation == default_lexicon().citations[finding.rule]

    @settings(max_examples=100, deadline=None)
    @given(
        st.sampled_from(["arrested", "坐牢", "garnish", "弄死", "通知你的家人"]),
        st.text(alphabet=" .,;\n", max_size=5),
        st.text(alphabet=" .,;\n", max_size=5),
    )
    def test_a_threat_is_caught_whatever_surrounds_it(
        self, phrase: str, before: str, after: str
    ) -> None:
        assert content(f"{before}{to_full_width(phrase)}{after}", jurisdictions=("US", "CN"))


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --------------------------------------------------------------------------- lexicon files


@pytest.fixture
def lexicon_copy(tmp_path: Path) -> Path:
    """The shipped lexicon files, copied to a folder a test may spoil."""
    shipped = resources.files("arrears.compliance").joinpath("lexicon")
    for item in shipped.iterdir():
        if item.name.endswith(".yaml"):
            (tmp_path / item.name).write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


Edit = Callable[[str], str]


def spoil(folder: Path, name: str, edit: Edit) -> None:
    path = folder / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


class TestLexiconFiles:
    def test_the_shipped_lexicons_load(self) -> None:
        lexicon = default_lexicon()
        assert len(lexicon.groups) >= 15
        assert lexicon.fold["債"] == "债"

    def test_a_copy_of_the_shipped_folder_loads_the_same(self, lexicon_copy: Path) -> None:
        names = {p.name for p in lexicon_copy.iterdir()}
        assert {"rules.yaml", "disclosures.yaml", "fold.yaml", "harm.yaml"} <= names
        assert load_lexicon(lexicon_copy).citations == default_lexicon().citations

    def test_the_verdicts_are_those_of_the_engine(self) -> None:
        lexicon = default_lexicon()
        assert {a.verdict for g in lexicon.groups for a in g.apply} <= set(VERDICT_NAMES)

    def test_every_rule_a_finding_can_name_has_a_citation(self) -> None:
        lexicon = default_lexicon()
        assert all(a.rule in lexicon.citations for g in lexicon.groups for a in g.apply)

    @pytest.mark.parametrize(
        ("name", "edit", "complaint"),
        [
            (
                "abuse.yaml",
                lambda s: s.replace("    negatable: false", "    colour: red"),
                "colour",
            ),
            ("disclosures.yaml", lambda s: s.replace("sets:", "sets:\n  extra: {}"), "extra"),
            (
                "harm.yaml",
                lambda s: s.replace("rule: US-HAR-01", "rule: US-HAR-99", 1),
                "US-HAR-99",
            ),
            ("harm.yaml", lambda s: s.replace("'or else'", "'(or else'"), "does not compile"),
            ("harm.yaml", lambda s: s.replace("'or else'", "'(?:or else)?'"), "empty text"),
            ("harm.yaml", lambda s: s.replace("'后果自负", "'後果自負"), "traditional"),
            ("harm.yaml", lambda s: s.replace("'or else'", "'ＯＲ ＥＬＳＥ'"), "NFKC"),
            (
                "deadlines.yaml",
                lambda s: s.replace("payment_cue:", "payment_clue:"),
                "payment_clue",
            ),
            ("rules.yaml", lambda s: s.replace("kind: rules", "kind: rulez"), "kind"),
            ("rules.yaml", lambda s: s + "  UK-04: {citation: x, title: y}\n", "duplicate key"),
        ],
    )
    def test_a_spoiled_file_is_an_error_naming_it(
        self, lexicon_copy: Path, name: str, edit: Edit, complaint: str
    ) -> None:
        spoil(lexicon_copy, name, edit)
        with pytest.raises(ConfigError) as error:
            load_lexicon(lexicon_copy)
        assert name in str(error.value)
        assert complaint in str(error.value)

    def test_a_missing_phrase_set_is_an_error(self, lexicon_copy: Path) -> None:
        (lexicon_copy / "deadlines.yaml").unlink()
        with pytest.raises(ConfigError, match="payment_cue"):
            load_lexicon(lexicon_copy)

    def test_an_empty_folder_is_an_error(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match=r"no \.yaml files"):
            load_lexicon(tmp_path)


# --------------------------------------------------------------------------- context


class TestContext:
    def test_an_unknown_channel_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="carrier pigeon"):
            ContentContext(channel="carrier pigeon", jurisdictions=("US",))

    def test_an_unknown_counterparty_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="cousin"):
            ContentContext(channel="sms", jurisdictions=("US",), counterparty="cousin")

    def test_jurisdictions_are_read_by_country(self) -> None:
        context = ContentContext(channel="sms", jurisdictions=("US-MA", "uk", "CN"))
        assert context.countries == {"US", "GB", "CN"}

    def test_a_place_no_lexicon_covers_is_held_to_every_rulebook(self) -> None:
        assert content("We will call the police.", jurisdictions=("DE",)) == {
            ("US-FALSE-02", "BLOCK"),
            ("CN-PROH-01", "BLOCK"),
            ("UK-09", "BLOCK"),
        }
        assert found("Hello.", jurisdictions=("DE",)) == set()

    def test_findings_come_strictest_first(self) -> None:
        findings = check_content("Final notice: we will garnish your wages.", ctx())
        verdicts = [f.verdict for f in findings]
        assert verdicts == sorted(verdicts, key=lambda v: v != "BLOCK")
        assert all(isinstance(f, ContentFinding) for f in findings)
