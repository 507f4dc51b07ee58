"""Call scripts: what a collector says, in order, for an account's stage and language.

Scripts are data (``config/scripts/*.yaml``), validated when they are loaded;
a mistake is reported with the file, the line and the field. One file serves
one or more jurisdictions (``US``, ``CN``, ``GB``, or ``any``) and stages
(``pre_due``, ``early``, ``late``, ``b2b``) and holds the words in each
language (zh-CN, en-US)::

    name: us-consumer
    jurisdictions: [US]
    stages: [early, late]
    languages:
      en-US:
        title: ...                   # {debtor} {agent} {company} {creditor} {balance} {ref}
        steps:                       # in call order
          - {moment: opening, title: ..., say: [...], notes: [...]}
          - {moment: verification, ...}
          - {moment: disclosure, ...}  # read only after right-party verification
          - {moment: ask, ...}
          - {moment: closing, ...}
        objections:                  # every one of OBJECTIONS
          cant_pay: {label: ..., reply: [...], outcome: plan}
          ...

The order is checked, because the law cares about it: the required statement
(the US mini-Miranda, 12 CFR 1006.18(e); the CN/GB identity and recording
notices) is a ``disclosure`` step that must come after ``verification`` —
said to anyone else it would disclose the debt to a third party (1006.6(d)).
The call panel shows it only once the collector confirms the right person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from arrears.core.aging import days_past_due
from arrears.errors import ConfigError
from arrears.kit.yamlio import YamlProblem, read_yaml_file, validation_messages

SCRIPTS = Path(__file__).resolve().parents[3] / "config" / "scripts"
Moment = Literal["opening", "verification", "disclosure", "purpose", "ask", "closing"]
Stage = Literal["pre_due", "early", "late", "b2b"]
OBJECTIONS = ("cant_pay", "already_paid", "not_my_debt", "need_time", "angry")
LANGUAGES = ("zh-CN", "en-US")
LATE_AFTER_DAYS = 30  # past this many days overdue an account is in the late stage


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    moment: Moment
    title: str = Field(min_length=1)
    say: tuple[str, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()


class Objection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    reply: tuple[str, ...] = Field(min_length=1)
    # The disposition this answer usually leads to (pre-selected in the outcome form).
    outcome: str | None = None


class Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    steps: tuple[Step, ...] = Field(min_length=1)
    objections: dict[str, Objection]

    @model_validator(mode="after")
    def _complete(self) -> Words:
        moments = [s.moment for s in self.steps]
        for needed in ("opening", "verification", "ask", "closing"):
            if needed not in moments:
                raise ValueError(f"the script has no '{needed}' step")
        if "disclosure" in moments and moments.index("disclosure") < moments.index("verification"):
            raise ValueError("the disclosure step must come after verification, never before")
        missing = [o for o in OBJECTIONS if o not in self.objections]
        unknown = [o for o in self.objections if o not in OBJECTIONS]
        if missing or unknown:
            raise ValueError(f"objections must be exactly {', '.join(OBJECTIONS)}"
                             f" (missing: {', '.join(missing) or '-'};"
                             f" unknown: {', '.join(unknown) or '-'})")  # fmt: skip
        return self


class ScriptFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    jurisdictions: tuple[str, ...] = Field(min_length=1)
    stages: tuple[Stage, ...] = Field(min_length=1)
    languages: dict[Literal["zh-CN", "en-US"], Words]

    @model_validator(mode="after")
    def _both_languages(self) -> ScriptFile:
        missing = [lang for lang in LANGUAGES if lang not in self.languages]
        if missing:
            raise ValueError(f"the script needs words in {', '.join(missing)} too")
        return self


@dataclass(frozen=True)
class Script:
    """The words of one script in one language, ready for the call panel."""

    name: str
    language: str
    stage: str
    words: Words

    def fill(self, text: str, values: dict[str, str]) -> str:
        """``text`` with its ``{debtor}``, ``{agent}``, ``{company}``, ``{creditor}``,
        ``{balance}`` and ``{ref}`` filled in (an unknown name stays as written)."""
        out = text
        for key, value in values.items():
            out = out.replace("{" + key + "}", value)
        return out


def load_scripts(folder: Path = SCRIPTS) -> tuple[ScriptFile, ...]:
    """Every ``*.yaml`` of ``folder``, validated; ConfigError lists each problem's place."""
    files, problems = [], []
    for path in sorted(folder.glob("*.yaml")):
        try:
            _, document = read_yaml_file(path, "the call script", source=path.name)
        except YamlProblem as exc:
            problems.append(exc.message)
            continue
        try:
            files.append(ScriptFile.model_validate(document.data))
        except ValidationError as exc:
            problems.extend(validation_messages(exc, document, ScriptFile))
    if problems:
        raise ConfigError("\n".join(problems))
    if not files:
        raise ConfigError(f"{folder}: no call script (*.yaml) there")
    return tuple(files)


@lru_cache(maxsize=4)
def bundled(folder: Path = SCRIPTS) -> tuple[ScriptFile, ...]:
    return load_scripts(folder)


def stage_of(*, due_on: date, as_of: date, company: bool) -> str:
    """pre_due before the due date, early for the first month, late after; b2b for companies."""
    if company:
        return "b2b"
    dpd = days_past_due(due_on, as_of)
    if dpd <= 0:
        return "pre_due"
    return "early" if dpd <= LATE_AFTER_DAYS else "late"


def script_for(
    scripts: tuple[ScriptFile, ...], *, jurisdiction: str | None, stage: str, language: str
) -> Script | None:
    """The script of the place (``US-MA`` falls back to ``US``, then ``any``) and stage."""
    place = (jurisdiction or "").upper()
    tries = [place, place.split("-")[0], "ANY"]
    lang = language if language in LANGUAGES else "en-US"
    for want in tries:
        for file in scripts:
            if want in {j.upper() for j in file.jurisdictions} and stage in file.stages:
                return Script(file.name, lang, stage, file.languages[lang])  # type: ignore[index]
    return None
