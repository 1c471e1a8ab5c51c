"""Site-wide pages: the portal's front door, the health check, the accessibility statement and
a person's notifications."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import outbox, policy
from ..lib.pagination import page_of
from ..models import Council, Notification, Role


@login_not_required
def home(request):
    """Signed in: the councils where the person has a role (straight there if only one).
    Otherwise: the councils on this portal, for the public."""
    if request.user.is_authenticated:
        councils = policy.councils_for_request(request)
        if len(councils) == 1 and not request.GET.get("choose"):
            return redirect("council:home", councils[0].slug)
        ended = (
            Role.objects.filter(user=request.user, ends_on__lt=timezone.localdate())
            .select_related("council")
            .order_by("-ends_on")[:5]
            if not councils
            else []
        )
        return render(request, "home_signed_in.html", {"councils": councils, "ended": ended})
    page = page_of(request, Council.objects.order_by("name", "pk"))
    return render(request, "home_public.html", {"councils": page.object_list, "page": page})


@login_not_required  # the load balancer's and compose's health check
def healthz(request):
    """For monitoring, as JSON: the database ("ok"/"error"), the broker ("ok"/"error", or
    "in-process" without REDIS_URL) and the age in seconds of the oldest notification waiting to
    be sent (null when none; a growing age means no worker or sweep is delivering). 503 only when
    the database is down: without the broker the portal works and notifications wait for the
    sweep, so a broker outage must not take the web service out of the load balancer. One query,
    on the outbox's pending index, which is also the database check; the broker's check gives up
    after a second, so a broker that never answers cannot hang this page."""
    state: dict[str, object] = {"database": "ok"}
    status = 200
    try:
        oldest = (
            Notification.objects.pending()
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
    except Exception:
        state["database"] = "error"
        status = 503
        oldest = None
    if not settings.REDIS_URL:
        state["broker"] = "in-process"
    else:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1, retry=None
        )
        try:
            client.ping()
            state["broker"] = "ok"
        except Exception:
            state["broker"] = "error"
        finally:
            client.close()
    state["oldest_pending_seconds"] = (
        max(0, round((timezone.now() - oldest).total_seconds())) if oldest else None
    )
    return HttpResponse(json.dumps(state), status=status, content_type="application/json")


@login_not_required
def accessibility(request):
    """The accessibility statement: public, linked from every page's footer."""
    return render(request, "accessibility.html")


@login_required
def two_factor_required(request):
    return render(request, "two_factor_required.html")


@login_required
def notification_list(request):
    page = page_of(
        request, request.user.notifications.select_related("council").order_by("-created_at", "-id")
    )
    return render(request, "notifications.html", {"notifications": page.object_list, "page": page})


@login_required
@require_POST
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    outbox.notification_mark_read(notification=notification)
    return redirect(notification.link or "notifications")
