"""The errors of the template layer, all in the one exception tree.

* :class:`TemplateFileError`: template files that cannot be loaded (bad YAML, an
  unknown key, an undeclared variable, a Jinja syntax error); its message lists
  every problem as ``file line N: field: message``.
* :class:`TemplateRenderError`: a render request that does not fit the template
  (a missing variable, a locale the template lacks, a channel or jurisdiction it
  was not written for).
* :class:`TemplateBlocked`: the compliance check refuses the text: a BLOCK
  finding, or a REVIEW finding the template file does not acknowledge.
* :class:`UnknownTemplate`: no template has that name.
"""

from __future__ import annotations

from collections.abc import Sequence

from arrears.compliance.content.model import BLOCK, ContentFinding
from arrears.errors import ArrearsError, ConfigError, InvalidInput, NotFound


class TemplateFileError(ConfigError):
    """Template files that are not valid; ``problems`` has one line per problem."""

    code = "template_file"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"templates: {head}:\n" + "\n".join(f"  {p}" for p in self.problems))


class TemplateRenderError(InvalidInput):
    """A render request that does not fit the template."""

    code = "template_render"


class UnknownTemplate(NotFound):
    """No template of that name in the catalogue."""

    code = "unknown_template"

    def __init__(self, name: str, known: Sequence[str] = ()) -> None:
        close = [k for k in known if name[:4] and k.startswith(name[:4])][:5]
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        super().__init__(f"no template named '{name}'{hint}")
        self.name = name


class TemplateBlocked(ArrearsError):
    """The compliance check refuses to let this template (in this locale) go out."""

    code = "template_blocked"
    http_status = 422

    def __init__(self, template: str, locale: str, findings: Sequence[ContentFinding]) -> None:
        self.template = template
        self.locale = locale
        self.findings = tuple(findings)
        reasons = "; ".join(
            f"{f.rule} {f.verdict}"
            + ("" if f.verdict == BLOCK else " (not acknowledged)")
            + f" [{f.citation}]: {f.message}"
            for f in self.findings
        )
        super().__init__(f"template '{template}' ({locale}) is blocked: {reasons}")
