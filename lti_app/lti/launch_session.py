"""Which launches this browser session holds: a short list of launch ids for one person.

The cookie holds ids only (claims and row ids stay in the server-side launch record, which
expires). A new launch by the *same* person (issuer, sub) is added to the list so tabs opened
for other courses keep working; a launch by anyone else empties the session first (no session
fixation, nothing of the previous person's launches left). The list is bounded: the oldest
ids drop off.
"""

from __future__ import annotations

import hashlib
import json

from flask import session

SESSION_KEY = "lti_launches"  # {"user": fingerprint, "ids": [oldest, ..., newest]}
MAX_HELD_LAUNCHES = 10


def user_fingerprint(issuer: str, subject: str) -> str:
    """Compares people without putting their platform identifiers in the (readable) cookie."""
    encoded = json.dumps([issuer, subject], separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()[:24]


def held_launch_ids() -> list[str]:
    """Oldest first; the last one is the newest launch."""
    held = session.get(SESSION_KEY)
    ids = held.get("ids") if isinstance(held, dict) else None
    return [i for i in ids if isinstance(i, str) and i] if isinstance(ids, list) else []


def remember_launch(launch_id: str, issuer: str, subject: str) -> None:
    """Called once per successful launch, after validation."""
    user = user_fingerprint(issuer, subject)
    held = session.get(SESSION_KEY)
    same_person = isinstance(held, dict) and held.get("user") == user
    ids = held_launch_ids() if same_person else []
    if not same_person:
        session.clear()
    ids = [held_id for held_id in ids if held_id != launch_id] + [launch_id]
    session[SESSION_KEY] = {"user": user, "ids": ids[-MAX_HELD_LAUNCHES:]}
    session.permanent = True
