"""The debtor portal: links, sessions, disputes, documents and contact preferences."""

from __future__ import annotations
