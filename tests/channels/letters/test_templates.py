"""The letter templates: every strategy's letter exists, renders safely, passes the checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from arrears.channels.letters.compose import compose_letter
from arrears.channels.letters.formats import format_date, format_money
from arrears.channels.letters.templating import (
    LetterTemplate,
    load_letter_templates,
    parse_template,
    render_body,
)
from arrears.core.money import Money
from arrears.errors import ConfigError, InvalidInput
from tests.channels.letters.samples import (
    LETTER_DATE,
    ROOT,
    TEMPLATES,
    US_RECIPIENT,
    US_SENDER,
    variables,
)

BRIEF = {"payment_reminder", "formal_demand", "validation_notice", "lawyer_letter_cn",
         "payment_plan_agreement", "settlement_letter", "paid_in_full"}  # fmt: skip


def _values(currency: str, locale: str) -> dict[str, object]:
    """The sample variables plus those compose_letter adds."""
    return {**variables(currency, locale), "debtor_name": "Pat Doe", "today": LETTER_DATE}


def _strategy_letters() -> set[str]:
    found = set()
    for path in (ROOT / "config" / "strategies").glob("*.yaml"):
        found |= set(re.findall(r"letter:([a-z0-9_]+)", path.read_text(encoding="utf-8")))
    return found


def test_every_letter_a_strategy_names_exists(letter_templates: dict[str, Any]) -> None:
    wanted = _strategy_letters() | BRIEF
    assert wanted - set(letter_templates) == set()
    assert {"settlement_offer", "uk_default_notice", "time_barred_disclosure"} <= wanted


def test_every_template_has_chinese_and_american_english(
    letter_templates: dict[str, LetterTemplate],
) -> None:
    for template in letter_templates.values():
        assert set(template.locales) == {"zh-CN", "en-US"}, template.name


def test_us_only_letters_are_refused_elsewhere(letter_templates: dict[str, Any]) -> None:
    template = letter_templates["validation_notice"]
    assert template.jurisdictions == ("US",) and template.allows("US-MA")
    with pytest.raises(InvalidInput, match="is for US"):
        compose_letter(
            template,
            dedup_key="k",
            locale="zh-CN",
            jurisdiction="CN",
            sender=US_SENDER,
            recipient=US_RECIPIENT,
            variables=variables("CNY", "zh-CN"),
            letter_date=LETTER_DATE,
        )


def test_variables_are_escaped_in_the_body(letter_templates: dict[str, Any]) -> None:
    values = {**_values("USD", "en-US"), "debtor_name": "<script>x</script>"}
    body = render_body(letter_templates["payment_reminder"], "en-US", values)
    assert "<script>" not in body.html and "&lt;script&gt;" in body.html
    assert body.subject == "Payment reminder" and body.locale == "en-US"


def test_a_missing_variable_is_an_error_not_a_blank(letter_templates: dict[str, Any]) -> None:
    values = _values("USD", "en-US")
    del values["balance"]
    with pytest.raises(InvalidInput, match="balance"):
        render_body(letter_templates["payment_reminder"], "en-US", values)


def test_the_sandbox_refuses_python_internals() -> None:
    template = parse_template(
        "name: x\nchannel: letter\npurpose: x\njurisdictions: [US]\n"
        "locales:\n  en-US:\n    subject: s\n    body: \"{{ ''.__class__.__mro__ }}\"\n",
        "x.yaml",
    )
    with pytest.raises(InvalidInput):
        render_body(template, "en-US", {})


def test_en_gb_falls_back_on_the_english_words(letter_templates: dict[str, Any]) -> None:
    body = render_body(letter_templates["uk_arrears_notice"], "en-GB", _values("GBP", "en-GB"))
    assert body.locale == "en-US" and "8 April 2026" in body.html and "£615.00" in body.html


def test_filters_format_money_and_dates() -> None:
    assert format_money(Money(123456, "CNY"), "zh-CN") == "¥1,234.56"
    assert format_money("1234.5", "en-US", "USD") == "$1,234.50"
    assert format_money("already $5", "en-US") == "already $5"
    with pytest.raises(InvalidInput):
        format_money(1.5, "en-US", "USD")
    with pytest.raises(InvalidInput):
        format_money("12", "en-US")  # no currency
    assert format_date(LETTER_DATE, "en-US") == "April 8, 2026"
    assert format_date("2026-04-08", "zh-CN") == "2026年4月8日"


def test_bad_template_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("name: y\nchannel: letter\npurpose: p\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="needs"):
        load_letter_templates(tmp_path)
    (tmp_path / "x.yaml").write_text(
        "name: y\nchannel: letter\npurpose: p\njurisdictions: [US]\n"
        "locales: {en-US: {subject: s, body: b}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="differs from the file name"):
        load_letter_templates(tmp_path)


def test_the_template_catalogue_accepts_every_letter() -> None:
    """The files load in arrears.templates and pass its content check at load."""
    catalogue_module = pytest.importorskip("arrears.templates")
    catalogue = catalogue_module.load_templates(TEMPLATES.parent)
    letters = [t for t in catalogue if t.channel == "letter"]
    assert {t.name for t in letters} == set(load_letter_templates(TEMPLATES))
    for template in letters:
        assert template.active, [str(f) for f in template.problems]


def test_a_catalogue_rendering_lays_out_as_a_letter(letter_templates: dict[str, Any]) -> None:
    """The engine's HTML (disclosures included) goes into a LetterRequest as it is."""
    engine = pytest.importorskip("arrears.templates")
    from arrears.channels.letters.model import LetterRequest
    from arrears.channels.letters.render import render_letter

    catalogue = engine.load_templates(TEMPLATES.parent)
    context = engine.RenderContext(
        "letter", ("US",), initial_communication=True, sender=US_SENDER.letterhead_name
    )
    values = {**variables("USD", "en-US"), "debtor_name": US_RECIPIENT.name}
    values.update(agency_name=US_SENDER.letterhead_name, today=LETTER_DATE)
    values.update(agency_address=US_SENDER.address.one_line())
    values.update(debtor_address=US_RECIPIENT.address.one_line())
    out = engine.render(catalogue.get("validation_notice"), "en-US", values, context)
    letter = LetterRequest(
        dedup_key="engine:1",
        template=out.template,
        locale="en-US",
        jurisdiction="US",
        sender=US_SENDER,
        recipient=US_RECIPIENT,
        subject=out.subject,
        body_html=out.html,
        letter_date=LETTER_DATE,
        reference="****4821",
        closing=False,
    )
    assert render_letter(letter).startswith(b"%PDF")
