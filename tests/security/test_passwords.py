"""Password hashes, and the stand-in hash an unknown account is checked against."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from quizapp.security import passwords


def test_a_password_hash_is_salted_scrypt_and_checks_only_its_password():
    first = passwords.hash_password("a long sentence of mine")
    second = passwords.hash_password("a long sentence of mine")
    assert first.startswith("scrypt:") and first != second  # a salt of its own each time
    assert passwords.verify_password(first, "a long sentence of mine")
    assert not passwords.verify_password(first, "a long sentence of mine!")


def test_an_unknown_account_costs_the_same_scrypt_as_a_real_one():
    """The stand-in hash must use the cost parameters real hashes use, or an unknown email would
    answer faster; and it must be a working hash, or the check would return at once."""
    real = passwords.hash_password("whatever it is")
    assert passwords._DUMMY_HASH.split("$")[0] == real.split("$")[0]
    assert check_password_hash(passwords._DUMMY_HASH, "not-a-real-password-0")


@pytest.mark.parametrize("stored", [None, ""])
def test_no_hash_never_matches_and_still_pays_for_a_check(stored, monkeypatch):
    checked = []

    def spy(password_hash, password):
        checked.append(password_hash)
        return check_password_hash(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", spy)
    assert not passwords.verify_password(stored, "not-a-real-password-0")
    assert checked == [passwords._DUMMY_HASH]
