"""Phone numbers read by number block: one ``phonenumbers`` parse per block, not per number.

``phonenumbers`` decides everything about a number — where its national part
starts, its validity, line type, region and candidate time zones — with the
regular expressions of its metadata (national number patterns, national and
international prefixes, leading digits) and the prefix map of time zones.
Within a *block* — the numbers written in the same region, with the same
characters at the same places (``(ddd) ddd-dddd``) and the same first ``k``
digits — every one of those decisions can be proven to be the same: then the
block's numbers share one reading, except for their last digits, which the
E.164 form carries as written.

:func:`read_by_block` proves it for the block of the number it is asked about
(the first number of a block is parsed with :func:`.contacts.normalize_phone`
and kept as the block's representative) and gives ``None`` — "parse this one
yourself" — whenever it cannot: an unusual character, a region with a national
prefix transform, a pattern outside the regex subset ``regex_nfa`` vouches for, or no
prefix shorter than the number that decides everything.

The proof, for a block of ``digits`` of length ``L`` with prefix ``P = digits[:k]``:

* every place the national number can start (0; after the country code; after a
  national prefix or carrier code, twice) is found by matching the prefix
  patterns, none of which can read past ``P``;
* every national number pattern of every region of the country code, matched
  whole from each of those places, accepts either every or no continuation of
  ``P`` to length ``L`` (a small automaton over the digits, checked exactly);
* the international prefix does not match (the number would leave the region's
  plan), leading digits cannot read past ``P``, the longest time-zone prefix fits
  in it, and the
  national number has a non-zero digit in ``P`` (Italian leading zeros).

``tests/ingest/test_phone_blocks.py`` compares the block reading with the
per-number one over many generated and real-world numbers; the columnar
screening uses the block reading, the row validator the per-number one, and
every import test compares the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata
from phonenumbers.tzdata import TIMEZONE_DATA

from arrears.ingest.normalize.base import FieldProblem, nfkc
from arrears.ingest.normalize.contacts import _IDD_00, PhoneInfo, _phone
from arrears.ingest.normalize.regex_nfa import Automaton, Unsupported, compile_nfa

# Digits and the characters whose handling by phonenumbers depends only on where they
# stand, after an optional +. Anything else (letters, #, /, full-width forms NFKC
# keeps) takes the per-number path.
_PLAIN = re.compile(r"(\+?)([0-9 ().-]*[0-9][0-9 ().-]*)")
_DROP_FORMATTING = str.maketrans("", "", " ().-")
_SHAPE = str.maketrans("0123456789", "dddddddddd")
_BLOCKS_MAX = 1 << 16


@dataclass(frozen=True, slots=True)
class _Block:
    """The reading shared by a block; ``info`` None when the reason is in ``reason``."""

    info: PhoneInfo | None
    reason: str | None
    tail: int  # how many last digits of the number end its E.164 form


_UNDECIDED = _Block(None, None, 0)


def read_by_block(text: str, default_region: str | None) -> PhoneInfo | str | None:
    """What :func:`.contacts._phone` gives for ``text`` (a PhoneInfo or the reason), or
    None when the number's block cannot be proven to decide it."""
    cleaned = _IDD_00.sub("+", nfkc(text))
    plain = _PLAIN.fullmatch(cleaned)
    if plain is None or default_region is None:
        return None
    digits = plain[2].translate(_DROP_FORMATTING)
    shape = (default_region.upper(), cleaned.translate(_SHAPE))
    for k in _SIZES.get(shape, ()):  # the blocks already found for numbers of this shape
        block = _BLOCKS.get((shape, digits[:k]))
        if block is not None and block is not _UNDECIDED:
            return _apply(block, digits)
    length = len(digits)
    for k in _candidate_lengths(length):
        key = (shape, digits[:k])
        block = _BLOCKS.get(key)
        if block is None:
            decisive = _decisive(shape[0], bool(plain[1]), digits[:k], length)
            block = _new_block(text, default_region, digits, k) if decisive else _UNDECIDED
            _remember(key, block)
            if block is not _UNDECIDED:
                _SIZES.setdefault(shape, set()).add(k)  # _remember may have cleared sizes
        if block is not _UNDECIDED:
            return _apply(block, digits)
    return None


