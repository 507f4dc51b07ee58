"""Compliance: the rulebooks, one implementation of each rule, and the engine.

Rules are Polars expressions over a frame of proposed contacts (one row per
contact) and a frame of contact history; the daily plan evaluates millions of
rows at once, and the send-time gate, the workbench and
``arrears compliance check`` evaluate a one-row frame through the same code.
Rules return findings (verdicts), they never raise.
"""
