"""Rulebook files: parameters only, validated at load with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.compliance.rulebooks import (
    BOOK_TYPES,
    CNBook,
    USBook,
    bundled_directory,
    load_rulebook,
    load_rulebooks,
)
from arrears.errors import ConfigError

US_TEXT = (bundled_directory() / "US.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestShippedRulebooks:
    def test_every_jurisdiction_has_a_valid_rulebook(self):
        books = load_rulebooks()
        assert set(books) == set(BOOK_TYPES)

    def test_the_us_rulebook_has_the_reg_f_numbers(self):
        us = load_rulebooks().params("US", USBook)
        assert us is not None
        assert (us.hours.open, us.hours.close) == ("08:00", "21:00")
        assert (us.reg_f.calls.max, us.reg_f.calls.window_days) == (7, 7)
        assert us.validation.period_days == 30

    def test_the_chinese_window_ends_before_twenty_two_hundred(self):
        cn = load_rulebooks().params("CN", CNBook)
        assert cn is not None and cn.hours.close == "22:00" and not cn.hours.close_inclusive


class TestVersionStamp:
    def test_the_stamp_carries_the_version_and_a_hash_of_the_file(self, tmp_path: Path):
        book = load_rulebook(write(tmp_path, "US.yaml", US_TEXT))
        version, digest = book.version.split("+")
        assert version == "2026.1" and len(digest) == 12

    def test_an_edit_that_forgot_to_bump_the_version_still_changes_the_stamp(self, tmp_path):
        before = load_rulebook(write(tmp_path, "US.yaml", US_TEXT)).version
        after = load_rulebook(write(tmp_path, "US.yaml", US_TEXT + "\n# note\n")).version
        assert before != after

    def test_all_versions_in_one_string(self):
        assert load_rulebooks().stamp().startswith("CN=2026.1+")


class TestErrors:
    def test_an_unknown_key_is_an_error_naming_file_line_and_field(self, tmp_path: Path):
        text = US_TEXT.replace("  bunching_minutes: 5", "  bunching_minute: 5")
        with pytest.raises(ConfigError) as caught:
            load_rulebook(write(tmp_path, "US.yaml", text))
        message = caught.value.message
        line = text.splitlines().index("  bunching_minute: 5") + 1
        assert f"US.yaml:{line}: reg_f.bunching_minute: Extra inputs are not permitted" in message

    def test_a_bad_time_names_its_field(self, tmp_path: Path):
        text = US_TEXT.replace('open: "08:00"', 'open: "8am"')
        with pytest.raises(ConfigError, match=r"hours\.open: Value error, must be a time HH:MM"):
            load_rulebook(write(tmp_path, "US.yaml", text))

    def test_a_window_that_closes_before_it_opens_is_refused(self, tmp_path: Path):
        text = US_TEXT.replace('close: "21:00"', 'close: "07:00"')
        with pytest.raises(ConfigError, match="open must be before close"):
            load_rulebook(write(tmp_path, "US.yaml", text))

    def test_a_cap_of_zero_is_refused(self, tmp_path: Path):
        text = US_TEXT.replace("calls: {max: 7, window_days: 7}", "calls: {max: 0, window_days: 7}")
        with pytest.raises(ConfigError, match=r"reg_f\.calls\.max"):
            load_rulebook(write(tmp_path, "US.yaml", text))

    def test_an_unknown_zone_is_refused(self, tmp_path: Path):
        text = (
            (bundled_directory() / "CN.yaml").read_text().replace("Asia/Shanghai", "Asia/Peking1")
        )
        with pytest.raises(ConfigError, match="not an IANA time zone"):
            load_rulebook(write(tmp_path, "CN.yaml", text))

    def test_a_file_for_an_unknown_jurisdiction_is_refused(self, tmp_path: Path):
        with pytest.raises(ConfigError, match="unknown rulebook 'FR'"):
            load_rulebook(write(tmp_path, "FR.yaml", "code: FR\n"))

    def test_the_code_must_match_the_file_name(self, tmp_path: Path):
        with pytest.raises(ConfigError, match="code: must be 'GB'"):
            load_rulebook(write(tmp_path, "GB.yaml", US_TEXT))

    def test_broken_yaml_is_reported_with_the_file(self, tmp_path: Path):
        with pytest.raises(ConfigError, match=r"GB\.yaml: not valid YAML"):
            load_rulebook(write(tmp_path, "GB.yaml", "code: [GB\n"))

    def test_an_empty_folder_is_an_error(self, tmp_path: Path):
        with pytest.raises(ConfigError, match="no rulebook"):
            load_rulebooks(tmp_path)
