"""The protocol's pages: the public ones (no sign-in), the clerk's drafting and adoption pages,
and acknowledgement."""

from __future__ import annotations

import zlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from council import policy
from council.models import Council
from council.pagecache import public_page, revalidate_always
from council.shortcuts import council_page, form_action, form_page, posted

from . import diff, forms, importer, services
from .models import Expectation, ProtocolVersion, Section

# ---------------------------------------------------------------------------------------------
# Public pages: published versions only (ProtocolVersion.objects.published()).
# ---------------------------------------------------------------------------------------------


def _published(council_slug: str):
    council = get_object_or_404(Council, slug=council_slug)
    return council, ProtocolVersion.objects.published().filter(council=council)


def _with_sections(qs):
    return qs.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position")),
        "sections__expectations",
    )


def _current_key(request, council_slug, **kwargs) -> str | None:
    """What the current-protocol page shows changes only when a version is adopted (adopted
    versions never change) or the council is renamed, so the latest published version's id and
    status and the council's name name it: one small query (council.pagecache)."""
    row = (
        ProtocolVersion.objects.published()
        .filter(council__slug=council_slug)
        .order_by("-number")
        .values_list("pk", "status", "council__name")
        .first()
    )
    if row is None:
        return None
    pk, status, name = row
    return f"protocol-current-{council_slug}-{pk}-{status}-{zlib.crc32(name.encode()):08x}"


@login_not_required
@public_page(_current_key)
def protocol_current(request, council_slug):
    council, published = _published(council_slug)
    version = _with_sections(published.filter(status=ProtocolVersion.Status.ADOPTED)).first()
    # Only shown when nothing is in force, to point at older versions; otherwise not queried.
    earlier = published.exclude(pk=version.pk) if version else published
    return render(
        request,
        "protocol/public_version.html",
        {"council": council, "version": version, "earlier": earlier, "is_current": True},
    )


@login_not_required
def protocol_versions(request, council_slug):
    council, published = _published(council_slug)
    return revalidate_always(
        render(
            request, "protocol/public_versions.html", {"council": council, "versions": published}
        )
    )


@login_not_required
def protocol_version(request, council_slug, number):
    council, published = _published(council_slug)
    version = get_object_or_404(_with_sections(published), number=number)
    return revalidate_always(
        render(
            request,
            "protocol/public_version.html",
            {"council": council, "version": version, "is_current": version.status == "adopted"},
        )
    )


@login_not_required
def protocol_changes(request, council_slug, number):
    council, published = _published(council_slug)
    version = get_object_or_404(_with_sections(published), number=number)
    before = _with_sections(published.filter(number__lt=number).order_by("-number")).first()
    changes = diff.compare(before, version)
    return revalidate_always(
        render(
            request,
            "protocol/public_changes.html",
            {
                "council": council,
                "version": version,
                "before": before,
                "changes": changes,
                "changed": [c for c in changes if c.status != diff.UNCHANGED],
            },
        )
    )


# ---------------------------------------------------------------------------------------------
# The Proper Officer's pages (R24)
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_edit_protocol)
def manage(request, standing):
    versions = ProtocolVersion.objects.filter(council=standing.council).order_by("-number")[:100]
    draft = next((v for v in versions if v.is_draft), None)
    return render(
        request,
        "protocol/manage.html",
        {
            "standing": standing,
            "versions": versions,
            "draft": draft,
            "start_form": forms.DraftStartForm(initial={"source": "model"}),
        },
    )


