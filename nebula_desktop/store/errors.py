"""Errors of the conversation store; ``str()`` of each is a user-facing message."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation failed; ``str()`` is a user-facing message."""


class StoreLockedError(StoreError):
    """Another Nebula Desktop process holds this data folder."""


class LoadError(StoreError):
    """A conversation could not be loaded; ``str()`` says what happened to the file."""
