"""`report --out` replaces a page landbridge wrote, never a file of the user's
(issue 14: never overwrite what we did not create)."""

import pytest

from landbridge.errors import UsageError
from landbridge.outpaths import GENERATOR_MARKER, check_output_file


def test_a_user_file_is_refused_and_left_as_it_was(tmp_path):
    mine = tmp_path / "notes.html"
    mine.write_text("my own notes\n")
    with pytest.raises(UsageError) as exc:
        check_output_file(mine)
    assert "not written by landbridge" in str(exc.value)
    assert mine.read_text() == "my own notes\n"


def test_a_page_landbridge_wrote_may_be_replaced(tmp_path):
    page = tmp_path / "report.html"
    page.write_bytes(b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                     + GENERATOR_MARKER + b"<title>x</title></head></html>\n")
    check_output_file(page)  # no error: ours to replace


def test_an_absent_file_may_be_written(tmp_path):
    check_output_file(tmp_path / "new.html")