@council_page(policy.can_edit_protocol)
@require_POST
def draft_start(request, standing):
    form = forms.DraftStartForm(request.POST)
    if form.is_valid():
        try:
            version = services.draft_start(
                council=standing.council,
                source=form.cleaned_data["source"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Version {version.number} is ready for you to edit.")
            return redirect(version)
    else:
        messages.error(request, "Choose where to start from.")
    return redirect("protocol:manage", standing.council.slug)


@council_page(policy.can_edit_protocol)
def import_upload(request, standing):
    form = forms.ImportForm(*posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = importer.text_from_upload(upload.name, upload.read())
        except importer.ProtocolImportError as error:
            form.add_error("file", str(error))
        else:
            return _import_preview(request, standing, text, upload.name)
    return form_page(
        request,
        standing,
        form,
        title="Import your protocol",
        submit="Read the file",
        multipart=True,
        back=reverse("protocol:manage", args=[standing.council.slug]),
        intro="Upload the protocol your council uses now. You will see what was recognised "
        "before anything is saved, and you can edit the draft afterwards.",
    )


def _import_preview(request, standing, text, filename):
    parsed = importer.parse_protocol(text)
    confirm = forms.ImportConfirmForm(initial={"text": text, "filename": filename})
    return render(
        request,
        "protocol/import_preview.html",
        {"standing": standing, "parsed": parsed, "form": confirm, "filename": filename},
    )


@council_page(policy.can_edit_protocol)
@require_POST
def import_confirm(request, standing):
    form = forms.ImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The file's text did not arrive. Upload the file again.")
        return redirect("protocol:import", standing.council.slug)
    parsed = importer.parse_protocol(form.cleaned_data["text"])
    try:
        version = services.draft_import(
            council=standing.council,
            parsed=parsed,
            filename=form.cleaned_data["filename"],
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("protocol:manage", standing.council.slug)
    messages.success(request, f"Version {version.number} is saved as a draft. Check it below.")
    return redirect(version)


# Fetched with the council: the page to go back to (get_absolute_url) names it.


def _version(standing, pk) -> ProtocolVersion:
    return get_object_or_404(
        ProtocolVersion.objects.select_related("council"), council=standing.council, pk=pk
    )


def _section(standing, pk) -> Section:
    return get_object_or_404(
        Section.objects.select_related("version__council"),
        version__council=standing.council,
        pk=pk,
    )


def _expectation(standing, pk) -> Expectation:
    return get_object_or_404(
        Expectation.objects.select_related("section__version__council"),
        section__version__council=standing.council,
        pk=pk,
    )


@council_page(policy.can_edit_protocol)
def draft(request, standing, pk):
    version = get_object_or_404(
        _with_sections(ProtocolVersion.objects.filter(council=standing.council)), pk=pk
    )
    return render(request, "protocol/draft.html", {"standing": standing, "version": version})


@council_page(policy.can_edit_protocol)
def section_new(request, standing, pk):
    version = _version(standing, pk)
    return _section_form(request, standing, Section(version=version))


@council_page(policy.can_edit_protocol)
def section_edit(request, standing, pk):
    return _section_form(request, standing, _section(standing, pk))


def _section_form(request, standing, section):
    version = section.version
    if not version.is_draft:
        messages.error(
            request,
            services.MSG_NOT_DRAFT.format(
                number=version.number, status=version.get_status_display().lower()
            ),
        )
        return redirect(version)
    form = forms.SectionForm(posted(request), instance=section)
    # Validated before the title is written, as it always was: the form puts the number sent on
    # the section, and the title of a page shown again names that number.
    form.is_valid()
    return form_action(
        request,
        standing,
        form,
        lambda data: services.section_save(section=form.instance, acting_user=request.user),
        done=lambda saved: f"Section {saved.number} is saved.",
        title=f"Change section {section.number}" if section.pk else "Add a section",
        submit="Save section",
        back=version.get_absolute_url(),
    )


@council_page(policy.can_edit_protocol)
@require_POST
def section_move(request, standing, pk):
    section = _section(standing, pk)
    try:
        services.section_move(
            section=section, up=request.POST.get("direction") == "up", acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(section)


@council_page(policy.can_edit_protocol)
def section_delete(request, standing, pk):
    section = _section(standing, pk)
    back = section.version.get_absolute_url()
    if request.method == "POST":
        try:
            services.section_delete(section=section, acting_user=request.user)
            messages.success(request, f"Section {section.number} is removed from the draft.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(back)
    return render(
        request,
        "protocol/confirm_delete.html",
        {
            "standing": standing,
            "what": f"section {section.number}, {section.heading}",
            "back": back,
        },
    )


@council_page(policy.can_edit_protocol)
def expectation_new(request, standing, pk):
    section = _section(standing, pk)
    return _expectation_form(request, standing, Expectation(section=section))


@council_page(policy.can_edit_protocol)
def expectation_edit(request, standing, pk):
    return _expectation_form(request, standing, _expectation(standing, pk))


def _expectation_form(request, standing, expectation):
    section = expectation.section
    form = forms.ExpectationForm(posted(request), instance=expectation)
    return form_action(
        request,
        standing,
        form,
        lambda data: services.expectation_save(expectation=form.instance, acting_user=request.user),
        done=f"The expectation in section {section.number} is saved.",
        next_url=section.get_absolute_url(),
        title=(
            f"Change an expectation in section {section.number}"
            if expectation.pk
            else f"Add an expectation to section {section.number}"
        ),
        submit="Save expectation",
        back=section.version.get_absolute_url(),
    )


@council_page(policy.can_edit_protocol)
@require_POST
def expectation_move(request, standing, pk):
    expectation = _expectation(standing, pk)
    try:
        services.expectation_move(
            expectation=expectation,
            up=request.POST.get("direction") == "up",
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(expectation.section)


@council_page(policy.can_edit_protocol)
@require_POST
def expectation_delete(request, standing, pk):
    expectation = _expectation(standing, pk)
    try:
        services.expectation_delete(expectation=expectation, acting_user=request.user)
        messages.success(request, "The expectation is removed from the draft.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(expectation.section)


@council_page(policy.can_edit_protocol)
def adopt(request, standing, pk):
    version = _version(standing, pk)
    return form_action(
        request,
        standing,
        forms.AdoptForm(posted(request)),
        lambda data: services.version_adopt(
            version=version,
            adopted_on=data["adopted_on"],
            minute_reference=data["minute_reference"],
            review_on=data["review_on"],
            acting_user=request.user,
        ),
        done=f"Version {version.number} is adopted and published. "
        "Councillors and officers have been asked to acknowledge it.",
        next_url=reverse("protocol:current", args=[standing.council.slug]),
        title=f"Record the adoption of version {version.number}",
        submit="Adopt and publish",
        back=version.get_absolute_url(),
        intro="Once adopted, this version is published and can never be changed: a later change "
        "is a new draft. The version in force now will be kept as superseded.",
    )


# ---------------------------------------------------------------------------------------------
# Acknowledgements (R26)
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_edit_protocol)
def acknowledgements(request, standing):
    version = ProtocolVersion.objects.adopted().filter(council=standing.council).first()
    if version is None:
        raise Http404("No adopted protocol.")
    done = {a.user_id: a for a in version.acknowledgements.all()}
    people = list(services.people_who_acknowledge(standing.council))
    return render(
        request,
        "protocol/acknowledgements.html",
        {
            "standing": standing,
            "version": version,
            "acknowledged": [(p, done[p.pk]) for p in people if p.pk in done],
            "waiting": [p for p in people if p.pk not in done],
            "total": len(people),
        },
    )


@council_page(policy.can_edit_protocol)
@require_POST
def acknowledgements_remind(request, standing):
    sent = services.acknowledgement_remind(council=standing.council, acting_user=request.user)
    messages.success(
        request,
        f"Reminders sent to {sent} people."
        if sent
        else "Nobody needed a reminder today (each person gets one a day at most).",
    )
    return redirect("protocol:acknowledgements", standing.council.slug)


@council_page(policy.can_acknowledge_protocol)
@require_POST
def acknowledge(request, standing):
    version_id = request.POST.get("version", "")
    version = get_object_or_404(
        ProtocolVersion.objects.adopted(),
        council=standing.council,
        # A hand-made POST can send anything: what is not a whole number is no version (404).
        pk=int(version_id) if version_id.isdecimal() else None,
    )
    try:
        services.acknowledgement_record(version=version, user=request.user)
        messages.success(request, f"Thank you. You have acknowledged version {version.number}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("council:home", standing.council.slug)
