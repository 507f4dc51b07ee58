"""Phones read by number block give exactly what one phonenumbers parse per number gives.

The per-number reading (``contacts._phone``, the row validator's) is the
reference. Each scenario reads a number and many of its neighbours — the same
notation with other last digits, so they fall in the blocks the first ones
opened — and compares every reading, valid or not, with the reference.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from arrears.ingest.normalize import FieldProblem, normalize_phone, normalize_phone_by_block
from arrears.ingest.normalize import phone_blocks as blocks
from arrears.ingest.normalize.contacts import _phone
from arrears.ingest.normalize.regex_nfa import Unsupported, compile_nfa

# Real-world shapes: (region the row gives, number as written).
WRITTEN = [
    # China: mobiles of every operator, with and without +86 / 0086 / 86, spaced and dashed.
    ("CN", "13812345678"), ("CN", "17616418825"), ("CN", "19912345678"),
    ("CN", "14512345678"), ("CN", "16612345678"), ("CN", "1740012345"),
    ("CN", "+86 138 1234 5678"), ("CN", "0086 13812345678"), ("CN", "8613812345678"),
    ("CN", "+8613812345678"), ("US", "+86-138-1234-5678"), ("GB", "0086 176 1641 8825"),
    # China: fixed lines with area codes (2- and 3-digit), 7- and 8-digit locals.
    ("CN", "010-12345678"), ("CN", "(010) 6552 9988"), ("CN", "021 5012 3456"),
    ("CN", "0755-26543210"), ("CN", "0371 1234567"), ("CN", "0898-66123456"),
    ("CN", "+86 10 6552 9988"), ("CN", "+86 (0)10 6552 9988"), ("CN", "86 10 65529988"),
    ("CN", "400 810 8888"), ("CN", "95588"), ("CN", "12345678"),
    # China: carrier selection codes before a number.
    ("CN", "17951 13812345678"), ("CN", "12593 010 12345678"), ("CN", "11808 13812345678"),
    # United States and the rest of NANPA.
    ("US", "(212) 555-0142"), ("US", "212-555-0199"), ("US", "212.555.0100"),
    ("US", "1 212 555 0142"), ("US", "1-212-555-0142"), ("US", "+1 (415) 555-0132"),
    ("US", "2125550142"), ("US", "12125550142"), ("US", "555-0142"),
    ("US", "(800) 555-0199"), ("US", "900 555 0142"), ("US", "(500) 555-0142"),
    ("US", "(242) 357-1234"), ("US", "(416) 555-0199"), ("CA", "(416) 555-0199"),
    ("US", "011 44 20 7946 0000"), ("US", "011 86 138 1234 5678"), ("US", "(212) 055-0142"),
    ("US", "(112) 555-0142"), ("US", "212-555-014"), ("US", "212-555-01422"),
    # Great Britain: mobiles, geographic, drama ranges, freephone, +44 (0).
    ("GB", "07911 123456"), ("GB", "07700 900123"), ("GB", "+44 7911 123456"),
    ("GB", "020 7946 0000"), ("GB", "0161 496 0000"), ("GB", "01632 960123"),
    ("GB", "+44 (0)20 7946 0000"), ("GB", "0044 20 7946 0000"), ("GB", "0800 123 4567"),
    ("GB", "01534 123456"), ("GB", "07624 123456"), ("GB", "0870 123 4567"),
    # Elsewhere, and a default region that has no plan of its own.
    ("DE", "030 1234567"), ("FR", "06 12 34 56 78"), ("JP", "090-1234-5678"),
    ("IN", "98765 43210"), ("AU", "0412 345 678"), ("AR", "011 15 1234 5678"),
    ("IT", "06 1234 5678"), ("IT", "+39 06 1234 5678"), ("XK", "044 123 456"),
    # Not numbers, or not accepted: extensions, letters, too short or long, bad codes.
    ("US", "(212) 555-0142 x12"), ("US", "212-555-0142 ext. 7"), ("CN", "010-12345678#123"),
    ("US", "1-800-FLOWERS"), ("CN", "+999 1234 5678"), ("CN", "+0 12345678"),
    ("CN", "00 0 12345678"), ("CN", "0000000000"), ("CN", "138"), ("CN", "1381234567890123"),
    ("US", "+"), ("US", "--"), ("CN", "１３８１２３４５６７８"), ("CN", "+86 138 1234 5678 / 9"),
    ("US", "(212)555-0142"), ("US", "  212 555 0142  "), ("US", "212--555--0142"),
]  # fmt: skip
REGIONS = ["CN", "US", "GB", "CA", "DE", "FR", "JP", "IN", "AU", "AR", "IT", "BS", "JE", "MX"]


@pytest.fixture(autouse=True)
def cold_blocks() -> Iterator[None]:
    blocks.clear_blocks()
    yield
    blocks.clear_blocks()


def reference(text: str, region: str | None) -> object:
    return _phone(text, region)


def by_block(text: str, region: str | None) -> object:
    found = blocks.read_by_block(text, region)
    return reference(text, region) if found is None else found


def neighbours(text: str, rng: random.Random, count: int = 30) -> list[str]:
    """``text`` with its last one to six digits replaced, notation kept."""
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    out = []
    for _ in range(count):
        chars = list(text)
        for i in positions[-rng.randint(1, min(6, len(positions) or 1)) :]:
            chars[i] = str(rng.randint(0, 9))
        out.append("".join(chars))
    return out


@pytest.mark.parametrize(("region", "text"), WRITTEN)
def test_written_numbers_and_their_neighbours_read_alike(region: str, text: str) -> None:
    rng = random.Random(text)
    for number in [text, *neighbours(text, rng), text]:
        assert by_block(number, region) == reference(number, region), number


def test_the_benchmark_shapes_fall_in_few_blocks_and_read_alike() -> None:
    """Generated CN mobiles (all distinct) and US 555-01xx lines: one parse per block."""
    rng = random.Random(7)
    numbers = [("CN", f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}") for _ in range(3000)]
    numbers += [("US", f"({rng.randint(201, 989)}) 555-01{rng.randrange(100):02d}")
                for _ in range(3000)]  # fmt: skip
    for region, number in numbers:
        assert by_block(number, region) == reference(number, region), number
    found = [k for k, v in blocks._BLOCKS.items() if v is not blocks._UNDECIDED]
    assert len(found) < len(numbers) / 3


def test_the_error_raised_is_the_same() -> None:
    for region, text in WRITTEN:
        try:
            expected: object = normalize_phone(text, region)
        except FieldProblem as exc:
            expected = exc.reason
        try:
            found: object = normalize_phone_by_block(text, region)
        except FieldProblem as exc:
            found = exc.reason
        assert found == expected, text


# Leading parts that open real numbering-plan branches, then random digits and notation.
LEADS = ["1", "13", "138", "17951", "12593", "0", "00", "01", "010", "0755", "020", "07",
         "079", "0800", "86", "8613", "44", "4420", "1212", "212", "555", "800", "900",
         "011", "0011", "9", "4", "6", "2", "3", "5", "7", "8"]  # fmt: skip


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    region = draw(st.sampled_from(REGIONS))
    lead = draw(st.sampled_from(LEADS))
    digits = lead + draw(st.text("0123456789", min_size=0, max_size=12))
    plus = draw(st.sampled_from(["", "", "+", "00"]))
    chars = list(digits)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(chars)))
        chars.insert(at, draw(st.sampled_from([" ", "-", ".", "(", ")", " - "])))
    text = plus + "".join(chars)
    rng = random.Random(draw(st.integers(0, 2**32)))
    return region, text, neighbours(text, rng, 15)


@settings(max_examples=400, deadline=None)
@given(written_numbers())
def test_generated_numbers_read_alike(case: tuple[str, str, list[str]]) -> None:
    region, text, others = case
    for number in [text, *others]:
        assert by_block(number, region) == reference(number, region), (region, number)


def metadata_patterns() -> list[str]:
    found = set()
    for code in (1, 44, 86, 49, 81, 54):
        for region in COUNTRY_CODE_TO_REGION_CODE[code]:
            metadata = PhoneMetadata.metadata_for_region(region, None)
            found |= blocks._national_patterns(metadata)
    return sorted(found)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(metadata_patterns()),
    st.text("0123456789", min_size=0, max_size=9),
    st.integers(0, 3),
)
def test_the_automaton_agrees_with_re_on_every_continuation(
    pattern: str, known: str, rest: int
) -> None:
    try:
        nfa = compile_nfa(pattern)
    except Unsupported:
        return
    compiled = re.compile(pattern)
    matches = {
        compiled.fullmatch(known + f"{tail:0{rest}d}"[-rest:] if rest else known) is not None
        for tail in range(10**rest)
    }
    expected = matches.pop() if len(matches) == 1 else None
    assert nfa.decided(known, rest) == expected


def test_the_automaton_refuses_what_it_does_not_read() -> None:
    for pattern in ("(?=1)\\d", "a", "\\w", "1$", "(?P<x>1)", "1*?", "1*+", "\\d{,3}"):
        with pytest.raises(Unsupported):
            compile_nfa(pattern)
    assert compile_nfa("0|01").exhausted("01")
    assert not compile_nfa("0\\d*").exhausted("0123")


def test_blocks_forgotten_at_the_bound_are_found_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "_BLOCKS_MAX", 5)
    rng = random.Random(3)
    for _ in range(200):
        number = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        assert by_block(number, "CN") == reference(number, "CN")
        assert len(blocks._BLOCKS) <= 5