def _candidate_lengths(length: int) -> range:
    # Shorter prefixes make bigger blocks; a prefix as long as the number is no block.
    return range(min(3, length), length)


# Blocks by ((region, shape), prefix); _UNDECIDED marks a prefix too short to decide.
# _SIZES keeps the prefix lengths of the blocks found per (region, shape), tried first.
_BLOCKS: dict[tuple[tuple[str, str], str], _Block] = {}
_SIZES: dict[tuple[str, str], set[int]] = {}


def _remember(key: tuple[tuple[str, str], str], block: _Block) -> None:
    if len(_BLOCKS) >= _BLOCKS_MAX:
        clear_blocks()  # a bound on memory; blocks are cheap to find again
    _BLOCKS[key] = block


def clear_blocks() -> None:
    """Forget every block (benchmarks start cold)."""
    _BLOCKS.clear()
    _SIZES.clear()


def _new_block(text: str, default_region: str, digits: str, k: int) -> _Block:
    """The block of prefix ``digits[:k]``, read from ``text``, its first number."""
    found = _phone(text, default_region)
    if isinstance(found, str):
        return _Block(None, found, 0)
    tail = len(digits) - k
    if not found.e164.endswith(digits[k:]):
        return _UNDECIDED  # cannot happen when the proof holds; a guard all the same
    return _Block(found, None, tail)


def _apply(block: _Block, digits: str) -> PhoneInfo | str | None:
    if block.info is None:
        return block.reason
    if block.tail == 0:
        return block.info
    info = block.info
    # The representative's E.164 ends with its own tail; this number's ends with its own.
    e164 = info.e164[: -block.tail] + digits[-block.tail :]
    return PhoneInfo(e164, info.line_type, info.region, info.time_zones)


def _decisive(region: str, plus: bool, prefix: str, length: int) -> bool:
    """Whether every number of ``length`` digits starting with ``prefix``, written in
    ``region``, is read alike by phonenumbers but for its last digits (see the module
    docstring)."""
    try:
        plan = _plan_for(region, plus, prefix)
        if plan is None:
            return False
        starts = _starts(plan, plus, prefix)
        if starts is None:
            return False
        return all(_decided_from(plan, prefix, start, length) for start in starts)
    except Unsupported:
        return False


@dataclass(frozen=True)
class _Plan:
    """What phonenumbers consults for the numbers of one country calling code."""

    code: str
    strip: tuple[tuple[re.Pattern[str], Automaton], ...]  # national prefixes for parsing
    idd: tuple[re.Pattern[str], Automaton] | None  # the region's international prefix
    leading: tuple[Automaton, ...]  # the leading-digits patterns of the code's regions
    national: tuple[Automaton, ...]  # every national number pattern of the code's regions
    zone_width: int  # digits of the national number the time-zone map may read


def _plan_for(region: str, plus: bool, prefix: str) -> _Plan | None:
    if plus:
        code = _country_code(prefix)
        if code is None:
            return None
        return _code_plan(code, None)
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or metadata.country_code is None:
        return None
    return _code_plan(metadata.country_code, region)


def _country_code(digits: str) -> int | None:
    """The calling code a number written with + starts with, as phonenumbers finds it."""
    if not digits or digits[0] == "0":
        return None
    for size in range(1, 4):
        if len(digits) >= size and int(digits[:size]) in COUNTRY_CODE_TO_REGION_CODE:
            return int(digits[:size])
    return None


@lru_cache(maxsize=256)
def _code_plan(code: int, region: str | None) -> _Plan | None:
    """The plan of calling code ``code`` for numbers written in ``region`` (None: with +);
    None when phonenumbers' metadata for it uses what the automata do not read (the
    None is remembered, so those numbers go the per-number way at once)."""
    try:
        return _build_plan(code, region)
    except Unsupported:
        return None


