"""Rendering: the sandbox, the disclosures, the check of the final text, formatting."""

# ruff: noqa: E501 (template texts are long lines, as in the shipped files)

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError
from tests.templates.conftest import CN_SMS, US_EMAIL, Writer

from arrears.core.money import Money
from arrears.templates import (
    RenderContext,
    Template,
    TemplateBlocked,
    TemplateRenderError,
    load_templates,
    preview,
    render,
    sample_variables,
)
from arrears.templates.environment import format_date, text_environment
from arrears.templates.model import BLOCKED, NEEDS_REVIEW, LocaleText

CN = RenderContext("sms", ("CN",), sender="星河消费金融")
US_EMAIL_LATER = RenderContext("email", ("US",), sender="Northbridge Associates")


def load(folder: Path, writer: Writer, channel: str, name: str, text: str) -> Template:
    writer(channel, name, text)
    return load_templates(folder).get(name)


class TestSandbox:
    def test_python_internals_are_out_of_reach(self) -> None:
        with pytest.raises(SecurityError):
            text_environment().from_string("{{ ''.__class__.__mro__ }}").render()

    def test_a_template_reaching_for_them_is_refused_at_render(self) -> None:
        compiled = text_environment().from_string("{{ debtor_name.__class__.__base__ }}")
        words = LocaleText("en-US", None, "", None, {"body": compiled}, frozenset({"debtor_name"}))
        template = Template("sneaky", "sms", "test", ("CN",), {"en-US": words})
        with pytest.raises(TemplateRenderError, match="refused by the sandbox"):
            render(template, "en-US", {"debtor_name": "x"}, CN)

    def test_values_cannot_be_changed(self) -> None:
        with pytest.raises(SecurityError):
            text_environment().from_string("{{ x.append(1) }}").render(x=[])


class TestDisclosures:
    def test_a_chinese_text_is_signed_and_ends_with_the_opt_out(
        self, folder: Path, writer: Writer
    ) -> None:
        template = load(folder, writer, "sms", "cn_hello", CN_SMS)
        rendered = render(template, "zh-CN", sample_variables("zh-CN"), CN)
        assert rendered.text == (
            "【星河消费金融】张先生您好，您的账户****1234当前应还¥12,345.67，"
            "到期日2026年11月5日。还款：https://pay.example.cn/p/8F3K2退订回T"
        )
        assert rendered.findings == ()
        assert [d.kind for d in rendered.disclosures] == ["signature", "opt_out"]

    def test_a_us_text_says_it_is_from_a_debt_collector_and_how_to_opt_out(
        self, folder: Path, writer: Writer
    ) -> None:
        text = CN_SMS.replace("[CN]", "[US]")
        template = load(folder, writer, "sms", "cn_hello", text)
        context = RenderContext("sms", ("US", "US-CA"), sender="Northbridge")
        rendered = render(template, "en-US", sample_variables("en-US"), context)
        assert rendered.text.startswith("Northbridge: Hi Jordan, $12,345.67 on account ****1234")
        assert rendered.text.endswith(
            "This message is from a debt collector. Reply STOP to opt out of texts."
        )

    def test_a_us_first_email_carries_the_mini_miranda_in_text_and_html(
        self, folder: Path, writer: Writer
    ) -> None:
        template = load(folder, writer, "email", "us_hello", US_EMAIL)
        context = RenderContext("email", ("US",), initial_communication=True, sender="Northbridge")
        rendered = render(template, "en-US", sample_variables("en-US"), context)
        mini_miranda = "This is an attempt to collect a debt and any information obtained"
        assert rendered.subject == "Your Acme Bank account"
        assert mini_miranda in rendered.text and 'reply with "STOP"' in rendered.text
        assert rendered.html is not None
        assert (
            f'<p class="disclosure">This is a communication from a debt collector. {mini_miranda}'
            in (rendered.html)
        )
        assert "reply with &quot;STOP&quot;" in rendered.html

    def test_a_later_us_email_in_chinese_carries_the_statement_in_both_languages(
        self, folder: Path, writer: Writer
    ) -> None:
        template = load(folder, writer, "email", "us_hello", US_EMAIL)
        rendered = render(template, "zh-CN", sample_variables("zh-CN", "USD"), US_EMAIL_LATER)
        assert "本邮件来自债务催收机构。 This e-mail is from a debt collector." in rendered.text
        assert "退订" in rendered.text

    def test_a_template_may_place_the_statement_itself(self, folder: Path, writer: Writer) -> None:
        call = """
            name: us_call
            channel: call
            purpose: A call
            jurisdictions: [US]
            locales:
              en-US:
                body: |
                  Agent: Hello, is this {{ debtor_name }}?
                  Agent: My name is {{ agent_name }}, calling from {{ agency_name }}. {{ disclosure }}
                  Agent: It's about your account.
        """
        template = load(folder, writer, "call", "us_call", call)
        context = RenderContext("call", ("US",), sender="Northbridge")
        rendered = render(template, "en-US", sample_variables("en-US"), context)
        assert rendered.text == (
            "Agent: Hello, is this Jordan Smith?\n"
            "Agent: My name is Alex Morgan, calling from Northbridge Associates. "
            "This call is from a debt collector. This call is recorded.\n"
            "Agent: It's about your account."
        )

    def test_a_business_template_for_a_company_gets_no_consumer_disclosures(
        self, folder: Path, writer: Writer
    ) -> None:
        text = US_EMAIL.replace("[US]", '["*"]').replace(
            "initial_communication: true", "audience: business"
        )
        template = load(folder, writer, "email", "us_hello", text)
        company = RenderContext("email", ("US",), sender="Acme Supplies", business_debtor=True)
        rendered = render(template, "en-US", sample_variables("en-US"), company)
        assert "debt collector" not in rendered.text and rendered.disclosures == ()
        person = RenderContext("email", ("US",), sender="Acme Supplies")
        assert (
            "This e-mail is from a debt collector."
            in render(template, "en-US", sample_variables("en-US"), person).text
        )


