"""The matching keys of debtors, packed into one string each: the per-kind builders
agree with the general definition, a part holding the separator never makes two keys
alike, and a key unpacks into what the store lookup of its kind takes."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.ingest.debtors import DebtorMemo, DebtorResolver, Draft, Prepared, debtor_keys
from arrears.ingest.match_keys import (
    birth_key,
    contact_key,
    national_key,
    pack_key,
    ref_key,
    unpack_key,
)
from arrears.ingest.rows import AccountRow, ContactValue
from arrears.kit.crypto import FieldCipher

SEP = "\x1f"
BORN = date(1977, 8, 14)


@pytest.mark.parametrize("text", ["D-001", "王小明", "a" + SEP + "b", ""])
def test_each_builder_packs_as_the_general_definition(text: str):
    assert ref_key(text) == pack_key("ref", text)
    assert national_key(text) == pack_key("nid", text)
    assert birth_key(text, BORN) == pack_key("nb", text, BORN)
    assert contact_key(text, "+12125550142") == pack_key("nc", text, "+12125550142")
    assert contact_key("wangxiaoming", text) == pack_key("nc", "wangxiaoming", text)


def test_a_part_holding_the_separator_stays_a_tuple_and_matches_no_packed_key():
    # ("a␟b", "c") and ("a", "b␟c") would both join to "nc␟a␟b␟c".
    first, second = contact_key("a" + SEP + "b", "c"), contact_key("a", "b" + SEP + "c")
    assert first == ("nc", "a" + SEP + "b", "c")
    assert first != second
    assert contact_key("a", "b") == "nc" + SEP + "a" + SEP + "b"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (ref_key("D-001"), ("ref", "D-001")),
        (national_key("9f2c"), ("nid", "9f2c")),
        (birth_key("wangxiaoming", BORN), ("nb", ("wangxiaoming", BORN))),
        (contact_key("wangxiaoming", "wx@example.cn"), ("nc", ("wangxiaoming", "wx@example.cn"))),
        (birth_key("a" + SEP, BORN), ("nb", ("a" + SEP, BORN))),
        (ref_key("x" + SEP), ("ref", "x" + SEP)),
    ],
)
def test_a_key_unpacks_into_what_the_store_lookup_takes(key, expected):
    assert unpack_key(key) == expected


def test_a_debtor_has_keys_only_for_the_values_it_has():
    values = {"name_key": "marywright", "national_id_index": None, "birth_date": None}
    assert debtor_keys(values, ["+15625550174", ""]) == [contact_key("marywright", "+15625550174")]
    assert debtor_keys({"name_key": "", "birth_date": BORN}, ["+15625550174"]) == []


class TestMemo:
    def test_the_lowest_id_per_key_is_kept(self):
        memo = DebtorMemo(None)
        key = contact_key("marywright", "+15625550174")
        memo.add(12, [key])
        memo.add(9, [key])
        memo.add(15, [key])
        assert memo.get(key) == 9

    def test_a_changed_debtor_leaves_its_keys_to_the_store(self):
        memo = DebtorMemo(100)
        old, new = birth_key("kimlee", BORN), birth_key("kimpark", BORN)
        memo.add(101, [old])
        memo.changed(101, [old, new])
        memo.add(101, [new])
        assert memo.get(old) is None and memo.get(new) is None
        assert memo.is_dirty(old) and memo.is_dirty(new)
        assert memo.mine(101) and not memo.mine(100)


def _row(**given: object) -> AccountRow:
    values: dict[str, object] = dict.fromkeys(AccountRow._fields)
    values.update(row=2, account_ref="A1", debtor_kind="person", name="Mary Wright",
                  name_key="marywright", contacts=(), language="en-US", time_zones=(),
                  currency="USD", principal=100, interest=0, fees=0, costs=0,
                  due_on=date(2026, 1, 1), row_hash="h")  # fmt: skip
    values.update(given)
    return AccountRow(**values)  # type: ignore[arg-type]


PHONE = ContactValue("mobile", "+15625550174", "mobile", "US", (), "(562) 555-0174")


@pytest.mark.parametrize("ref", [None, "D1"])
@pytest.mark.parametrize("national_id", [None, "110101199003077777"])
@pytest.mark.parametrize("birth_date", [None, BORN])
@pytest.mark.parametrize("name_key", ["marywright", ""])
def test_a_new_debtor_is_remembered_by_the_keys_its_values_give(
    cipher: FieldCipher, ref, national_id, birth_date, name_key
):
    """A draft takes its memo keys from its row's keys: they are those of its values."""
    resolver = DebtorResolver.__new__(DebtorResolver)
    resolver._indexes, resolver.cipher, resolver.prepared = {}, cipher, Prepared()
    row = _row(debtor_ref=ref, national_id=national_id, birth_date=birth_date,
               name_key=name_key, contacts=(PHONE,))  # fmt: skip
    draft = Draft(row, resolver.blind_index(national_id) if national_id else None,
                  resolver._make_keys(row))  # fmt: skip
    assert draft.keys() == debtor_keys(draft.values)
