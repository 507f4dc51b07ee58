"""Message templates: SMS, e-mail, call scripts, voicemails (and letters), bilingual.

One YAML file per template under ``config/templates/<channel>/<name>.yaml``
(format: ``docs/templates.md``). Templates are Jinja2 texts rendered in a
sandbox with the documented variables only (:mod:`.variables`); the
disclosures the law requires are added by the compliance layer, never written
by the author (:mod:`arrears.compliance.content.required`); the final text is
checked by the content checker when the template is loaded (with sample
values) and again every time it is rendered.

    >>> from pathlib import Path
    >>> catalogue = load_templates(Path("config/templates"))       # doctest: +SKIP
    >>> template = catalogue.get("cn_overdue_d1")                  # doctest: +SKIP
    >>> context = RenderContext("sms", ("CN",), sender="星河消费金融")  # doctest: +SKIP
    >>> render(template, "zh-CN", sample_variables("zh-CN"), context).text  # doctest: +SKIP
    '【星河消费金融】张先生您好，……退订回T'
"""

from __future__ import annotations

from arrears.templates.catalogue import TemplateCatalogue
from arrears.templates.check import check_catalogue, check_template
from arrears.templates.errors import (
    TemplateBlocked,
    TemplateFileError,
    TemplateRenderError,
    UnknownTemplate,
)
from arrears.templates.loader import load_template_file, load_templates
from arrears.templates.model import LocaleText, Template, TemplateFinding
from arrears.templates.render import RenderContext, Rendered, preview, render
from arrears.templates.variables import CATALOGUE, VARIABLES, Variable, sample_variables

__all__ = [
    "CATALOGUE",
    "VARIABLES",
    "LocaleText",
    "RenderContext",
    "Rendered",
    "Template",
    "TemplateBlocked",
    "TemplateCatalogue",
    "TemplateFileError",
    "TemplateFinding",
    "TemplateRenderError",
    "UnknownTemplate",
    "Variable",
    "check_catalogue",
    "check_template",
    "load_template_file",
    "load_templates",
    "preview",
    "render",
    "sample_variables",
]
