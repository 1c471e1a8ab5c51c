"""Subject access (UK GDPR art. 15): everything held about one person, as a printable page or a
JSON download, for the Proper Officer or the person themselves."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from .. import policy, services
from ..models import Council
from ..shortcuts import council_page


@council_page()
def person_data(request, standing, user_id):
    """The Proper Officer's copy of what the council holds about one of its people, or a
    person's own. Anyone else gets the same 404 as for a person who is not there."""
    return _personal_data(request, standing, user_id, "html")


@council_page()
def person_data_json(request, standing, user_id):
    return _personal_data(request, standing, user_id, "json")


def _personal_data(request, standing, user_id, fmt):
    person = policy.get_person_for_user(standing, user_id)
    if not policy.can_export_personal_data(standing, person):
        raise Http404("No such person.")
    export = services.subject_access_export(
        person=person,
        councils=[standing.council],
        whole_portal=False,
        acting_user=request.user,
        fmt=fmt,
    )
    json_url = reverse("council:person_data_json", args=[standing.council.slug, person.pk])
    return export_response(request, export, fmt, standing=standing, json_url=json_url)


@login_required
def my_data(request):
    """A person's own download: every council in which they hold or held a role, and the
    portal's own records about them. It needs no current role: a former councillor has the
    right too."""
    return _my_data(request, "html")


@login_required
def my_data_json(request):
    return _my_data(request, "json")


def _my_data(request, fmt):
    councils = list(Council.objects.filter(roles__user=request.user).distinct().order_by("name"))
    export = services.subject_access_export(
        person=request.user, councils=councils, whole_portal=True, acting_user=request.user, fmt=fmt
    )
    return export_response(request, export, fmt, json_url=reverse("my_data_json"))


def export_response(request, export, fmt, *, json_url, standing=None):
    """JSON as a download; HTML as a printable page. Neither is kept by any shared cache."""
    if fmt == "json":
        response = HttpResponse(
            json.dumps(export.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="{export.filename("json")}"'
    else:
        response = render(
            request,
            "council/subject_access.html",
            {"standing": standing, "export": export, "json_url": json_url},
        )
    response["Cache-Control"] = "private, no-store"
    return response
