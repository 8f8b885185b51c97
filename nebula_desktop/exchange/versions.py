"""Every version of a conversation, in reading order, for the text exports.

A chat forks where an answer was regenerated, a question edited and resent, or several models
were compared: the message at the fork keeps the other versions of the rest of the chat (see
:mod:`nebula_desktop.store.model`). Markdown and HTML show all of them, one after the other,
each under a heading that names it ("Version 2 of 3 · claude-sonnet-4 · chosen"), so a compared
question reads as every model's answer in turn.

The walk is iterative (an explicit stack, never recursion on file data) and visits each stored
message once, so the time and the output are bounded by the conversation itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nebula_desktop.store import Message


@dataclass(frozen=True)
class VersionHeading:
    """The start of one version at a fork.

    ``path`` is one ``(number, count)`` per fork from the outermost down (1-based numbers), so a
    version of a version reads "Version 2 of 3 › 1 of 2". ``chosen`` says whether this is the
    version the chat shows at that fork.
    """

    path: tuple[tuple[int, int], ...]
    model: str | None
    chosen: bool

    def label(self) -> str:
        """ "Version 2 of 3 · gpt-4o · chosen" (the model when the version has an answer)."""
        where = " › ".join(f"{number} of {count}" for number, count in self.path)
        details = [f"Version {where}"]
        if self.model:
            details.append(self.model)
        if self.chosen:
            details.append("chosen")
        return " · ".join(details)


def version_model(messages: list[Message]) -> str | None:
    """The model of a version: that of its first answer that names one."""
    for message in messages:
        if message.role == "assistant" and message.model:
            return message.model
    return None


@dataclass
class _Run:
    messages: list[Message]
    path: tuple[tuple[int, int], ...]
    # The run's first message is the fork being expanded (its versions are already queued).
    head_expanded: bool = False


def walk_versions(messages: list[Message]) -> Iterator[Message | VersionHeading]:
    """The messages of every version, each version preceded by its heading."""
    stack: list[_Run | VersionHeading] = [_Run(messages, ())]
    while stack:
        item = stack.pop()
        if isinstance(item, VersionHeading):
            yield item
            continue
        for i, message in enumerate(item.messages):
            if message.alternatives and not (i == 0 and item.head_expanded):
                chosen = message.branch_index
                rest = item.messages[i:]
                versions = [*message.alternatives[:chosen], rest, *message.alternatives[chosen:]]
                count = len(versions)
                for k in range(count - 1, -1, -1):  # pushed backwards: popped in order
                    path = (*item.path, (k + 1, count))
                    stack.append(_Run(versions[k], path, head_expanded=k == chosen))
                    stack.append(VersionHeading(path, version_model(versions[k]), k == chosen))
                break
            yield message
