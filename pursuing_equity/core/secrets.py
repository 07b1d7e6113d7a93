"""Secrets stored in the database, encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256).

The key comes from the setting ``PE_DATA_CONNECTION_KEY`` (any string; a 32-byte key is derived
from it with SHA-256, so an operator may paste a Fernet key or a long random phrase). Production
settings require it; elsewhere it defaults to a key derived from ``SECRET_KEY``. Changing the
key makes stored secrets unreadable: staff then enter them again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the current key."""


def _fernet() -> Fernet:
    material = settings.PE_DATA_CONNECTION_KEY.encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(material).digest()))


def encrypt(text: str) -> str:
    """``text`` encrypted with the current key (a different token each time)."""
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text of ``token``; :class:`SecretUnreadable` (no detail) if the key changed."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise SecretUnreadable(
            "the stored secret cannot be decrypted with the current key"
        ) from None
