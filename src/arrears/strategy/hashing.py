"""A stable hash for experiment assignment: MurmurHash3 (x86, 32 bit) in Polars.

Champion/challenger arms must not change between runs, machines, Python or
Polars versions: an account that got the challenger yesterday gets it today.
Python's ``hash()`` is salted per process, and ``pl.Expr.hash`` is documented
as stable only within one Polars version, so neither will do.

We compute the published MurmurHash3_x86_32 algorithm (Austin Appleby, public
domain) with plain integer arithmetic on Polars columns:

* the key is the 8 bytes of ``account_id`` (Int64, two's complement, little
  endian) — two 32-bit blocks;
* the seed is the first 4 bytes (little endian) of SHA-256 of
  ``"arrears/experiment/" + experiment id``, so two experiments split the same
  accounts independently;
* the unit value is ``hash / 2**32`` in [0, 1); arms take consecutive slices of
  [0, 1) by their shares, in the order the file lists them.

Every intermediate value is kept below 2**32 and every product below 2**64 in
UInt64 columns, so no step relies on overflow behaviour. :func:`murmur3_32` is
the same algorithm in pure Python (the reference the tests compare against and
that anyone can re-implement to audit an assignment).
"""

from __future__ import annotations

import hashlib

import polars as pl

_MASK = 0xFFFFFFFF
_C1, _C2 = 0xCC9E2D51, 0x1B873593
_F1, _F2 = 0x85EBCA6B, 0xC2B2AE35
_N = 0xE6546B64
_TWO_32 = float(2**32)


def experiment_seed(experiment_id: str) -> int:
    """The 32-bit seed of an experiment's hash."""
    digest = hashlib.sha256(f"arrears/experiment/{experiment_id}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def unit_interval(account_id: pl.Expr, seed: int) -> pl.Expr:
    """MurmurHash3_x86_32 of each Int64 id's 8 bytes with ``seed``, scaled to [0, 1)."""
    key = account_id.cast(pl.Int64).reinterpret(signed=False)
    low = key & _u(_MASK)
    high = key // _u(2**32)
    h = _u(seed)
    for block in (low, high):
        h = h ^ _scramble(block)
        h = _rotl(h, 13)
        h = (h * _u(5) + _u(_N)) & _u(_MASK)
    h = _fmix(h ^ _u(8))  # 8: the key's length in bytes
    return h.cast(pl.Float64) / _TWO_32


def _u(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.UInt64)


def _mul(x: pl.Expr, constant: int) -> pl.Expr:
    # x < 2**32 and constant < 2**32: the product fits in 64 bits; keep the low 32.
    return (x * _u(constant)) & _u(_MASK)


def _rotl(x: pl.Expr, bits: int) -> pl.Expr:
    return ((x * _u(2**bits)) & _u(_MASK)) | (x // _u(2 ** (32 - bits)))


def _scramble(block: pl.Expr) -> pl.Expr:
    return _mul(_rotl(_mul(block, _C1), 15), _C2)


def _fmix(h: pl.Expr) -> pl.Expr:
    h = h ^ (h // _u(2**16))
    h = _mul(h, _F1)
    h = h ^ (h // _u(2**13))
    h = _mul(h, _F2)
    return h ^ (h // _u(2**16))


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3_x86_32 of ``data`` in pure Python (the reference implementation)."""
    h = seed & _MASK
    whole = len(data) - len(data) % 4
    for i in range(0, whole, 4):
        h ^= _py_scramble(int.from_bytes(data[i : i + 4], "little"))
        h = _py_rotl(h, 13)
        h = (h * 5 + _N) & _MASK
    tail = data[whole:]
    if tail:
        h ^= _py_scramble(int.from_bytes(tail, "little"))
    h ^= len(data)
    h ^= h >> 16
    h = (h * _F1) & _MASK
    h ^= h >> 13
    h = (h * _F2) & _MASK
    return h ^ (h >> 16)


def _py_scramble(k: int) -> int:
    k = (k * _C1) & _MASK
    k = _py_rotl(k, 15)
    return (k * _C2) & _MASK


def _py_rotl(x: int, bits: int) -> int:
    return ((x << bits) | (x >> (32 - bits))) & _MASK


def account_unit(account_id: int, experiment_id: str) -> float:
    """The unit value of one account in one experiment (pure Python, for audits)."""
    key = account_id.to_bytes(8, "little", signed=True)
    return murmur3_32(key, experiment_seed(experiment_id)) / _TWO_32
