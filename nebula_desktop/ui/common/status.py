"""How long a status-bar message stays, in milliseconds (0 would keep it until the next one)."""

from __future__ import annotations

STATUS_MS = 4000  # a plain note: "Copied the last answer."
STATUS_WARNING_MS = 8000  # something went wrong but nothing is lost: read it before it goes
STATUS_SUMMARY_MS = 10000  # what an import, a restore or a backup did
