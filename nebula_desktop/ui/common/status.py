"""How long a status-bar message stays, in milliseconds."""

from __future__ import annotations

STATUS_MS = 4000  # a plain note: "Copied the last answer."
STATUS_WARNING_MS = 8000  # something went wrong but nothing is lost: read it before it goes
STATUS_SUMMARY_MS = 10000  # what an import, a restore or a backup did
STATUS_UNTIL_NEXT = 0  # work in progress ("Importing…"): stays until the next message
STATUS_CLEAR_MS = 1  # an empty message gone at once: takes a "…ing" note away
