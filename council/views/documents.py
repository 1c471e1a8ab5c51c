"""The document register: the list, adding, changing and replacing a file, and the download (the
policy is asked first; there is no public URL for any file)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from .. import forms, policy, services
from ..models import Document
from ..shortcuts import council_page, form_action, list_page, posted, stream_document


@council_page(policy.can_view_register)
def documents(request, standing):
    return list_page(
        request,
        standing,
        Document.objects.for_council(standing.council)
        .select_related("committee")
        .order_by("-updated_at", "-id"),
        "council/documents.html",
        name="documents",
    )


@council_page(policy.can_manage_documents)
def document_new(request, standing):
    return form_action(
        request,
        standing,
        forms.DocumentForm(*posted(request, files=True), council=standing.council),
        lambda data: services.document_create(
            council=standing.council,
            title=data["title"],
            description=data["description"],
            classification=data["classification"],
            committee=data["committee"],
            file=data["file"],
            acting_user=request.user,
        ),
        done=lambda document: f"{document} is added to the register.",
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
    return form_action(
        request,
        standing,
        form,
        lambda data: services.document_update(document=form.instance, acting_user=request.user),
        done=lambda saved: f"{saved} is saved.",
        title=f"Change {document}",
        submit="Save changes",
        back=reverse("council:document_detail", args=[standing.council.slug, pk]),
    )


@council_page(policy.can_manage_documents)
def document_replace(request, standing, pk):
    document = policy.get_in_council(standing, Document, pk)
    return form_action(
        request,
        standing,
        forms.DocumentReplaceForm(*posted(request, files=True)),
        lambda data: services.document_replace_file(
            document=document, file=data["file"], acting_user=request.user
        ),
        done=f"The file of {document} is replaced.",
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
