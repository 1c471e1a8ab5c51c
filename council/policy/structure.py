"""The council itself: people, structure, documents, the protocol, history and personal data,
and the lookups that fetch a council's objects (404 alike for "not there" and "not yours")."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from council.models import (
    Committee,
    Council,
    Document,
    GroupMembership,
    PoliticalGroup,
    Role,
    Seat,
    User,
)

from .standing import Standing

RoleKind = Role.Kind

# ---------------------------------------------------------------------------------------------
# Predicates. R2: none of them looks at a councillor's political group, and the chair's only
# extras are those named in DESIGN §4 (none yet in the foundation: escalations come with concerns).
# ---------------------------------------------------------------------------------------------


def can_view_council_home(standing: Standing) -> bool:
    """Any current role gives a home page in the council (R1)."""
    return standing.is_member


def can_manage_people(standing: Standing) -> bool:
    """Adding people and appointing them is the Proper Officer's job (R3)."""
    return standing.is_proper_officer


def can_manage_structure(standing: Standing) -> bool:
    """Committees, seats and political groups are kept by the Proper Officer (R3)."""
    return standing.is_proper_officer


def can_edit_council_settings(standing: Standing) -> bool:
    """The council's own details (response time, monitoring officer) are kept by the Proper
    Officer (R3)."""
    return standing.is_proper_officer


def can_view_structure(standing: Standing) -> bool:
    """Committees, their members and political groups are for councillors and officers (R2: all
    councillors alike)."""
    return standing.is_councillor_or_officer


def can_view_register(standing: Standing) -> bool:
    """The document register's titles and classifications are for councillors and officers; the
    content of a document is a separate question (can_download_document)."""
    return standing.is_councillor_or_officer


def can_manage_documents(standing: Standing) -> bool:
    """Uploading, classifying and replacing documents is for officers."""
    return standing.is_officer


def can_download_document(standing: Standing, document: Document) -> bool:
    """Whether a person may open a document's content."""
    # The document must belong to the council in which the standing was worked out.
    if document.council_id != standing.council.id:
        return False
    # Officers keep the register and may open everything in it.
    if standing.is_officer:
        return True
    # Anyone with a role here may open a public document.
    if document.classification == Document.Classification.PUBLIC:
        return standing.is_member
    # Everything else reaches a councillor only through an information request (R5–R8).
    return False


def can_edit_protocol(standing: Standing) -> bool:
    """R24: the Proper Officer drafts protocol versions and records their adoption; nobody else
    edits."""
    return standing.is_proper_officer


def can_acknowledge_protocol(standing: Standing) -> bool:
    """R26: councillors and officers acknowledge the adopted protocol."""
    return standing.is_councillor_or_officer


def can_assign_work(standing: Standing) -> bool:
    """R3: only the Proper Officer (or whoever acts as such today, R4) gives work to staff;
    councillors' requests and instructions go to the Proper Officer."""
    return standing.is_proper_officer


def can_export_personal_data(standing: Standing, person: User) -> bool:
    """UK GDPR art. 15 (subject access): who may download everything a council holds about a
    person of the council (the lookup, get_person_for_user, has checked that they are one)."""
    # Everyone may have a copy of what is held about them.
    if person.pk == standing.user.pk:
        return True
    # R3: the Proper Officer answers subject access requests made to the council.
    return standing.is_proper_officer


def can_view_history(standing: Standing, obj) -> bool:
    """R27: those allowed to see an object can see its history."""
    if isinstance(obj, Council):
        return can_edit_council_settings(standing)
    if isinstance(obj, User | Role):
        return can_manage_people(standing)
    if isinstance(obj, Document):
        return can_view_register(standing)
    return can_view_structure(standing)


# ---------------------------------------------------------------------------------------------
# Lookups: scoped to the standing's council before fetching; "not here" and "not yours" alike 404.
# ---------------------------------------------------------------------------------------------

# How each kind of object reaches its council.
COUNCIL_PATH = {
    Committee: "council",
    Seat: "committee__council",
    Document: "council",
    Role: "council",
    PoliticalGroup: "council",
    GroupMembership: "group__council",
}


def get_in_council(standing: Standing, model, pk: int, *, select_related=()):
    """Fetch an object of the standing's council, or 404."""
    qs = model.objects.filter(**{COUNCIL_PATH[model]: standing.council})
    if select_related:
        qs = qs.select_related(*select_related)
    return get_object_or_404(qs, pk=pk)


def get_person_for_user(standing: Standing, user_id: int) -> User:
    """A person who holds (or held, or will hold) a role in the standing's council, or 404."""
    people = User.objects.filter(roles__council=standing.council).distinct()
    return get_object_or_404(people, pk=user_id)
