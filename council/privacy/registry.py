"""The registries of council.privacy: each app's purges, the notices kept however old, and each
app's part of the export. An app registers in its own `privacy.py`, found when a registry is first
read (council.discovery); `council.privacy` registers its own parts (people, notifications, the
council's sections of the export) when it is imported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..discovery import discover
from ..models import Council

Purge = Callable[..., int]
Guard = Callable[[Council | None], Any]
SectionsOf = Callable[..., list]  # scope -> list of export sections

_purges: dict[str, Purge] = {}
_guards: list[Guard] = []
_sections: list[SectionsOf] = []


def register_purge(kind: str) -> Callable[[Purge], Purge]:
    """@register_purge("concerns") on `purge(council=, policy=, today=, limit=) -> int`."""

    def decorator(purge: Purge) -> Purge:
        _purges.setdefault(kind, purge)
        return purge

    return decorator


def register_notification_guard(guard: Guard) -> Guard:
    if guard not in _guards:
        _guards.append(guard)
    return guard


def register_export(section: SectionsOf) -> SectionsOf:
    if section not in _sections:
        _sections.append(section)
    return section


def purges() -> dict[str, Purge]:
    discover("privacy")
    return _purges


def notification_guards() -> list[Guard]:
    discover("privacy")
    return _guards


def export_sections() -> list[SectionsOf]:
    discover("privacy")
    return _sections
