"""Reports for political groups (R15). Thin views: lookups through council.policy, changes
through correspondence.group_reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from council import policy
from council.shortcuts import council_page, form_action, list_page, posted

from ..models import GroupReport
from . import services as group_reports
from .forms import GroupReportForm

Status = GroupReport.Status

INTRO = (
    "A report for a political group gives facts and options only, never a recommendation: the "
    "group decides. When you issue it, every other group is told that a report was prepared for "
    "this group, on what subject and when, but not what it says."
)


def _report(standing, pk) -> GroupReport:
    """A report this person may see, or the same 404 as one that does not exist."""
    visible = policy.visible_group_reports(standing, GroupReport.objects.all())
    return get_object_or_404(visible.select_related("council", "group", "prepared_by"), pk=pk)


@council_page(policy.can_view_group_reports)
def report_list(request, standing):
    """Officers: every report of the council. Councillors: the issued reports for their group."""
    reports = (
        policy.visible_group_reports(standing, GroupReport.objects.all())
        .select_related("group")
        .order_by("status", F("issued_on").desc(nulls_last=True), "-id")
    )
    return list_page(
        request,
        standing,
        reports,
        "correspondence/group_reports/report_list.html",
        name="reports",
        context={
            "all_reports": standing.is_officer,
            "can_prepare": policy.can_prepare_group_report(standing),
        },
    )


@council_page(policy.can_prepare_group_report)
def report_new(request, standing):
    form = GroupReportForm(posted(request), standing=standing)
    return form_action(
        request,
        standing,
        form,
        lambda data: group_reports.report_save(
            council=standing.council,
            group=data["group"],
            subject=data["subject"],
            facts=data["facts"],
            options=data["options"],
            no_recommendation_confirmed=form.confirmed(),
            acting_user=request.user,
        ),
        done=lambda report: f"“{report.subject}” is saved as a draft. Issue it when it is ready.",
        title="Prepare a report for a political group",
        submit="Save as a draft",
        back=reverse("group_reports:report_list", args=[standing.council.slug]),
        intro=INTRO,
    )


@council_page(policy.can_view_group_reports)
def report_detail(request, standing, pk):
    report = _report(standing, pk)
    return render(
        request,
        "correspondence/group_reports/report_detail.html",
        {
            "standing": standing,
            "report": report,
            "told": group_reports.told_about(report),
            "can_prepare": policy.can_prepare_group_report(standing),
        },
    )


@council_page(policy.can_prepare_group_report)
def report_edit(request, standing, pk):
    report = _report(standing, pk)
    if report.status != Status.DRAFT:
        messages.error(
            request,
            group_reports.MSG_NOT_A_DRAFT.format(day=group_reports.long_date(report.issued_on)),
        )
        return redirect(report)
    initial = {
        "group": report.group_id,
        "subject": report.subject,
        "facts": report.facts,
        "options": report.options,
    }
    form = GroupReportForm(posted(request), standing=standing, initial=initial)
    return form_action(
        request,
        standing,
        form,
        lambda data: group_reports.report_save(
            council=standing.council,
            report=report,
            group=data["group"],
            subject=data["subject"],
            facts=data["facts"],
            options=data["options"],
            no_recommendation_confirmed=form.confirmed(),
            acting_user=request.user,
        ),
        done="The draft is saved.",
        title=f"Change the draft: {report.subject}",
        submit="Save the draft",
        back=report.get_absolute_url(),
        intro=INTRO,
    )


@council_page(policy.can_prepare_group_report)
@require_POST
def report_issue(request, standing, pk):
    report = _report(standing, pk)
    try:
        group_reports.report_issue(report=report, acting_user=request.user, today=standing.on)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The report is issued to the {report.group.name} group. Every other group is told "
            "that it exists.",
        )
    return redirect(report)
