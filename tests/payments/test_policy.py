"""The resolution policy: defaults, jurisdiction sections, client files, exact errors."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from arrears.core.plans import InterestMethod
from arrears.errors import ConfigError
from arrears.payments.policy import load_policies
from tests.payments.resolution_seed import ROOT

SHIPPED = ROOT / "config" / "resolution"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "resolution"
    shutil.copytree(SHIPPED, target)
    return target


class TestShippedPolicy:
    def test_every_jurisdiction_and_client_file_is_valid(self):
        assert load_policies(SHIPPED).check() == []

    def test_jurisdiction_sections_change_only_what_differs(self):
        book = load_policies(SHIPPED)
        cn, us = book.for_client(None, "CN"), book.for_client(None, "US")
        assert cn.promises.max_days_ahead == 7 and us.promises.max_days_ahead == 30
        assert cn.deferrals.max_days == us.deferrals.max_days == 90  # from the defaults
        assert cn.version == "default@2026.11.1+default.CN@2026.11.1"

    def test_a_client_file_overrides_and_is_stamped_in_the_version(self):
        policy = load_policies(SHIPPED).for_client("cn-consumer", "CN")
        assert policy.plans.interest.method is InterestMethod.FLAT
        assert policy.plans.interest.annual_rate == Decimal("0.036")  # exact, never a float
        assert policy.settlements.authority.collector == Decimal("0.08")
        assert policy.version.endswith("+cn-consumer@1")


class TestErrors:
    def test_a_bad_value_names_the_client_file_line_and_field(self, folder: Path):
        (folder / "clients" / "acme.yaml").write_text(
            'client: acme\nversion: "2"\nsettlements:\n  authority:\n    collector: 1.5\n',
            encoding="utf-8",
        )
        with pytest.raises(ConfigError) as error:
            load_policies(folder).for_client("acme", "US")
        assert "resolution/clients/acme.yaml line 5: settlements.authority.collector" in str(
            error.value
        )

    def test_an_unknown_key_in_a_jurisdiction_section_names_the_default_file(self, folder):
        text = (folder / "default.yaml").read_text(encoding="utf-8")
        text = text.replace("      max_days_ahead: 7\n", "      max_days_ahaed: 7\n")
        (folder / "default.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=r"default.yaml line \d+: .*max_days_ahaed: unknown"):
            load_policies(folder).for_client(None, "CN")

    def test_authority_must_rise_with_the_role(self, folder: Path):
        (folder / "clients" / "odd.yaml").write_text(
            "client: odd\nsettlements:\n  authority: {collector: 0.5, supervisor: 0.2}\n",
            encoding="utf-8",
        )
        with pytest.raises(ConfigError, match="authority must rise"):
            load_policies(folder).for_client("odd", None)