THREAT = CN_SMS.replace("还款：{{ pay_link }}", "今天不还钱就让你坐牢。还款：{{ pay_link }}")


class TestTheContentCheck:
    def test_a_threat_is_blocked_at_load_and_refused_at_render(
        self, folder: Path, writer: Writer
    ) -> None:
        writer("sms", "cn_hello", THREAT)
        catalogue = load_templates(folder)
        template = catalogue.get("cn_hello")
        assert template.status == BLOCKED and not catalogue.active("cn_hello")
        (problem, *_) = catalogue.problems
        assert problem.finding.rule == "CN-PROH-01" and problem.finding.verdict == "BLOCK"
        assert str(problem).startswith(f"{template.source} line 8: cn_hello [zh-CN, CN, ")
        with pytest.raises(TemplateBlocked) as caught:
            render(template, "zh-CN", sample_variables("zh-CN"), CN)
        message = caught.value.message
        assert message.startswith("template 'cn_hello' (zh-CN) is blocked: CN-PROH-01 BLOCK")
        assert "金融机构个人消费类贷款催收工作指引" in message  # the citation
        assert caught.value.template == "cn_hello" and caught.value.locale == "zh-CN"

    def test_preview_shows_what_render_refuses(self, folder: Path, writer: Writer) -> None:
        writer("sms", "cn_hello", THREAT)
        template = load_templates(folder).get("cn_hello")
        rendered = preview(template, "zh-CN", sample_variables("zh-CN"), CN)
        assert "坐牢" in rendered.text
        assert {f.rule for f in rendered.findings} == {"CN-PROH-01"}

    def test_a_review_finding_refuses_until_acknowledged(
        self, folder: Path, writer: Writer
    ) -> None:
        lawyer = CN_SMS.replace(
            "还款：{{ pay_link }}", "如有疑问可联系我们的律师。还款：{{ pay_link }}"
        )
        writer("sms", "cn_hello", lawyer)
        template = load_templates(folder).get("cn_hello")
        assert template.status == NEEDS_REVIEW
        with pytest.raises(TemplateBlocked, match=r"CN-PROH-01 REVIEW \(not acknowledged\)"):
            render(template, "zh-CN", sample_variables("zh-CN"), CN)

        writer(
            "sms",
            "cn_hello",
            lawyer.replace("    locales:", "    reviewed: [CN-PROH-01]\n    locales:"),
        )
        catalogue = load_templates(folder)
        template = catalogue.get("cn_hello")
        assert catalogue.active("cn_hello") and catalogue.problems == ()
        assert [f.acknowledged for f in catalogue.findings] == [True]
        rendered = render(template, "zh-CN", sample_variables("zh-CN"), CN)
        assert [(f.rule, f.verdict) for f in rendered.findings] == [("CN-PROH-01", "REVIEW")]

    def test_a_block_cannot_be_acknowledged(self, folder: Path, writer: Writer) -> None:
        writer(
            "sms",
            "cn_hello",
            THREAT.replace("    locales:", "    reviewed: [CN-PROH-01]\n    locales:"),
        )
        assert load_templates(folder).get("cn_hello").status == BLOCKED

    def test_the_final_text_is_checked_values_included(self, folder: Path, writer: Writer) -> None:
        voicemail = """
            name: us_vm
            channel: voicemail
            purpose: Call back
            jurisdictions: [US]
            locales:
              en-US:
                body: |
                  Hello, this is {{ agent_name }} from {{ agency_name }}. Please call me back at {{ callback_number }}.
        """
        template = load(folder, writer, "voicemail", "us_vm", voicemail)
        assert template.active
        values = sample_variables("en-US") | {"agency_name": "Northbridge Debt Recovery"}
        with pytest.raises(TemplateBlocked, match="US-VM-01"):
            render(template, "en-US", values, RenderContext("voicemail", ("US",)))

    def test_a_deadline_inside_the_validation_period_is_refused(
        self, folder: Path, writer: Writer
    ) -> None:
        text = CN_SMS.replace("[CN]", "[US]").replace(
            "Pay: {{ pay_link }}", "Please pay by {{ promise_date | date }}: {{ pay_link }}"
        )
        writer("sms", "cn_hello", text)
        template = load_templates(folder).get("cn_hello")
        assert template.status == BLOCKED
        assert {f.situation for f in template.problems} == {"validation period"}

        writer(
            "sms",
            "cn_hello",
            text.replace("    locales:", "    for_validation_period: false\n    locales:"),
        )
        template = load_templates(folder).get("cn_hello")
        assert template.active
        inside = RenderContext("sms", ("US",), validation_end=date(2026, 12, 28))
        with pytest.raises(TemplateRenderError, match="not for the validation period"):
            render(template, "en-US", sample_variables("en-US"), inside)


