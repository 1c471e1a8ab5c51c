"""Councillors' information requests: asking, the officer's queue and decisions, release (R3,
R5–R9). Thin views: look up through the policy, call one service, redirect or render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from council import policy
from council.shortcuts import (
    MAX_LIST,
    council_page,
    form_action,
    list_page,
    posted,
    stream_document,
)

from ..models import DocumentAccess, InformationRequest, RequestedDocument, RequestEvent
from . import deadlines, forms, services


def _get_request(standing, pk) -> InformationRequest:
    """A request this person may see, or 404 alike for "not there" and "not yours"."""
    visible = policy.visible_information_requests(standing, InformationRequest.objects.all())
    return get_object_or_404(
        visible.select_related("council", "requester", "handler", "decided_by"), pk=pk
    )


# ---------------------------------------------------------------------------------------------
# The councillor's pages
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_request_information)
def request_list(request, standing):
    """A councillor's own requests, newest first."""
    requests = (
        InformationRequest.objects.filter(council=standing.council, requester=standing.user)
        .annotate(document_count=Count("requested_documents"))
        .order_by("-created_at", "-id")
    )
    return list_page(
        request,
        standing,
        requests,
        "correspondence/requests/request_list.html",
        name="requests",
        context={"today": standing.on},
    )


@council_page(policy.can_request_information)
def request_new(request, standing):
    initial = {}
    # isdecimal, not isdigit: "²" is a digit that int() cannot read.
    if request.method == "GET" and request.GET.get("document", "").isdecimal():
        initial["documents"] = [int(request.GET["document"])]
    return form_action(
        request,
        standing,
        forms.RequestForm(posted(request), standing=standing, initial=initial),
        lambda data: services.request_submit(
            standing=standing,
            documents=list(data["documents"]),
            summary=data["summary"],
            information=data["information"],
            purpose=data["purpose"],
            justification=data["justification"],
        ),
        done=lambda info_request: (
            f"Your request is sent to the Proper Officer. You will have a decision by "
            f"{info_request.due_on:%A %-d %B %Y}."
        ),
        title="Ask for documents or information",
        submit="Send request",
        template="correspondence/requests/request_new.html",
        context={
            "routes": services.ROUTE_EXPLANATIONS,
            "working_days": standing.council.response_working_days,
        },
    )


@council_page(policy.can_view_council_home)
def request_detail(request, standing, pk):
    info_request = _get_request(standing, pk)
    rows = list(info_request.requested_documents.select_related("document", "document__committee"))
    can_open = {row.pk: policy.can_open_released_document(standing, row) for row in rows}
    context = {
        "standing": standing,
        "info_request": info_request,
        "rows": [(row, can_open[row.pk]) for row in rows],
        "any_released": any(can_open.values()),
        "events": info_request.events.select_related("actor"),
        "deadline": info_request.deadline(),
        "route_explanation": services.ROUTE_EXPLANATIONS[info_request.route],
        "foi_route": services.FOI_ROUTE,
        "overdue": info_request.is_overdue(standing.on),
        "can_decide": policy.can_decide_information_request(standing, info_request),
        "can_delegate": policy.can_delegate_information_request(standing, info_request),
        "is_requester": policy.can_act_as_requester(standing, info_request),
        "can_view_log": policy.can_view_request_log(standing),
    }
    if context["can_view_log"]:
        context["accesses"] = info_request.accesses.select_related("document", "user")[:MAX_LIST]
    return render(request, "correspondence/requests/request_detail.html", context)


def _requester_action(standing, pk) -> InformationRequest:
    info_request = _get_request(standing, pk)
    if not policy.can_act_as_requester(standing, info_request):
        raise PermissionDenied
    return info_request