def _build_plan(code: int, region: str | None) -> _Plan | None:
    regions = COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    found = [_metadata(code, r) for r in regions]
    metadatas = [m for m in found if m is not None]
    if not metadatas or len(metadatas) < len(found):
        return None
    main = metadatas[0]  # phonenumbers' region_code_for_country_code
    own = PhoneMetadata.metadata_for_region(region, None) if region else None
    # Parsing strips national prefixes with the region's metadata or the main region's.
    strippers = [m for m in (main, own) if m is not None]
    if any(m.national_prefix_transform_rule for m in strippers):
        return None
    strip = {m.national_prefix_for_parsing for m in strippers if m.national_prefix_for_parsing}
    idd = own.international_prefix if own is not None else None
    patterns: set[str] = set()
    for metadata in metadatas:
        patterns |= _national_patterns(metadata)
    leading = [m.leading_digits for m in metadatas if m.leading_digits]
    return _Plan(
        code=str(code),
        strip=tuple(_at_start(p) for p in sorted(strip)),
        idd=_at_start(idd) if idd else None,
        leading=tuple(compile_nfa(p) for p in sorted(set(leading))),
        national=tuple(compile_nfa(p) for p in sorted(patterns)),
        zone_width=_zone_width(str(code)),
    )


def _metadata(code: int, region: str) -> PhoneMetadata | None:
    if region == "001":
        return PhoneMetadata.metadata_for_nongeo_region(code, None)
    return PhoneMetadata.metadata_for_region(region, None)


_DESCS = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
          "personal_number", "voip", "pager", "uan", "voicemail")  # fmt: skip


def _national_patterns(metadata: PhoneMetadata) -> set[str]:
    found = set()
    for name in _DESCS:
        desc = getattr(metadata, name, None)
        pattern = getattr(desc, "national_number_pattern", None)
        if pattern:
            found.add(pattern)
    return found


def _at_start(pattern: str) -> tuple[re.Pattern[str], Automaton]:
    """A pattern phonenumbers applies with ``re.match``, and its automaton."""
    return re.compile(pattern), compile_nfa(pattern)


@lru_cache(maxsize=256)
def _zone_width(code: str) -> int:
    longest = max((len(k) for k in TIMEZONE_DATA if k.startswith(code)), default=len(code))
    return max(longest - len(code), 0)


def _starts(plan: _Plan, plus: bool, prefix: str) -> set[int] | None:
    """Every place the national number may start, or None when the prefix is too short
    to tell or the number leaves the region's plan."""
    if plus:
        starts = {len(plan.code)}
    else:
        if plan.idd is not None:
            pattern, nfa = plan.idd
            if not nfa.exhausted(prefix) or pattern.match(prefix):
                return None
        starts = {0}
        if prefix.startswith(plan.code):
            starts.add(len(plan.code))
    for _ in range(3):  # a national prefix stripped after a country code, then again
        more = set(starts)
        for start in starts:
            for pattern, nfa in plan.strip:
                if not nfa.exhausted(prefix[start:]):
                    return None
                match = pattern.match(prefix[start:])
                if match is not None:
                    more.add(start + match.end())
        if more == starts:
            break
        starts = more
    return starts


def _decided_from(plan: _Plan, prefix: str, start: int, length: int) -> bool:
    """Whether what is read from ``start`` is fixed by the prefix: leading digits and the
    time-zone prefix fit in it, its leading zeros end in it, and every pattern accepts
    every or no continuation."""
    known = prefix[start:]
    if len(known) < plan.zone_width or not known.strip("0"):
        return False
    if not all(nfa.exhausted(known) for nfa in plan.leading):
        return False
    rest = length - len(prefix)
    return all(nfa.decided(known, rest) is not None for nfa in plan.national)


def normalize_phone_by_block(text: str, default_region: str | None) -> PhoneInfo:
    """:func:`.contacts.normalize_phone`, reading the number by its block when it can."""
    found = read_by_block(text, default_region)
    if found is None:
        found = _phone(text, default_region)
    if isinstance(found, str):
        raise FieldProblem(found)
    return found
