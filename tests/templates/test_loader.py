"""Loading template files: every problem named with its file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.templates.conftest import CN_SMS, US_EMAIL, Writer

from arrears.templates import TemplateFileError, UnknownTemplate, load_templates
from arrears.templates.model import ACTIVE


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(TemplateFileError) as caught:
        load_templates(folder)
    return list(caught.value.problems)


class TestAGoodFolder:
    def test_templates_load_compiled_and_checked(self, folder: Path, writer: Writer) -> None:
        writer("sms", "cn_hello", CN_SMS)
        writer("email", "us_hello", US_EMAIL)
        catalogue = load_templates(folder)
        assert catalogue.names() == ["cn_hello", "us_hello"]
        template = catalogue.get("cn_hello")
        assert template.channel == "sms" and template.locale_names == ("zh-CN", "en-US")
        assert template.status == ACTIVE and catalogue.active("cn_hello")
        assert catalogue.problems == ()
        assert "balance" in template.locales["zh-CN"].variables
        assert template.locales["zh-CN"].lines["body"] == 8

    def test_an_unknown_name_is_not_found(self, folder: Path, writer: Writer) -> None:
        writer("sms", "cn_hello", CN_SMS)
        with pytest.raises(UnknownTemplate, match="no template named 'cn_hallo'"):
            load_templates(folder).get("cn_hallo")

    def test_a_missing_folder_is_an_error(self, tmp_path: Path) -> None:
        assert problems_of(tmp_path / "nowhere") == [
            f"{tmp_path / 'nowhere'}: no such template folder"
        ]


class TestFileErrors:
    def test_an_unknown_key_is_named_with_its_line_and_the_keys_allowed(
        self, folder: Path, writer: Writer
    ) -> None:
        path = writer("sms", "cn_hello", CN_SMS.replace("    purpose:", "    purpse:"))
        found = problems_of(folder)
        assert f"{path} line 1: purpose: Field required" in found
        unknown = f"{path} line 3: purpse: unknown key; expected one of: name, channel, purpose"
        assert any(p.startswith(unknown) for p in found)

    def test_bad_yaml_names_the_line(self, folder: Path, writer: Writer) -> None:
        path = writer(
            "sms", "cn_hello", CN_SMS.replace("purpose: A friendly reminder", "purpose: [x")
        )
        (problem,) = problems_of(folder)
        assert problem.startswith(f"{path} line ") and "not valid YAML" in problem

    def test_an_undeclared_variable_is_named_at_its_line(
        self, folder: Path, writer: Writer
    ) -> None:
        text = CN_SMS.replace("{{ pay_link }}\n      en-US", "{{ pay_url }}\n      en-US")
        path = writer("sms", "cn_hello", text)
        (problem,) = problems_of(folder)
        assert problem == (
            f"{path} line 8: locales.zh-CN.body: 'pay_url' is not a template variable "
            "(see docs/templates.md)"
        )

    def test_a_jinja_syntax_error_is_named_at_its_line(self, folder: Path, writer: Writer) -> None:
        text = CN_SMS.replace("Hi {{ debtor_first_name }},", "Hi {{ debtor_first_name },")
        path = writer("sms", "cn_hello", text)
        (problem,) = problems_of(folder)
        assert problem.startswith(f"{path} line 11: locales.en-US.body: Jinja: ")

    def test_an_unknown_filter_is_an_error(self, folder: Path, writer: Writer) -> None:
        text = CN_SMS.replace("{{ balance | money }}，到期日", "{{ balance | cash }}，到期日")
        path = writer("sms", "cn_hello", text)
        (problem,) = problems_of(folder)
        assert problem.startswith(
            f"{path} line 8: locales.zh-CN.body: Jinja: No filter named 'cash'"
        )

    def test_private_attributes_are_refused_at_load(self, folder: Path, writer: Writer) -> None:
        text = CN_SMS.replace("Pay: {{ pay_link }}", "Pay: {{ pay_link.__class__.__mro__ }}")
        path = writer("sms", "cn_hello", text)
        found = problems_of(folder)
        where = f"{path} line 11: locales.en-US.body: "
        assert (
            f"{where}'.__class__': attributes starting with _ are refused by the sandbox" in found
        )
        assert f"{where}'.__mro__': attributes starting with _ are refused by the sandbox" in found

    def test_include_and_import_are_refused(self, folder: Path, writer: Writer) -> None:
        text = CN_SMS.replace("Pay: {{ pay_link }}", "{% include 'other.txt' %}")
        path = writer("sms", "cn_hello", text)
        (problem,) = problems_of(folder)
        assert problem.startswith(f"{path} line 11: locales.en-US.body: 'include' is not allowed")

    def test_a_subject_on_a_text_message_is_an_error(self, folder: Path, writer: Writer) -> None:
        text = CN_SMS.replace(
            "      en-US:\n        body:", "      en-US:\n        subject: Hi\n        body:"
        )
        path = writer("sms", "cn_hello", text)
        (problem,) = problems_of(folder)
        assert problem == f"{path} line 10: locales.en-US.subject: a sms has no subject"

    def test_an_email_needs_a_subject(self, folder: Path, writer: Writer) -> None:
        path = writer(
            "email",
            "us_hello",
            US_EMAIL.replace("        subject: 您的{{ creditor_name }}账户\n", ""),
        )
        (problem,) = problems_of(folder)
        assert problem == f"{path} line 18: locales.zh-CN: an e-mail needs a subject"

    def test_a_file_in_the_wrong_channel_folder(self, folder: Path, writer: Writer) -> None:
        path = writer("email", "cn_hello", CN_SMS)
        (problem,) = problems_of(folder)
        assert problem.startswith(f"{path} line 2: channel: a sms template in the email/ folder")

    def test_the_file_name_is_the_template_name(self, folder: Path, writer: Writer) -> None:
        path = writer("sms", "cn_other", CN_SMS)
        (problem,) = problems_of(folder)
        assert problem.startswith(f"{path} line 1: name: the file of template 'cn_hello'")

    def test_an_unknown_reviewed_rule(self, folder: Path, writer: Writer) -> None:
        path = writer(
            "sms",
            "cn_hello",
            CN_SMS.replace("    locales:", "    reviewed: [CN-PROH-99]\n    locales:"),
        )
        (problem,) = problems_of(folder)
        assert (
            problem
            == f"{path} line 5: reviewed[0]: 'CN-PROH-99' is not a rule of the content checker"
        )

    def test_a_voicemail_reference_must_be_a_voicemail(self, folder: Path, writer: Writer) -> None:
        writer("sms", "cn_hello", CN_SMS)
        call = CN_SMS.replace("name: cn_hello", "name: cn_call").replace(
            "channel: sms", "channel: call"
        )
        path = writer(
            "call", "cn_call", call.replace("    locales:", "    voicemail: cn_hello\n    locales:")
        )
        (problem,) = problems_of(folder)
        assert problem == f"{path}: voicemail: 'cn_hello' is a sms template"

    def test_every_problem_of_every_file_is_listed(self, folder: Path, writer: Writer) -> None:
        writer("sms", "cn_hello", CN_SMS.replace("{{ pay_link }}", "{{ pay_url }}"))
        writer("email", "us_hello", US_EMAIL.replace("purpose:", "porpose:"))
        found = problems_of(folder)
        assert len(found) >= 3
        with pytest.raises(TemplateFileError, match="problems:"):
            load_templates(folder)

    def test_a_filter_on_the_wrong_kind_of_value_fails_at_load(
        self, folder: Path, writer: Writer
    ) -> None:
        path = writer(
            "sms",
            "cn_hello",
            CN_SMS.replace("{{ balance | money }}，", "{{ debtor_name | money }}，"),
        )
        (problem,) = problems_of(folder)
        assert problem.startswith(f"{path} line 8: locales.zh-CN: template 'cn_hello' (zh-CN body)")
        assert "money filter needs a Money amount" in problem
