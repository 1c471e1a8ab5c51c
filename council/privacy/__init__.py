"""Data protection (UK GDPR): the daily purge of expired personal records, and the subject access
export ("everything held about one person, in one download").

`council` imports none of the other apps (DESIGN §2), so each app registers its part in its own
`privacy.py` (found by council.discovery), as it does its home panels and its scale builders:

- `@register_purge(kind)` on `purge(council=, policy=, today=, limit=) -> int`: deletes at most
  `limit` of one council's expired records of one kind *and their history rows*, and says how many
  it deleted. Run again, it finds nothing more to do (idempotent).
- `@register_notification_guard` on `guard(council) -> expression`: names notifications that
  are kept however old, because a sweep could produce them again: their outbox row is what makes a
  notice go once (an overdue request's escalation, while the request is still open).
- `@register_export` on `section(scope) -> list[Section]`: an app's part of the export.

The parts: `registry.py`, `purge.py` (the purge and the helpers the apps' purges share),
`export.py` (the export's shapes, Scope, Section and Table, and the council's own sections).

What the export includes and what it withholds (each app's section says so in its own words too,
and the page repeats it under each heading):

- Included: the person's account (never the password or the two-factor secrets), their roles,
  seats, group memberships and spokesperson appointments, the history rows of their account and of
  their roles, the notifications sent to them, the audit events they caused or that are about
  their account or their roles, what each app holds: requests they made (with the officers'
  reasons and timelines), the released documents they opened, letters and emails they wrote,
  received, signed or are named in, press releases they wrote or are quoted in, concerns they
  raised, concerns about them once they have been told, hearings, and their acknowledgements of
  the protocol.
- Withheld: other people's personal data. Councillors and officers acting for the council are
  named (their names on council business are not private); people outside the council (a
  complainant, a resident) are not. A concern about the person never shows who raised it or their
  account beyond what the concern's own page shows the person (R16); handlers' private notes are
  listed but their text is withheld. The text of a draft never sent, or of a confidential item the
  person neither wrote nor received, is withheld. Anything withheld is listed as withheld, with the
  reason, so that the Proper Officer can review it and release what the law allows.
- The clerk's export of a person covers their own council; a person's own download covers every
  council in which they hold or held a role, and the portal's own records (failed sign-ins).
"""

from .export import (
    CONCERN_TRACES_WITHHELD,
    SECTION_ORDER,
    Export,
    Scope,
    Section,
    Table,
    display,
    export_build,
    name_of,
)
from .purge import (
    ANONYMISED_DOMAIN,
    ANONYMISED_NAME,
    BATCH,
    delete_history,
    delete_with_history,
    months_before,
    person_anonymise,
    purge_all,
    purge_notifications,
    purge_people,
    start_of,
)
from .registry import register_export, register_notification_guard, register_purge

__all__ = [
    "ANONYMISED_DOMAIN",
    "ANONYMISED_NAME",
    "BATCH",
    "CONCERN_TRACES_WITHHELD",
    "SECTION_ORDER",
    "Export",
    "Scope",
    "Section",
    "Table",
    "delete_history",
    "delete_with_history",
    "display",
    "export_build",
    "months_before",
    "name_of",
    "person_anonymise",
    "purge_all",
    "purge_notifications",
    "purge_people",
    "register_export",
    "register_notification_guard",
    "register_purge",
    "start_of",
]
