"""YAML configuration files that report problems where the author can find them.

Configuration is data a person edits (strategies, rulebooks, mappings); a typo
must be answered with the file, the line and the field, e.g.
``strategies/cn.yaml line 42: segments[1].steps[0].action: ...``.

:func:`parse_yaml` keeps the node tree of the document beside the data (one
parse), refuses repeated keys (PyYAML silently keeps the last one), and
:class:`YamlDocument` turns a location — a tuple of keys and list indexes such
as pydantic reports — into a line number. :func:`validation_messages` formats a
pydantic ``ValidationError`` that way.

This module sits in the base tier and knows no arrears exception: problems are
raised as :class:`YamlProblem` (a ``ValueError``) and callers wrap them in
their own error type.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import yaml
from pydantic import BaseModel, ValidationError

Location = tuple[str | int, ...]


class YamlProblem(ValueError):
    """A document that cannot be read; the message names the source and line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class YamlDocument:
    """The data of a YAML document and the node tree it was built from."""

    source: str
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: Sequence[str | int]) -> int:
        """1-based line of the deepest part of ``loc`` that exists in the document."""
        node = self.root
        if node is None:
            return 1
        line = node.start_mark.line + 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            line, node = child
        return line

    def problem(self, loc: Sequence[str | int], message: str) -> str:
        """``"source line N: a.b[2].c: message"``."""
        return f"{self.source} line {self.line_of(loc)}: {format_location(loc)}: {message}"


def _child(node: yaml.Node, part: str | int) -> tuple[int, yaml.Node] | None:
    """(line, node) of one key or index below ``node``; the key's line for mappings."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                return key.start_mark.line + 1, value
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item = node.value[part]
        return item.start_mark.line + 1, item
    return None


def format_location(loc: Sequence[str | int]) -> str:
    """``("segments", 1, "steps", 0, "id")`` as ``segments[1].steps[0].id``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top)"


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document keeping its nodes; YamlProblem on bad YAML or repeated keys."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        _refuse_repeated_keys(source, root)
        data = loader.construct_document(root) if root is not None else None
        return YamlDocument(source=source, data=data, root=root)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise YamlProblem(f"{source} line {line}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"{source}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def read_yaml_file(
    path: str | Path, what: str, source: str | None = None
) -> tuple[bytes, YamlDocument]:
    """The bytes of a YAML file (for its digest) and its parsed document; YamlProblem naming the
    file when it cannot be read, is not UTF-8 or is not valid YAML. ``what`` names the file in
    messages ("the strategy file"); ``source`` is how messages name it (default: the path)."""
    name = source or str(path)
    try:
        content = Path(path).read_bytes()
        return content, parse_yaml(content.decode("utf-8"), name)
    except OSError as exc:
        raise YamlProblem(f"{name}: cannot read {what} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise YamlProblem(f"{name}: {what} is not UTF-8 text") from None


def _refuse_repeated_keys(source: str, node: yaml.Node | None) -> None:
    # PyYAML keeps the last of two equal keys silently: half of what was written is lost.
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if key.value in seen:
                raise YamlProblem(
                    f"{source} line {line}: key '{key.value}' appears twice "
                    f"(first on line {seen[key.value]})"
                )
            seen[key.value] = line
            _refuse_repeated_keys(source, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_repeated_keys(source, item)


def validation_messages(
    exc: ValidationError, document: YamlDocument, model: type[BaseModel] | None = None
) -> list[str]:
    """One ``"source line N: field: message"`` line per pydantic error.

    With ``model`` (the class that was validated), an unknown key is answered
    with the keys that are allowed at that place.
    """
    lines = []
    for error in exc.errors():
        loc = clean_location(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            allowed = expected_keys(model, loc[:-1]) if model is not None else None
            message = "unknown key" + (
                f"; expected one of: {', '.join(allowed)}" if allowed else ""
            )
        lines.append(document.problem(loc, message))
    return lines


def clean_location(loc: Sequence[Any]) -> Location:
    """A pydantic location without its internal markers (``[key]``, union member tags)."""
    parts: list[str | int] = []
    for part in loc:
        if part == "[key]" or (isinstance(part, str) and part.startswith(("function-", "tagged"))):
            continue
        parts.append(part if isinstance(part, int) else str(part))
    return tuple(parts)


def expected_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str] | None:
    """The field names of the model found at ``loc`` below ``model`` (None if not a model)."""
    current: Any = model
    for part in loc:
        current = _inner(current, part)
        if current is None:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _inner(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return None if field is None else field.annotation
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (list, tuple) and args and isinstance(part, int):
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` as ``X``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation
