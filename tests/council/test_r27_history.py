"""R27: every change to roles, documents and the council's structure is recorded (who, when, what
changed), and those allowed to see the object can see its history."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from council import services
from council.models import Committee, Council, Document, GroupMembership, Role, Seat, User


def test_r27_every_domain_model_keeps_history():
    for model in (Council, User, Role, Committee, Seat, GroupMembership, Document):
        assert hasattr(model, "history"), model


def test_r27_history_rows_record_the_acting_user_of_a_service(cast):
    role = cast.councillor.roles.get()
    services.role_change_dates(
        role=role,
        starts_on=role.starts_on,
        ends_on=timezone.localdate() + timedelta(days=5),
        acting_user=cast.clerk,
    )
    latest = role.history.order_by("-history_date").first()
    assert latest.history_user == cast.clerk
    assert latest.history_type == "~"
    assert latest.ends_on == timezone.localdate() + timedelta(days=5)


def test_r27_a_change_made_through_a_page_records_who_made_it(cast, client_for):
    role = cast.councillor.roles.get()
    new_end = timezone.localdate() + timedelta(days=100)
    response = client_for("clerk").post(
        reverse("council:role_edit", args=[cast.council.slug, role.pk]),
        {"starts_on": role.starts_on.isoformat(), "ends_on": new_end.isoformat()},
    )
    assert response.status_code == 302
    latest = role.history.order_by("-history_date").first()
    assert (latest.history_user, latest.ends_on) == (cast.clerk, new_end)


def test_r27_history_page_shows_who_changed_which_field_from_what_to_what(cast, client_for):
    document = cast.committee_document
    document.classification = Document.Classification.CONFIDENTIAL
    services.document_update(document=document, acting_user=cast.rfo)
    response = client_for("clerk").get(
        reverse("council:history", args=[cast.council.slug, "document", document.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Changed by Chris Patel" in page
    assert "<td>Classification</td><td>Committee</td><td>Confidential</td>" in page
    assert "Created by Jordan Ashby" in page


def test_r27_history_is_refused_to_those_who_cannot_see_the_object(cast, client_for):
    url = reverse(
        "council:history", args=[cast.council.slug, "role", cast.councillor.roles.get().pk]
    )
    assert client_for("clerk").get(url).status_code == 200
    assert client_for("councillor").get(url).status_code == 403
    assert client_for("other_council").get(url).status_code == 404
    # An unknown kind of record, or one of another council, is not found.
    other_role = cast.other_council.roles.get()
    for bad in (
        reverse("council:history", args=[cast.council.slug, "role", other_role.pk]),
        reverse("council:history", args=[cast.council.slug, "nonsense", 1]),
        reverse("council:history", args=[cast.council.slug, "council", cast.other.pk]),
    ):
        assert client_for("clerk").get(bad).status_code == 404


def test_r27_history_page_query_count_does_not_grow_with_history(
    cast, client_for, django_assert_num_queries
):
    document = cast.committee_document
    url = reverse("council:history", args=[cast.council.slug, "document", document.pk])
    client = client_for("clerk")
    client.get(url)  # warm the session

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(20):
        document.title = f"Title {n}"
        services.document_update(document=document, acting_user=cast.clerk)
    assert count() == before
