"""The shapes every app's views share: a council's page (signed in, a role there, the policy's
answer), a form bound only on POST, the page that runs one service from a form, and a document
streamed as a private download."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render

from . import forms, policy
from .lib.pagination import page_of
from .models import Document

MAX_LIST = 200  # long lists are bounded; the register pages by this many rows


def council_page(predicate=None):
    """Decorate a view of one council's pages: the person must be signed in, hold a current role
    in the council (else 404) and, if given, satisfy the policy predicate (else 403). The view
    receives the standing in place of the council's slug."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, council_slug, *args, **kwargs):
            standing = policy.get_standing_for_request(request, council_slug)
            if predicate is not None and not predicate(standing):
                raise PermissionDenied
            request.standing = standing
            return view(request, standing, *args, **kwargs)

        return wrapper

    return decorator


def posted(request, files=False):
    """A form's data: bound on POST (even an empty one, so that it shows its errors), unbound on
    GET. `request.POST or None` would leave an empty POST unbound and silently do nothing."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def form_page(
    request,
    standing,
    form,
    *,
    title,
    submit,
    back=None,
    intro="",
    multipart=False,
    template="council/form_page.html",
    context=None,
):
    """A form on a page: the shared layout (council/form_page.html), or a page of its own."""
    return render(
        request,
        template,
        {
            "standing": standing,
            "form": form,
            "title": title,
            "submit": submit,
            "back": back,
            "intro": intro,
            "multipart": multipart,
            **(context or {}),
        },
    )


def form_action(
    request,
    standing,
    form,
    action,
    *,
    done,
    next_url=None,
    title,
    submit,
    back=None,
    intro="",
    multipart=False,
    template="council/form_page.html",
    context=None,
):
    """The shape of a page that runs one service from a form: on a valid POST, call
    `action(form.cleaned_data)` (a ValidationError becomes form errors, nothing lost), say `done`
    and go to `next_url`; otherwise show the form, bound to what was sent.

    `done` is the message, or a function of the service's result that gives it. `next_url` is a
    URL, or a function of the result that gives a URL or an object; left out, it is the result
    itself (its `get_absolute_url`). `back` is the page's "Back" link (`next_url` when that is a
    URL). A page of its own (`template`, with `context`) gets the same context as the shared one.
    """
    if request.method == "POST" and form.is_valid():
        result = run_service(form, lambda: action(form.cleaned_data))
        if result:
            messages.success(request, done(result) if callable(done) else done)
            target = next_url(result) if callable(next_url) else (next_url or result)
            return redirect(target)
    if back is None and isinstance(next_url, str):
        back = next_url
    return form_page(
        request,
        standing,
        form,
        title=title,
        submit=submit,
        back=back,
        intro=intro,
        multipart=multipart,
        template=template,
        context=context,
    )


def list_page(request, standing, items, template, *, name, context=None):
    """A list page: one page of `items` (a queryset, ordered; council.lib.pagination.page_of)
    in the template as `name`, with `page` for the links to the pages beside it."""
    page = page_of(request, items)
    return render(
        request,
        template,
        {"standing": standing, name: page.object_list, "page": page, **(context or {})},
    )


def run_service(form, action):
    """Call a service; a ValidationError becomes form errors. Returns the result, or None."""
    try:
        return action()
    except ValidationError as error:
        forms.apply_service_error(form, error)
        return None


def stream_document(document: Document) -> FileResponse:
    """A document's file, streamed as a download that no shared cache keeps. Callers check the
    policy first: there is no public URL for any file."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
