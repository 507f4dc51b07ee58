"""Helpers: template files written into a temporary folder, the shipped folder."""

# ruff: noqa: E501 (template texts are long lines, as in the shipped files)

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from arrears.templates import TemplateCatalogue, load_templates

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "templates"

Writer = Callable[..., Path]


def write(folder: Path, channel: str, name: str, text: str) -> Path:
    """``folder/channel/name.yaml`` with ``text`` (dedented)."""
    path = folder / channel / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "templates"


@pytest.fixture
def writer(folder: Path) -> Writer:
    def _write(channel: str, name: str, text: str) -> Path:
        return write(folder, channel, name, text)

    return _write


CN_SMS = """
    name: cn_hello
    channel: sms
    purpose: A friendly reminder
    jurisdictions: [CN]
    locales:
      zh-CN:
        body: |
          {{ debtor_first_name }}您好，您的账户{{ account_ref_masked }}当前应还{{ balance | money }}，到期日{{ due_date | date }}。还款：{{ pay_link }}
      en-US:
        body: |
          Hi {{ debtor_first_name }}, {{ balance | money }} on account {{ account_ref_masked }} was due on {{ due_date | date }}. Pay: {{ pay_link }}
"""

US_EMAIL = """
    name: us_hello
    channel: email
    purpose: A first e-mail
    jurisdictions: [US]
    initial_communication: true
    locales:
      en-US:
        subject: Your {{ creditor_name }} account
        body: |
          Dear {{ debtor_name }},

          Your account {{ account_ref_masked }} with {{ creditor_name }} is with us. See your options at {{ portal_link }}.

          {{ agency_name }}
        html: |
          <p>Dear {{ debtor_name }},</p>
          <p>Your account with {{ creditor_name }} is with us.</p>
      zh-CN:
        subject: 您的{{ creditor_name }}账户
        body: |
          {{ debtor_name }}您好：您在{{ creditor_name }}的账户{{ account_ref_masked }}已由我司处理，详情见{{ portal_link }}。
"""


@pytest.fixture(scope="session")
def shipped() -> TemplateCatalogue:
    return load_templates(SHIPPED)
