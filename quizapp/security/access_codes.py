"""Patient access codes: high-entropy, shown once, stored as a keyed hash.

A code is 12 characters of Crockford base32 (60 bits), shown as ``XXXX-XXXX-XXXX``. Patients may
type it in any case, with or without spaces and dashes, and with O for 0 or I/L for 1.
Because the code is long and random, an HMAC of the normalized code is enough to store it, and it
can be looked up directly through a unique index.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_LENGTH = 12
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def generate_code() -> str:
    """A new random code, grouped for reading aloud: ``7KQ2-MX9D-4HTV``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize(typed: str) -> str | None:
    """The canonical form of what a patient typed, or None if it cannot be a code."""
    cleaned = "".join(ch for ch in typed.upper() if not ch.isspace() and ch not in "-_.")
    cleaned = cleaned.translate(_CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_hash(normalized: str, key: str) -> str:
    """Keyed SHA-256 of a normalized code, as hex."""
    return hmac.new(key.encode(), b"access-code:" + normalized.encode(), hashlib.sha256).hexdigest()
