"""The shipped templates: every one a shipped strategy names exists, fits and passes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from tests.templates.conftest import SHIPPED

from arrears.strategy import load_strategies
from arrears.strategy.actions import parse_action
from arrears.strategy.variants import variants
from arrears.templates import (
    RenderContext,
    Template,
    TemplateCatalogue,
    render,
    sample_variables,
)
from arrears.templates.model import ACTIVE

STRATEGIES = Path(__file__).resolve().parents[2] / "config" / "strategies"
MESSAGE_CHANNELS = ("sms", "email", "call")
OWN_CHANNELS = ("sms", "email", "call", "voicemail")  # letters are written elsewhere
COUNTRY_CURRENCY = {"CN": "CNY", "US": "USD", "GB": "GBP"}


def referenced() -> dict[str, set[str]]:
    """template name -> channels of the strategy steps that name it (letters aside)."""
    found: dict[str, set[str]] = {}
    for strategy in load_strategies(STRATEGIES):
        for variant in variants(strategy):
            for step in variant.steps:
                channel = parse_action(step.action).channel
                if channel in MESSAGE_CHANNELS and step.template:
                    found.setdefault(step.template, set()).add(channel)
    return found


REFERENCED = referenced()


def own(catalogue: TemplateCatalogue) -> list[Template]:
    return [t for t in catalogue if t.channel in OWN_CHANNELS]


def test_the_strategies_name_templates() -> None:
    assert len(REFERENCED) >= 40


@pytest.mark.parametrize("name", sorted(REFERENCED))
def test_every_template_a_strategy_names_exists_fits_and_passes(
    name: str, shipped: TemplateCatalogue
) -> None:
    template = shipped.get(name)
    assert REFERENCED[name] == {template.channel}
    assert template.status == ACTIVE, [str(f) for f in template.problems]
    assert not template.findings, [str(f) for f in template.findings]


def test_every_shipped_message_template_passes_with_no_finding(shipped: TemplateCatalogue) -> None:
    for template in own(shipped):
        assert template.status == ACTIVE, [str(f) for f in template.problems]
        assert template.findings == (), [str(f) for f in template.findings]


def test_every_shipped_message_template_is_in_chinese_and_english(
    shipped: TemplateCatalogue,
) -> None:
    for template in own(shipped):
        assert set(template.locales) == {"zh-CN", "en-US"}, template.name
        assert template.purpose and template.purpose_zh, template.name


def test_every_call_names_a_voicemail_for_its_places(shipped: TemplateCatalogue) -> None:
    calls = [t for t in own(shipped) if t.channel == "call"]
    assert calls
    for call in calls:
        assert call.voicemail is not None, call.name
        assert shipped.get(call.voicemail).channel == "voicemail"


def test_call_scripts_verify_identity_and_handle_objections(shipped: TemplateCatalogue) -> None:
    for call in (t for t in own(shipped) if t.channel == "call"):
        zh, en = call.locales["zh-CN"].body, call.locales["en-US"].body
        assert "■ 开场" in zh and "■ OPENING" in en, call.name
        assert "■ 异议处理" in zh and "■ HANDLING OBJECTIONS" in en, call.name
        assert zh.count("▶") >= 4 and en.count("> ") >= 4, call.name
        if call.audience == "consumer":
            # The statements come after the identity check, where the script places them.
            assert "{{ disclosure }}" in zh and "{{ disclosure }}" in en, call.name
            assert zh.index("开场与身份核实") < zh.index("{{ disclosure }}"), call.name


def test_the_shipped_set(shipped: TemplateCatalogue) -> None:
    counts = Counter(t.channel for t in own(shipped))
    assert counts == {"sms": 17, "email": 17, "call": 11, "voicemail": 4}


@pytest.mark.parametrize("sender", ["Northbridge Associates", "安信资产管理有限公司"])
def test_each_renders_in_each_locale_for_each_place(
    shipped: TemplateCatalogue, sender: str
) -> None:
    for template in own(shipped):
        places = [p for p in template.jurisdictions if p != "*"] or ["US", "CN", "GB"]
        for place in places:
            for locale in template.locales:
                reader = "en-GB" if place == "GB" and locale.startswith("en") else locale
                variables = sample_variables(reader, COUNTRY_CURRENCY[place])
                context = RenderContext(
                    template.channel,
                    (place,),
                    initial_communication=template.initial_communication,
                    sender=sender,
                    business_debtor=template.audience == "business",
                )
                rendered = render(template, reader, variables, context)
                assert rendered.text and "{{" not in rendered.text, template.name


def test_the_shipped_folder_is_where_the_settings_point(tmp_path: Path) -> None:
    from arrears.config import Settings

    assert Settings("sqlite://", tmp_path, SHIPPED.parent).template_dir == SHIPPED


OPTIONAL_IN_CALLS = ("plan_instalment", "plan_count", "settlement_amount", "settlement_deadline")


def test_call_scripts_render_without_a_plan_or_settlement_proposal(
    shipped: TemplateCatalogue,
) -> None:
    # The worked examples of a plan or a settlement appear only when there is a proposal.
    for call in (
        t for t in own(shipped) if t.channel == "call" and t.name != "cn_instalment_missed_call"
    ):
        place = (
            next(p for p in call.jurisdictions if p != "*")
            if call.jurisdictions != ("*",)
            else "US"
        )
        for locale in call.locales:
            values = sample_variables(locale, COUNTRY_CURRENCY[place])
            for name in (*OPTIONAL_IN_CALLS, "validation_end_date"):
                values.pop(name)
            if call.audience == "business":
                continue
            context = RenderContext("call", (place,), sender="Northbridge Associates")
            text = render(call, locale, values, context).text
            assert "{%" not in text and "例如每期" not in text, call.name
