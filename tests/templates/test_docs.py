"""docs/templates.md documents the variables the code knows, and every shipped template."""

from __future__ import annotations

from pathlib import Path

from tests.templates.conftest import SHIPPED

from arrears.templates import CATALOGUE, TemplateCatalogue, sample_variables
from arrears.templates.variables import COMPLIANCE_VARIABLES, markdown_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def test_the_variables_table_is_the_catalogue() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- variables:start -->") + len("<!-- variables:start -->")
    end = text.index("<!-- variables:end -->")
    assert text[start:end].strip() == markdown_table()


def test_every_variable_has_a_sample_in_every_language() -> None:
    for locale in ("zh-CN", "en-US", "en-GB"):
        assert set(sample_variables(locale)) == set(CATALOGUE) - COMPLIANCE_VARIABLES


def test_every_shipped_message_template_is_listed(shipped: TemplateCatalogue) -> None:
    text = DOC.read_text(encoding="utf-8")
    for template in shipped:
        if template.channel != "letter":
            assert f"| `{template.name}` | {template.channel} |" in text, template.name
    assert SHIPPED.is_dir()
