"""Disputes, documents and contact preferences."""

from __future__ import annotations
