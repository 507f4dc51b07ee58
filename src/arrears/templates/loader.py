"""Reading template files: validated, compiled and checked, with file:line errors.

``load_templates(folder)`` reads ``folder/<channel>/<name>.yaml``, one template
per file, and refuses the whole folder when any file has a problem, listing
every problem as ``file line N: field: message``:

* not YAML, a repeated key, an unknown key, a missing or wrongly typed field;
* a file outside a channel folder, a folder that is not the template's
  channel, a file name that is not the template's name, a name used twice;
* a subject where the channel has none (or none on an e-mail), ``html`` outside
  an e-mail, a ``voicemail`` that is not a voicemail template;
* Jinja: a syntax error, an unknown filter, a variable that is not in the
  catalogue (:mod:`.variables`), ``include``/``extends``/``import``, or an
  attribute starting with ``_`` (the sandbox would refuse it when rendering);
* a ``reviewed`` rule id the content checker does not know.

Then every template is checked with the sample values (:mod:`.check`); a
template that fails stays in the catalogue, inactive.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2 import meta, nodes
from pydantic import ValidationError

from arrears.compliance.content.lexicon import default_lexicon
from arrears.kit.yamlio import (
    YamlDocument,
    YamlProblem,
    format_location,
    parse_yaml,
    validation_messages,
)
from arrears.templates.catalogue import TemplateCatalogue
from arrears.templates.check import check_catalogue
from arrears.templates.environment import html_environment, text_environment
from arrears.templates.errors import TemplateFileError
from arrears.templates.model import PARTS, LocaleText, Template
from arrears.templates.render import covers
from arrears.templates.schema import CHANNELS, SUBJECT_CHANNELS, LocaleSpec, TemplateSpec
from arrears.templates.variables import CATALOGUE, COMPLIANCE_VARIABLES

_SUFFIXES = (".yaml", ".yml")
_FORBIDDEN_NODES = (nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)


def load_templates(folder: Path | str) -> TemplateCatalogue:
    """Every template of ``folder``, validated and checked (see the module doc)."""
    root = Path(folder)
    if not root.is_dir():
        raise TemplateFileError([f"{root}: no such template folder"])
    problems: list[str] = []
    templates: list[Template] = []
    for path in sorted(p for p in root.rglob("*") if p.suffix in _SUFFIXES and p.is_file()):
        try:
            templates.append(load_template_file(path, root))
        except TemplateFileError as exc:
            problems.extend(exc.problems)
    problems += _cross_problems(templates)
    if problems:
        raise TemplateFileError(problems)
    catalogue = check_catalogue(templates)
    catalogue.folder = root
    return catalogue


def load_template_file(path: Path, root: Path | None = None) -> Template:
    """One template file, validated and compiled (not yet content-checked)."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateFileError([f"{source}: cannot read ({exc.__class__.__name__})"]) from exc
    try:
        document = parse_yaml(text, source)
    except YamlProblem as exc:
        raise TemplateFileError([exc.message]) from None
    if not isinstance(document.data, dict):
        raise TemplateFileError([f"{source} line 1: a template file is a mapping of keys"])
    try:
        spec = TemplateSpec.model_validate(document.data)
    except ValidationError as exc:
        raise TemplateFileError(validation_messages(exc, document, TemplateSpec)) from None
    problems = _placement(spec, path, root, document)
    problems += _fit(spec, document)
    problems += _reviewed(spec, document)
    locales: dict[str, LocaleText] = {}
    for locale, words in spec.locales.items():
        compiled, found = _compile(spec, locale, words, document)
        problems += found
        if compiled is not None:
            locales[locale] = compiled
    if problems:
        raise TemplateFileError(problems)
    return Template(
        name=spec.name,
        channel=spec.channel,
        purpose=spec.purpose,
        purpose_zh=spec.purpose_zh,
        jurisdictions=tuple(spec.jurisdictions),
        locales=locales,
        audience=spec.audience,
        initial_communication=spec.initial_communication,
        for_time_barred_debts=spec.for_time_barred_debts,
        for_validation_period=spec.for_validation_period,
        fallback=spec.fallback,
        reviewed=frozenset(spec.reviewed),
        voicemail=spec.voicemail,
        notes=spec.notes,
        source=source,
        line=document.line_of(("name",)),
    )


# --------------------------------------------------------------------------- file checks


def _placement(spec: TemplateSpec, path: Path, root: Path | None, doc: YamlDocument) -> list[str]:
    problems = []
    if path.stem != spec.name:
        problems.append(doc.problem(("name",), f"the file of template '{spec.name}' must be "
                                    f"called {spec.name}{path.suffix}"))  # fmt: skip
    if root is not None:
        parts = path.relative_to(root).parts
        if len(parts) != 2 or parts[0] not in CHANNELS:
            problems.append(
                f"{doc.source}: put template files in a channel folder: "
                f"{root}/<{'|'.join(CHANNELS)}>/{path.name}"
            )
        elif parts[0] != spec.channel:
            problems.append(
                doc.problem(
                    ("channel",),
                    f"a {spec.channel} template in the {parts[0]}/ folder: move it to "
                    f"{spec.channel}/ or correct the channel",
                )
            )
    return problems


def _fit(spec: TemplateSpec, doc: YamlDocument) -> list[str]:
    problems = []
    if spec.voicemail is not None and spec.channel != "call":
        problems.append(doc.problem(("voicemail",), "only a call template names a voicemail"))
    for locale, words in spec.locales.items():
        at = ("locales", locale)
        if words.subject is None and spec.channel == "email":
            problems.append(doc.problem(at, "an e-mail needs a subject"))
        if words.subject is not None and spec.channel not in SUBJECT_CHANNELS:
            problems.append(doc.problem((*at, "subject"), f"a {spec.channel} has no subject"))
        if words.html is not None and spec.channel != "email":
            problems.append(
                doc.problem((*at, "html"), "html is an e-mail part (a letter's body is its HTML)")
            )
    return problems


