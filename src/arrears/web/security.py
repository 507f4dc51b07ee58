"""What every response of the web app needs: security headers and error pages.

(Filled in with the debtor portal: strict content security policy, no caching of
personal data, plain 4xx pages that reveal nothing.)
"""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Add the security middleware and error handlers to ``app``."""
