"""The audit trail as people read it (R27): a timeline of who changed which field, from what to
what, and when, built from django-simple-history's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime

HIDDEN_FIELDS = {"password", "last_login", "file"}
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: str
    action: str
    changes: list[Change]


def _display(model: type[models.Model], field_name: str, value, names: dict) -> str:
    if value is None or value == "":
        return "(empty)"
    field = model._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return names.get((field_name, value), f"#{value}")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return date_format(localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return str(value)


def timeline(obj: models.Model, limit: int = 200) -> list[Entry]:
    """Newest first. Three queries whatever the length: the history rows (with the acting user),
    then the names of related objects that appear in them."""
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.name != model._meta.pk.name
    ]
    fk_fields = [f for f in fields if isinstance(f, models.ForeignKey)]
    names: dict[tuple[str, object], str] = {}
    for f in fk_fields:
        ids = {getattr(r, f.attname) for r in records} - {None}
        if ids:
            for related in f.related_model.objects.filter(pk__in=ids):
                names[(f.name, related.pk)] = str(related)
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous else None
            if previous is not None and new == old:
                continue
            if previous is None and new in (None, ""):
                continue
            changes.append(
                Change(
                    field=str(f.verbose_name).capitalize(),
                    old=_display(model, f.name, old, names) if previous else "",
                    new=_display(model, f.name, new, names),
                )
            )
        who = str(record.history_user) if record.history_user else "The system"
        entries.append(
            Entry(
                when=record.history_date,
                who=who,
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    return entries
