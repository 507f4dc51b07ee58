"""Compliance: the rulebooks, one implementation of each rule, and the engine.

Rules are Polars expressions over a frame of proposed contacts (one row per
contact) and a frame of contact history; the daily plan evaluates millions of
rows at once, and the send-time gate, the workbench and
``arrears compliance check`` evaluate a one-row frame through the same code.
Rules return findings (verdicts), they never raise.

The public API:

- :func:`arrears.compliance.engine.evaluate` ``(contacts, history, rulebooks) ->
  Evaluation`` with ``.findings`` (:data:`model.FINDINGS`), ``.decisions``
  (:data:`model.DECISIONS`, one row per contact) and ``.rulebooks`` (versions);
- :func:`arrears.compliance.rulebooks.load_rulebooks` ``(directory=None) ->
  Rulebooks`` (``config/rulebooks/*.yaml``; ``.versions()``, ``.stamp()``);
- :func:`arrears.compliance.check.check_contact` ``(payload, rulebooks) -> dict``:
  one contact in the public contact-check format, through the same engine;
- :func:`arrears.compliance.facts.frames` ``(CheckInput) -> (contacts, history)``.

Modules: ``zones`` (local time, DST-safe), ``places`` (zones of places),
``frames`` (what rules read), ``rules/`` (one module per family), ``findings``,
``catalogue`` (ids, citations), ``schemas`` (the check's input), ``content/``
(what a text may say).
"""