class TestRequests:
    @pytest.fixture
    def template(self, folder: Path, writer: Writer) -> Template:
        return load(folder, writer, "sms", "cn_hello", CN_SMS)

    def test_a_variable_of_the_wrong_kind(self, template: Template) -> None:
        values = sample_variables("zh-CN") | {"balance": "12345.67"}
        with pytest.raises(
            TemplateRenderError, match=r"'balance' must be a money \(Money\), not str"
        ):
            render(template, "zh-CN", values, CN)

    def test_missing_and_unknown_variables(self, template: Template) -> None:
        values = {"debtor_first_name": "张先生", "colour": "red"}
        with pytest.raises(TemplateRenderError) as caught:
            render(template, "zh-CN", values, CN)
        assert "'colour' is not a template variable" in caught.value.message
        assert "missing variable(s): account_ref_masked, balance, due_date, pay_link" in (
            caught.value.message
        )

    def test_the_compliance_texts_are_not_the_callers(self, template: Template) -> None:
        values = sample_variables("zh-CN") | {"disclosure": "nothing to see"}
        with pytest.raises(TemplateRenderError, match="filled by the compliance layer"):
            render(template, "zh-CN", values, CN)

    def test_the_context_must_fit_the_template(self, template: Template) -> None:
        values = sample_variables("zh-CN")
        with pytest.raises(TemplateRenderError, match="is a sms template, not a email one"):
            render(template, "zh-CN", values, RenderContext("email", ("CN",)))
        with pytest.raises(TemplateRenderError, match="is for CN, not US"):
            render(template, "zh-CN", values, RenderContext("sms", ("US",)))
        with pytest.raises(TemplateRenderError, match="not written for an initial communication"):
            render(template, "zh-CN", values, RenderContext("sms", ("CN",), True))

    def test_locales_fall_back_within_the_language(self, template: Template) -> None:
        rendered = render(template, "en-GB", sample_variables("en-GB", "CNY"), CN)
        assert rendered.locale == "en-US"
        assert "was due on 5 November 2026" in rendered.text  # British date, en-US words
        with pytest.raises(TemplateRenderError, match="has no fr-FR text"):
            render(template, "fr-FR", sample_variables("en-US"), CN)

    def test_fallback_true_uses_the_first_locale(self, folder: Path, writer: Writer) -> None:
        text = CN_SMS.replace("    locales:", "    fallback: true\n    locales:")
        template = load(folder, writer, "sms", "cn_hello", text)
        assert render(template, "fr-FR", sample_variables("zh-CN"), CN).locale == "zh-CN"


class TestFormatting:
    def test_money_per_locale(self, folder: Path, writer: Writer) -> None:
        template = load(folder, writer, "sms", "cn_hello", CN_SMS)
        values = sample_variables("zh-CN") | {"balance": Money(123456, "CNY")}
        assert "¥1,234.56" in render(template, "zh-CN", values, CN).text
        values = sample_variables("en-US") | {"balance": Money(123456, "USD")}
        assert "$1,234.56" in render(template, "en-US", values, CN).text
        values["balance"] = Money(1234, "JPY")
        assert "¥1,234 on account" in render(template, "en-US", values, CN).text

    @pytest.mark.parametrize(
        ("locale", "style", "expected"),
        [
            ("zh-CN", "long", "2026年11月23日"),
            ("zh-CN", "short", "2026-11-23"),
            ("en-US", "long", "November 23, 2026"),
            ("en-US", "short", "11/23/2026"),
            ("en-GB", "long", "23 November 2026"),
            ("en-GB", "short", "23/11/2026"),
            ("fr-FR", "long", "2026-11-23"),
        ],
    )
    def test_dates_per_locale(self, locale: str, style: str, expected: str) -> None:
        assert format_date(date(2026, 11, 23), locale, style) == expected

    def test_html_parts_are_escaped_and_texts_are_not(self, folder: Path, writer: Writer) -> None:
        template = load(folder, writer, "email", "us_hello", US_EMAIL)
        values = sample_variables("en-US") | {"debtor_name": "O'Brien & <Sons>"}
        rendered = render(template, "en-US", values, US_EMAIL_LATER)
        assert "Dear O'Brien & <Sons>," in rendered.text
        assert rendered.html is not None
        assert "Dear O&#39;Brien &amp; &lt;Sons&gt;," in rendered.html
