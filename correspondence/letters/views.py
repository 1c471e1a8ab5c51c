"""The correspondence register's pages (R10–R12). Thin views: lookups through council.policy,
changes through correspondence.letters."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from council import policy
from council.shortcuts import council_page, form_action, list_page, posted

from ..models import Correspondence, Recipient
from . import forms as letter_forms
from . import services as letters


def _item(standing, pk) -> Correspondence:
    """An item this person may see, or the same 404 as one that does not exist."""
    visible = policy.visible_correspondence(standing, Correspondence.objects.all())
    return get_object_or_404(
        visible.select_related("council", "author", "signatory", "councillor", "sent_by"), pk=pk
    )


@council_page(policy.can_view_correspondence)
def item_list(request, standing):
    """Officers: the council's register. Councillors: the items they wrote, that are theirs, or
    that name them."""
    items = (
        policy.visible_correspondence(standing, Correspondence.objects.all())
        .select_related("signatory")
        .prefetch_related(
            Prefetch("recipients", queryset=Recipient.objects.order_by("-line", "id"))
        )
        .order_by("status", "-sent_on", "-id")
    )
    return list_page(
        request,
        standing,
        items,
        "correspondence/letters/item_list.html",
        name="items",
        context={"register": standing.is_officer},
    )


@council_page(policy.can_write_correspondence)
def item_new(request, standing):
    form = letter_forms.ItemForm(posted(request), standing=standing)
    action = request.POST.get("action", "draft")
    if action not in _DONE:  # only the page's three buttons; anything else saves a draft
        action = "draft"

    def write(data):
        if action == "record" and not data.get("sent_on"):
            # Shown on the field, as the form's own errors are; nothing is saved.
            raise ValidationError({"sent_on": "Enter the date it was sent"})
        return _draft_and(action, standing, form, data)

    return form_action(
        request,
        standing,
        form,
        write,
        done=lambda item: _DONE[action].format(subject=item.subject),
        title="Write a letter or email",
        submit="Send it",
        template="correspondence/letters/item_new.html",
    )


_DONE = {
    "send": "“{subject}” is sent.",
    "record": "“{subject}” is on the register as sent elsewhere.",
    "draft": "“{subject}” is saved as a draft. Send it when it is ready.",
}


def _draft_and(action, standing, form, data):
    """Draft the item; then, in the same transaction, send or record it if asked, so that a
    refusal leaves nothing behind."""
    from django.db import transaction

    with transaction.atomic():
        item = letters.item_draft(
            council=standing.council,
            kind=data["kind"],
            subject=data["subject"],
            body=data["body"],
            recipients=form.recipients(),
            councillor=data.get("councillor"),
            official=data.get("official", False),
            signatory=data.get("signatory"),
            signatory_exception=data.get("signatory_exception", ""),
            creates_obligation=data.get("creates_obligation", False),
            confidential=data.get("confidential", False),
            confidential_reason=data.get("confidential_reason", ""),
            confidential_statement=data.get("confidential_statement", ""),
            acting_user=standing.user,
            today=standing.on,
        )
        if action == "send":
            item = letters.item_send(item=item, acting_user=standing.user, today=standing.on)
        elif action == "record":
            item = letters.item_record(
                item=item, sent_on=data["sent_on"], acting_user=standing.user
            )
    return item


@council_page(policy.can_view_correspondence)
def item_detail(request, standing, pk):
    item = _item(standing, pk)
    recipients = list(item.recipients.select_related("user"))
    return render(
        request,
        "correspondence/letters/item_detail.html",
        {
            "standing": standing,
            "item": item,
            "to": [r for r in recipients if r.line == Recipient.Line.TO],
            "copies": [r for r in recipients if r.line == Recipient.Line.CC],
            "signature": letters.signature(item),
            "footer": letters.copy_footer(recipients),
            "can_write": policy.can_write_correspondence(standing),
            "can_copy": policy.can_copy_correspondence(standing, item)
            and item.status != Correspondence.Status.DRAFT,
        },
    )


@council_page(policy.can_write_correspondence)
@require_POST
def item_send(request, standing, pk):
    item = _item(standing, pk)
    try:
        letters.item_send(item=item, acting_user=standing.user, today=standing.on)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _DONE["send"].format(subject=item.subject))
    return redirect(item)


@council_page(policy.can_view_correspondence)
def item_copy(request, standing, pk):
    item = _item(standing, pk)
    if not policy.can_copy_correspondence(standing, item):
        raise PermissionDenied
    form = letter_forms.CopyForm(posted(request), standing=standing, item=item)
    intro = "The new recipients get the item with every copy named at its foot."
    if item.confidential:
        intro += (
            f" It is confidential ({item.confidential_reason}): it cannot go to anyone outside "
            "the council."
        )
    return form_action(
        request,
        standing,
        form,
        lambda data: letters.item_copy(
            item=item, recipients=form.recipients(), acting_user=standing.user
        ),
        done=lambda copied: f"Copied to {', '.join(r.name for r in copied)}.",
        # The service gives the new recipients; back to the item (also the page's "Back").
        next_url=item.get_absolute_url(),
        title=f"Copy “{item.subject}” to others",
        submit="Copy it",
        intro=intro,
    )
