"""National ids: encrypted and blind-indexed with keys derived from one secret; the
cipher travels to worker processes as those keys, never as the secret."""

from __future__ import annotations

import pickle

import pytest

from arrears.kit.crypto import FieldCipher

SECRET = b"a secret of thirty-two bytes!!!!"


def test_a_pickled_cipher_indexes_and_decrypts_as_the_original():
    cipher = FieldCipher(SECRET)
    copy = pickle.loads(pickle.dumps(cipher))
    assert copy.blind_index("11010519491231002X") == cipher.blind_index("11010519491231002X")
    assert copy.decrypt(cipher.encrypt("11010519491231002X")) == "11010519491231002X"
    assert cipher.decrypt(copy.encrypt("123-45-6789")) == "123-45-6789"


def test_the_secret_is_never_pickled_nor_shown():
    cipher = FieldCipher(SECRET)
    assert SECRET not in pickle.dumps(cipher)
    assert repr(cipher) == "FieldCipher(...)"


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="16 bytes"):
        FieldCipher(b"short")