@council_page(policy.can_view_council_home)
@require_POST
def request_withdraw(request, standing, pk):
    info_request = _requester_action(standing, pk)
    try:
        services.request_withdraw(info_request=info_request, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect(info_request)


@council_page(policy.can_view_council_home)
def request_clarify(request, standing, pk):
    info_request = _requester_action(standing, pk)
    question = info_request.events.filter(kind=RequestEvent.Kind.CLARIFICATION_ASKED).last()
    return form_action(
        request,
        standing,
        forms.ClarifyForm(posted(request)),
        lambda data: services.request_clarify(
            info_request=info_request, answer=data["answer"], acting_user=request.user
        ),
        done=lambda clarified: (
            f"Thank you. The clock has restarted: the request is now due by "
            f"{clarified.due_on:%A %-d %B %Y}."
        ),
        title="Clarify your request",
        submit="Send your answer",
        back=info_request.get_absolute_url(),
        intro=f"{question.actor.name} asked: {question.text}" if question else "",
    )


@council_page(policy.can_view_council_home)
def release_confirm(request, standing, pk):
    """R8: the councillor confirms the purpose once, before the first opening."""
    info_request = _requester_action(standing, pk)
    if not info_request.releases:
        raise PermissionDenied
    detail_url = info_request.get_absolute_url()
    # Back to the document asked for (release_download sends it as ?next=), but only within this
    # request's pages: anything else is an open redirect.
    next_url = request.GET.get("next", "")
    if not next_url.startswith(detail_url):
        next_url = detail_url
    return form_action(
        request,
        standing,
        forms.ConfirmPurposeForm(posted(request)),
        lambda data: services.release_confirm_purpose(
            info_request=info_request, acting_user=request.user
        ),
        done="Thank you. You can now open the documents released to you.",
        next_url=next_url,
        title="Before you open the documents",
        submit="Confirm and continue",
        back=detail_url,
        intro=(
            "These documents are released to you because you need them for your duties as a "
            "councillor. Keep them to yourself, use them only for those duties, and do not pass "
            "them on. Every time you open one, it is recorded."
        ),
    )


@council_page(policy.can_view_council_home)
def release_download(request, standing, pk, document_pk):
    """R8: stream a released document through the permission check, and log the opening."""
    info_request = _get_request(standing, pk)
    row = get_object_or_404(
        RequestedDocument.objects.select_related("document"),
        request=info_request,
        document_id=document_pk,
    )
    row.request = info_request
    if not policy.can_open_released_document(standing, row):
        raise PermissionDenied
    if info_request.purpose_confirmed_at is None:
        confirm = reverse("requests:release_confirm", args=[standing.council.slug, pk])
        return redirect(f"{confirm}?next={request.path}")
    document = row.document
    services.release_open(info_request=info_request, document=document, acting_user=request.user)
    return stream_document(document)


# ---------------------------------------------------------------------------------------------
# The officer's pages
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_view_request_queue)
def request_queue(request, standing):
    form = forms.QueueFilterForm(request.GET or None, standing=standing)
    visible = policy.visible_information_requests(standing, InformationRequest.objects.all())
    requests = (
        form.filter(visible, today=standing.on)
        .select_related("requester", "handler")
        .prefetch_related(
            Prefetch(
                "requested_documents",
                queryset=RequestedDocument.objects.select_related("document__committee"),
            )
        )
        .order_by("due_on", "id")
    )
    return list_page(
        request,
        standing,
        requests,
        "correspondence/requests/queue.html",
        name="requests",
        context={"form": form, "today": standing.on},
    )


def _officer_action(standing, pk, predicate) -> InformationRequest:
    info_request = _get_request(standing, pk)
    if not predicate(standing, info_request):
        raise PermissionDenied
    return info_request


@council_page(policy.can_view_request_queue)
def request_delegate(request, standing, pk):
    info_request = _officer_action(standing, pk, policy.can_delegate_information_request)
    return form_action(
        request,
        standing,
        forms.DelegateForm(posted(request), standing=standing),
        lambda data: services.request_delegate(
            info_request=info_request, officer=data["officer"], acting_user=request.user
        ),
        # The service makes the chosen officer the handler.
        done=lambda delegated: f"The request is passed to {delegated.handler.name}.",
        title="Pass this request to an officer",
        submit="Pass it on",
        back=info_request.get_absolute_url(),
        intro="They will handle and decide it, and get its reminders.",
    )


@council_page(policy.can_view_request_queue)
def request_ask(request, standing, pk):
    info_request = _officer_action(standing, pk, policy.can_decide_information_request)
    return form_action(
        request,
        standing,
        forms.AskForm(posted(request)),
        lambda data: services.request_ask_clarification(
            info_request=info_request, question=data["question"], acting_user=request.user
        ),
        done="Your question is sent. The clock is paused until they answer.",
        title="Ask the councillor to clarify",
        submit="Send question",
        back=info_request.get_absolute_url(),
    )


@council_page(policy.can_view_request_queue)
def request_decide(request, standing, pk):
    info_request = _officer_action(standing, pk, policy.can_decide_information_request)
    initial = {}
    if info_request.route == services.Route.PRESUMED:
        initial = {
            "outcome": InformationRequest.Status.GRANTED,
            "reasons": "You sit on the committee these documents relate to, so your need to know "
            "is presumed.",
        }
    return form_action(
        request,
        standing,
        forms.DecideForm(posted(request), info_request=info_request, initial=initial),
        lambda data: services.request_decide(
            info_request=info_request,
            outcome=data["outcome"],
            reasons=data["reasons"],
            granted_documents=data.get("granted_documents") or [],
            acting_user=request.user,
        ),
        # The requester's name from the page's request: the service's locked copy does not
        # carry the requester, and would fetch them again.
        done=lambda decided: (
            f"The request is {decided.get_status_display().lower()}. We have told "
            f"{info_request.requester.name}."
        ),
        title="Decide the request",
        submit="Record the decision",
        template="correspondence/requests/decide.html",
        context={
            "info_request": info_request,
            "rows": info_request.requested_documents.select_related("document"),
            "route_explanation": services.ROUTE_EXPLANATIONS[info_request.route],
        },
    )


@council_page(policy.can_view_request_log)
def access_log(request, standing):
    """R8: who opened which released document, and when."""
    accesses = (
        DocumentAccess.objects.filter(request__council=standing.council)
        .select_related("request", "document", "user")
        .order_by("-at", "-id")
    )
    return list_page(
        request,
        standing,
        accesses,
        "correspondence/requests/access_log.html",
        name="accesses",
    )


@council_page(policy.can_view_request_timeliness)
def timeliness(request, standing):
    return render(
        request,
        "correspondence/requests/timeliness.html",
        {
            "standing": standing,
            "stats": deadlines.timeliness(council=standing.council, today=standing.on),
            "today": standing.on,
        },
    )
