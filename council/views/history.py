"""The history of a council's records (R27): who changed what, when."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from .. import policy
from ..lib.timeline import timeline
from ..models import Committee, Document, GroupMembership, PoliticalGroup, Role, Seat
from ..shortcuts import council_page

# ---------------------------------------------------------------------------------------------
# History (R27)
# ---------------------------------------------------------------------------------------------

HISTORY_KINDS = {
    "role": Role,
    "committee": Committee,
    "seat": Seat,
    "group": PoliticalGroup,
    "membership": GroupMembership,
    "document": Document,
}


@council_page(policy.can_view_council_home)
def history(request, standing, kind, pk):
    if kind == "council":
        obj = standing.council if standing.council.pk == pk else None
    elif kind == "person":
        obj = policy.get_person_for_user(standing, pk)
    elif kind in HISTORY_KINDS:
        obj = policy.get_in_council(standing, HISTORY_KINDS[kind], pk)
    else:
        obj = None
    if obj is None:
        raise Http404("No such record.")
    if not policy.can_view_history(standing, obj):
        raise PermissionDenied
    return render(
        request,
        "council/history.html",
        {"standing": standing, "object": obj, "entries": timeline(obj)},
    )