def _reviewed(spec: TemplateSpec, doc: YamlDocument) -> list[str]:
    known = default_lexicon().citations
    return [
        doc.problem(("reviewed", i), f"'{rule}' is not a rule of the content checker")
        for i, rule in enumerate(spec.reviewed)
        if rule not in known
    ]


def _cross_problems(templates: list[Template]) -> list[str]:
    problems = []
    by_name: dict[str, Template] = {}
    for template in templates:
        first = by_name.setdefault(template.name, template)
        if first is not template:
            problems.append(
                f"{template.source} line {template.line}: name: '{template.name}' is also "
                f"the name of {first.source}"
            )
    for template in templates:
        if template.voicemail is None:
            continue
        target = by_name.get(template.voicemail)
        where = f"{template.source}: voicemail"
        if target is None:
            problems.append(f"{where}: no template named '{template.voicemail}'")
        elif target.channel != "voicemail":
            problems.append(f"{where}: '{target.name}' is a {target.channel} template")
        else:
            uncovered = [j for j in template.jurisdictions if not covers(target.jurisdictions, j)]
            if uncovered:
                problems.append(f"{where}: '{target.name}' is not for {', '.join(uncovered)}")
    return problems


# --------------------------------------------------------------------------- Jinja


def _compile(
    spec: TemplateSpec, locale: str, words: LocaleSpec, doc: YamlDocument
) -> tuple[LocaleText | None, list[str]]:
    problems: list[str] = []
    compiled: dict[str, jinja2.Template] = {}
    variables: set[str] = set()
    optional: set[str] = set()
    lines: dict[str, int] = {}
    for part in PARTS:
        source = getattr(words, part)
        if source is None:
            continue
        loc = ("locales", locale, part)
        first = _first_line(doc, loc)
        lines[part] = first
        html = part == "html" or (part == "body" and spec.channel == "letter")
        env = html_environment() if html else text_environment()
        found = _jinja_problems(env, source, part, first, doc, loc)
        if found:
            problems += found
            continue
        compiled[part] = env.from_string(source)
        tree = env.parse(source)
        variables |= meta.find_undeclared_variables(tree)
        optional |= _guarded(tree)
    if problems:
        return None, problems
    return (
        LocaleText(
            locale=locale,
            subject=words.subject,
            body=words.body,
            html=words.html,
            compiled=compiled,
            variables=frozenset(variables),
            lines=lines,
            optional=frozenset(optional),
        ),
        [],
    )


def _jinja_problems(
    env: jinja2.Environment,
    source: str,
    part: str,
    first: int,
    doc: YamlDocument,
    loc: tuple[str, ...],
) -> list[str]:
    where = f"{doc.source} line {{line}}: {format_location(loc)}: "
    try:
        tree = env.parse(source)
        env.compile(tree)  # unknown filters and tests are found here
    except jinja2.TemplateSyntaxError as exc:
        line = first + (exc.lineno or 1) - 1
        return [where.format(line=line) + f"Jinja: {exc.message}"]
    problems = []
    for name in sorted(meta.find_undeclared_variables(tree)):
        line = first + _line_of_name(tree, name) - 1
        if name not in CATALOGUE:
            problems.append(
                where.format(line=line)
                + f"'{name}' is not a template variable (see docs/templates.md)"
            )
        elif part == "subject" and name in COMPLIANCE_VARIABLES:
            problems.append(
                where.format(line=line) + f"'{name}' belongs in the body, not the subject"
            )
    for node, message in _unsafe(tree):
        problems.append(where.format(line=first + (node.lineno or 1) - 1) + message)
    return problems


def _guarded(tree: nodes.Template) -> set[str]:
    """Variables named under ``is defined`` / ``is undefined`` or ``| default(...)``."""
    found: set[str] = set()
    for test in tree.find_all(nodes.Test):
        if test.name in ("defined", "undefined") and isinstance(test.node, nodes.Name):
            found.add(test.node.name)
    for flt in tree.find_all(nodes.Filter):
        if flt.name in ("default", "d") and isinstance(flt.node, nodes.Name):
            found.add(flt.node.name)
    return found


def _line_of_name(tree: nodes.Template, name: str) -> int:
    for node in tree.find_all(nodes.Name):
        if node.name == name:
            return node.lineno or 1
    return 1


def _unsafe(tree: nodes.Template) -> Iterator[tuple[nodes.Node, str]]:
    for node in tree.find_all(_FORBIDDEN_NODES):
        kind = type(node).__name__.lower()
        yield node, f"'{kind}' is not allowed: a template is one self-contained file"
    for attr in tree.find_all(nodes.Getattr):
        if attr.attr.startswith("_"):
            yield attr, f"'.{attr.attr}': attributes starting with _ are refused by the sandbox"
    for item in tree.find_all(nodes.Getitem):
        key: Any = item.arg.value if isinstance(item.arg, nodes.Const) else None
        if isinstance(key, str) and key.startswith("_"):
            yield item, f"'[{key!r}]': attributes starting with _ are refused by the sandbox"


def _first_line(doc: YamlDocument, loc: tuple[str, ...]) -> int:
    """The file line of the first line of the text at ``loc``."""
    node = _node(doc.root, loc)
    if node is None:
        return doc.line_of(loc)
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        return line + 1  # a block scalar starts on the line after its indicator
    return line


def _node(root: yaml.Node | None, loc: tuple[str, ...]) -> yaml.Node | None:
    node = root
    for part in loc:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if str(k.value) == part), None)
    return node
