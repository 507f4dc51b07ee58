"""Field-level encryption for identifiers (national id numbers).

A national id is stored twice, never in clear: encrypted with AES-GCM (so an
authorised role can read it back) and as a keyed blind index (HMAC-SHA256), so
the importer can match debtors by id without decrypting every row. Both keys
are derived from the one secret the operator provides; neither is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


class FieldCipher:
    """Encrypts and indexes short identifiers with keys derived from one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the secret must have at least 16 bytes")
        self._keys(
            hmac.digest(secret, b"arrears/field-encryption", "sha256"),
            hmac.digest(secret, b"arrears/blind-index", "sha256"),
        )

    def _keys(self, field_key: bytes, index_key: bytes) -> None:
        self._field_key, self._index_key = field_key, index_key
        self._aead = AESGCM(field_key)

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes]]:
        # Pickled (for the import's validation workers, over the pool's pipe) as the two
        # derived keys, never the secret; the AES-GCM object itself does not pickle.
        return _from_keys, (self._field_key, self._index_key)

    def __repr__(self) -> str:
        return "FieldCipher(...)"  # no key in a log or a traceback

    def encrypt(self, value: str) -> str:
        """Nonce and ciphertext, hex-encoded."""
        nonce = os.urandom(_NONCE)
        return (nonce + self._aead.encrypt(nonce, value.encode(), None)).hex()

    def decrypt(self, token: str) -> str:
        raw = bytes.fromhex(token)
        return self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], None).decode()

    def blind_index(self, value: str) -> str:
        """A stable keyed digest for equality search."""
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()[:32]


def _from_keys(field_key: bytes, index_key: bytes) -> FieldCipher:
    cipher = FieldCipher.__new__(FieldCipher)
    cipher._keys(field_key, index_key)
    return cipher


def mask(value: str | None, keep: int = 4) -> str:
    """Show only the last ``keep`` characters: ``**************123X``."""
    if not value:
        return ""
    return "*" * max(0, len(value) - keep) + value[-keep:]
