"""``arrears templates list | preview | check``."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.templates.conftest import CN_SMS, SHIPPED, US_EMAIL, Writer
from typer.testing import CliRunner

from arrears.cli.commands.templates import app
from arrears.cli.main import run

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


@pytest.fixture
def good(folder: Path, writer: Writer) -> Path:
    writer("sms", "cn_hello", CN_SMS)
    writer("email", "us_hello", US_EMAIL)
    return folder


class TestList:
    def test_lists_name_channel_locales_status_and_purpose(self, good: Path) -> None:
        code, out = invoke("list", "--folder", str(good))
        assert code == 0
        lines = out.splitlines()
        assert lines[0].split() == ["name", "channel", "locales", "status", "purpose"]
        assert lines[1].split()[:4] == ["cn_hello", "sms", "zh-CN,en-US", "active"]
        assert lines[1].endswith("A friendly reminder")
        assert lines[2].startswith("us_hello")

    def test_filters_by_channel_and_locale(self, good: Path) -> None:
        assert "us_hello" not in invoke("list", "--folder", str(good), "--channel", "sms")[1]
        code, out = invoke("list", "--folder", str(good), "--locale", "zh-CN", "--channel", "call")
        assert (code, out) == (0, "no templates\n")

    def test_a_blocked_template_is_listed_as_blocked(self, folder: Path, writer: Writer) -> None:
        writer("sms", "cn_hello", CN_SMS.replace("还款：", "不还就让你坐牢。还款："))
        assert "BLOCKED" in invoke("list", "--folder", str(folder))[1]

    def test_the_shipped_folder_through_the_main_entry_point(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from arrears.config import get_settings

        monkeypatch.setenv("ARREARS_CONFIG_DIR", str(SHIPPED.parent))
        get_settings.cache_clear()
        try:
            assert run(["templates", "list", "--channel", "voicemail"]) == 0
        finally:
            get_settings.cache_clear()
        out = capsys.readouterr().out
        assert "us_voicemail_limited_content" in out and "cn_overdue_d1" not in out


class TestPreview:
    def test_prints_the_final_text_the_disclosures_and_the_findings(self, good: Path) -> None:
        code, out = invoke(
            "preview", "us_hello", "--folder", str(good), "--initial", "--sender", "Northbridge"
        )
        assert code == 0
        assert "subject: Your Acme Bank account" in out
        assert "This is an attempt to collect a debt" in out
        assert "debt_collector (suffix): FDCPA §807(11); 12 CFR 1006.18(e)(1)" in out
        assert "findings: none" in out

    def test_in_another_locale_and_jurisdiction(self, good: Path) -> None:
        code, out = invoke("preview", "cn_hello", "--folder", str(good), "--locale", "en-US")
        assert code == 0 and "locale: en-US  jurisdiction: CN" in out
        assert "【Northbridge Associates】Hi Jordan" in out and "Reply T to opt out." in out

    def test_shows_the_findings_of_a_blocked_template(self, folder: Path, writer: Writer) -> None:
        writer("sms", "cn_hello", CN_SMS.replace("还款：", "不还就让你坐牢。还款："))
        code, out = invoke("preview", "cn_hello", "--folder", str(folder))
        assert code == 0 and "status: BLOCKED" in out
        assert "finding: BLOCK CN-PROH-01 (中国银行业协会" in out

    def test_inside_the_validation_period(self, folder: Path, writer: Writer) -> None:
        text = CN_SMS.replace("[CN]", "[US]").replace(
            "Pay: {{ pay_link }}", "Pay by {{ promise_date | date }}."
        )
        writer("sms", "cn_hello", text)
        code, out = invoke(
            "preview", "cn_hello", "--folder", str(folder), "--locale", "en-US",
            "--validation-end", "2026-12-28",
        )  # fmt: skip
        assert code == 0 and "finding: BLOCK US-VAL-04" in out


class TestCheck:
    def test_passes_with_exit_0(self, good: Path) -> None:
        assert invoke("check", "--folder", str(good)) == (0, "2 template(s) pass\n")
        assert invoke("check", "cn_hello", "--folder", str(good)) == (0, "1 template(s) pass\n")

    def test_fails_with_exit_1_and_file_line_rule_citation(
        self, folder: Path, writer: Writer
    ) -> None:
        path = writer("sms", "cn_hello", CN_SMS.replace("还款：", "不还就让你坐牢。还款："))
        writer("email", "us_hello", US_EMAIL)
        code, out = invoke("check", "--folder", str(folder))
        assert code == 1
        first = out.splitlines()[0]
        assert first.startswith(f"{path} line 8: cn_hello [zh-CN, CN, later communication]: BLOCK")
        assert (
            "CN-PROH-01 (中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》(2026))"
            in first
        )
        assert out.splitlines()[-1] == "1 of 2 template(s) fail: cn_hello"

    def test_a_file_error_is_listed_with_exit_1(self, folder: Path, writer: Writer) -> None:
        path = writer("sms", "cn_hello", CN_SMS.replace("{{ pay_link }}\n", "{{ pay_url }}\n", 1))
        code, out = invoke("check", "--folder", str(folder))
        assert code == 1
        assert out.startswith(
            f"{path} line 8: locales.zh-CN.body: 'pay_url' is not a template variable"
        )

    def test_the_shipped_messages_pass(self, tmp_path: Path) -> None:
        # Letters are another team's; the message channels are checked here.
        import shutil

        for channel in ("sms", "email", "call", "voicemail"):
            shutil.copytree(SHIPPED / channel, tmp_path / channel)
        code, out = invoke("check", "--folder", str(tmp_path))
        assert (code, out) == (0, "49 template(s) pass\n")

    def test_one_channel_can_be_checked(self, folder: Path, writer: Writer) -> None:
        writer("sms", "cn_hello", CN_SMS.replace("还款：", "不还就让你坐牢。还款："))
        writer("email", "us_hello", US_EMAIL)
        assert invoke("check", "--folder", str(folder), "--channel", "email") == (
            0,
            "1 template(s) pass\n",
        )
