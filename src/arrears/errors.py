"""One exception tree for the whole product.

Every error a user can meet derives from :class:`ArrearsError`. It carries a
message a person understands and a ``code`` the entry points map to an exit
status or an HTTP status. Expected problems (bad input, unknown client,
illegal state change) are never shown as tracebacks.

A message may be a template with named values (``InvalidInput("this
disposition needs %(what)s", what="an amount")``): ``message`` is the English
text for logs and the command line, while a page translates ``message_id`` and
fills in ``values`` in the reader's language
(:meth:`arrears.ui.i18n.Translator.error`).
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for the catalogues; translated later, where it is shown.

    Defined here, at the base, so that pure code (``core``) can mark the
    templates of the errors it raises without depending on the user interface.
    """
    return message


class ArrearsError(Exception):
    """Base of every error arrears raises on purpose."""

    code: str = "error"
    http_status: int = 400

    def __init__(self, message: str, **values: object) -> None:
        self.message_id = message
        self.values = values
        self.message = message % values if values else message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InvalidInput(ArrearsError):
    """Input that does not follow the documented format."""

    code = "invalid_input"
    http_status = 422


class NotFound(ArrearsError):
    """A named thing (client, account, file) does not exist."""

    code = "not_found"
    http_status = 404


class Conflict(ArrearsError):
    """The request contradicts the current state."""

    code = "conflict"
    http_status = 409


class IllegalTransition(Conflict):
    """An account cannot move from one lifecycle state to another."""

    code = "illegal_transition"

    def __init__(self, source: str, target: str) -> None:
        super().__init__(f"an account cannot go from '{source}' to '{target}'")
        self.source = source
        self.target = target


class CurrencyMismatch(InvalidInput):
    """Two amounts in different currencies were combined."""

    code = "currency_mismatch"

    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine amounts in {left} and {right}")
        self.left = left
        self.right = right


class UnknownCurrency(InvalidInput):
    """A currency code that is not a known ISO 4217 code."""

    code = "unknown_currency"

    def __init__(self, code: str) -> None:
        super().__init__(f"'{code}' is not a known ISO 4217 currency code")
        self.currency = code


class ImportFileError(InvalidInput):
    """A portfolio file that cannot be read at all (as opposed to a bad row)."""

    code = "import_file"


class ConfigError(InvalidInput):
    """A configuration file (mapping, strategy, rulebook) that is not valid."""

    code = "config"


class InvalidSignature(ArrearsError):
    """A webhook whose signature is missing, wrong or too old (a replay)."""

    code = "invalid_signature"
    http_status = 401
