"""Promises, payment plans and their instalments, settlements and deferrals."""

from __future__ import annotations
