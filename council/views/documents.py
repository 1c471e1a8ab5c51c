"""The document register: the list, adding, changing and replacing a file, and the download (the
policy is asked first; there is no public URL for any file)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import forms, policy, services
from ..lib.pagination import page_of
from ..models import Document
from ..shortcuts import council_page, form_page, posted, run_service, stream_document


@council_page(policy.can_view_register)
def documents(request, standing):
    page = page_of(
        request,
        Document.objects.for_council(standing.council)
        .select_related("committee")
        .order_by("-updated_at", "-id"),
    )
    return render(
        request,
        "council/documents.html",
        {"standing": standing, "documents": page.object_list, "page": page},
    )


@council_page(policy.can_manage_documents)
def document_new(request, standing):
    form = forms.DocumentForm(*posted(request, files=True), council=standing.council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = run_service(
            form,
            lambda: services.document_create(
                council=standing.council,
                title=data["title"],
                description=data["description"],
                classification=data["classification"],
                committee=data["committee"],
                file=data["file"],
                acting_user=request.user,
            ),
        )
        if document:
            messages.success(request, f"{document} is added to the register.")
            return redirect("council:document_detail", standing.council.slug, document.pk)
    return form_page(
        request,
        standing,
        form,
        title="Add a document",
        submit="Upload document",
        back=reverse("council:documents", args=[standing.council.slug]),
        multipart=True,
    )


@council_page(policy.can_view_register)
def document_detail(request, standing, pk):
    document = policy.get_in_council(
        standing, Document, pk, select_related=["committee", "uploaded_by"]
    )
    return render(
        request,
        "council/document_detail.html",
        {
            "standing": standing,
            "document": document,
            "can_download": policy.can_download_document(standing, document),
        },
    )


@council_page(policy.can_manage_documents)
def document_edit(request, standing, pk):
    document = policy.get_in_council(standing, Document, pk)
    form = forms.DocumentEditForm(posted(request), instance=document, council=standing.council)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.document_update(document=form.instance, acting_user=request.user)
        ):
            messages.success(request, f"{document} is saved.")
            return redirect("council:document_detail", standing.council.slug, document.pk)
    return form_page(
        request,
        standing,
        form,
        title=f"Change {document}",
        submit="Save changes",
        back=reverse("council:document_detail", args=[standing.council.slug, pk]),
    )


@council_page(policy.can_manage_documents)
def document_replace(request, standing, pk):
    document = policy.get_in_council(standing, Document, pk)
    form = forms.DocumentReplaceForm(*posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.document_replace_file(
                document=document, file=form.cleaned_data["file"], acting_user=request.user
            ),
        ):
            messages.success(request, f"The file of {document} is replaced.")
            return redirect("council:document_detail", standing.council.slug, document.pk)
    return form_page(
        request,
        standing,
        form,
        title=f"Replace the file of {document}",
        submit="Upload new file",
        multipart=True,
        back=reverse("council:document_detail", args=[standing.council.slug, pk]),
        intro="The old file stays in the document's history.",
    )


@council_page(policy.can_view_register)
def document_download(request, standing, pk):
    document = policy.get_in_council(standing, Document, pk)
    if not policy.can_download_document(standing, document):
        raise PermissionDenied
    services.document_open(standing=standing, document=document)
    return stream_document(document)
