"""Who may manage API tokens. What a token may read or write is never decided here: each
endpoint (``api/programs.py``, ``teams.py``, ``events.py``, ``measures.py``, ``updates.py``)
calls the owning app's own rule."""

from __future__ import annotations

from typing import Any


def can_manage_own_tokens(user, obj: Any = None) -> bool:
    """Every signed-in person creates, names and revokes their own tokens (never another's)."""
    return bool(getattr(user, "is_authenticated", False))
