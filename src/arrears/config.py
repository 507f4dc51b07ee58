"""Settings read from the environment, once, by the entry points.

Only ``cli``, ``web`` and ``sim`` read settings; everything below receives what
it needs as arguments. Defaults give the embedded setup: a SQLite database and
local folders under ``var/``.

Environment variables:

``ARREARS_DATABASE_URL``
    SQLAlchemy URL; default ``sqlite:///var/arrears.db``. PostgreSQL URLs
    (``postgresql://user@host/db``) use the psycopg 3 driver.
``ARREARS_VAR_DIR``
    Folder for the embedded database, reject files, demo files and the
    development key; default ``var``.
``ARREARS_CONFIG_DIR``
    Business configuration: ``strategies/*.yaml``, ``rulebooks/*.yaml`` and
    ``templates/<channel>/*.yaml``; default ``config`` (the folder shipped in
    the repository).
``ARREARS_SECRET_KEY``
    32 bytes, hex-encoded, used to encrypt national identity numbers and to
    derive their search index. When unset, a random key is created once in
    ``<var>/secret.key`` (file mode 0600) — fine for a laptop, but production
    must set it (and keep it out of the repository and logs).
``ARREARS_PUBLIC_URL``
    The address debtors and providers reach ``arrears serve`` at (portal links,
    hosted payment pages' return address); default ``http://127.0.0.1:8000``.
``ARREARS_PORTAL_SECRET`` / ``ARREARS_GATEWAY_SECRET``
    Secrets that sign portal links and payment-gateway webhooks; derived from
    the secret key when unset.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path

from arrears.errors import ConfigError

_KEY_BYTES = 32


@dataclass
class Settings:
    """What the entry points need to compose the application."""

    database_url: str
    var_dir: Path
    config_dir: Path = Path("config")
    # A fixed "now" (ARREARS_NOW, an ISO instant with offset) for demos, simulations and
    # tests that run the CLI at a chosen moment; None: the wall clock.
    fixed_now: datetime | None = None
    public_url: str = "http://127.0.0.1:8000"

    @cached_property
    def secret_key(self) -> bytes:
        """Read (or, on a laptop, create) only when something needs it."""
        return _read_key(self.var_dir)

    @cached_property
    def webhook_secret(self) -> str:
        """The secret providers sign webhooks with (ARREARS_WEBHOOK_SECRET, else derived).

        Derived from the secret key so a laptop needs nothing more; in production the
        provider's own signing secret goes in the environment variable.
        """
        return _derived("ARREARS_WEBHOOK_SECRET", self.secret_key, b"arrears webhooks")

    @cached_property
    def portal_secret(self) -> bytes:
        """Signs the debtor portal's links and session cookies."""
        return _derived("ARREARS_PORTAL_SECRET", self.secret_key, b"arrears portal").encode()

    @cached_property
    def gateway_secret(self) -> str:
        """Signs the sandbox gateway's webhooks (a real gateway's secret is in its config)."""
        return _derived("ARREARS_GATEWAY_SECRET", self.secret_key, b"arrears payment gateway")

    @property
    def documents_dir(self) -> Path:
        """Uploaded documents (dispute evidence) and issued receipts."""
        return self.var_dir / "documents"

    @property
    def strategy_dir(self) -> Path:
        return self.config_dir / "strategies"

    @property
    def rulebook_dir(self) -> Path:
        return self.config_dir / "rulebooks"

    @property
    def template_dir(self) -> Path:
        return self.config_dir / "templates"

    @property
    def reject_dir(self) -> Path:
        return self.var_dir / "rejects"

    @property
    def demo_dir(self) -> Path:
        return self.var_dir / "demo"

    @property
    def letters_dir(self) -> Path:
        """Where letter PDFs and the daily print batches are written."""
        return self.var_dir / "letters"

    @property
    def sandbox_dir(self) -> Path:
        """The local sinks of the development sandboxes (mail folder, SMS log)."""
        return self.var_dir / "sandbox"


def _derived(variable: str, key: bytes, purpose: bytes) -> str:
    """The environment variable's value, else a secret derived from the key for ``purpose``."""
    return os.environ.get(variable) or hmac.new(key, purpose, hashlib.sha256).hexdigest()


def _read_key(var_dir: Path) -> bytes:
    env = os.environ.get("ARREARS_SECRET_KEY")
    if env:
        try:
            key = bytes.fromhex(env.strip())
        except ValueError as exc:
            raise ConfigError("ARREARS_SECRET_KEY must be hex-encoded") from exc
        if len(key) != _KEY_BYTES:
            raise ConfigError(f"ARREARS_SECRET_KEY must be {_KEY_BYTES} bytes (64 hex digits)")
        return key
    path = var_dir / "secret.key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once must not write two keys.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(_KEY_BYTES))
    return bytes.fromhex(path.read_text().strip())


def _default_url(var_dir: Path) -> str:
    return f"sqlite:///{var_dir / 'arrears.db'}"


def load_settings() -> Settings:
    """Read the settings from the environment (not cached)."""
    var_dir = Path(os.environ.get("ARREARS_VAR_DIR", "var"))
    url = os.environ.get("ARREARS_DATABASE_URL") or _default_url(var_dir)
    config_dir = Path(os.environ.get("ARREARS_CONFIG_DIR", "config"))
    return Settings(
        database_url=url, var_dir=var_dir, config_dir=config_dir, fixed_now=_fixed_now(),
        public_url=os.environ.get("ARREARS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
    )  # fmt: skip


def _fixed_now() -> datetime | None:
    text = os.environ.get("ARREARS_NOW")
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"ARREARS_NOW must be an ISO instant, not '{text}'") from exc
    if value.tzinfo is None:
        raise ConfigError("ARREARS_NOW needs a UTC offset, e.g. 2026-11-20T02:00:00+00:00")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests call ``get_settings.cache_clear()``)."""
    return load_settings()
