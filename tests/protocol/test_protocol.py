"""The protocol: drafting, adoption (R24), review reminders (R25), acknowledgements (R26), and
the public pages."""

import gzip
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from council.models import Council, Notification
from protocol import services
from protocol.model_text import MODEL_SECTIONS
from protocol.models import Acknowledgement, Expectation, ProtocolVersion, Section

TODAY = timezone.localdate


def adopt(version, clerk, adopted_on=None, review_on=None, minute="26/01"):
    adopted_on = adopted_on or TODAY()
    return services.version_adopt(
        version=version,
        adopted_on=adopted_on,
        minute_reference=minute,
        review_on=review_on or adopted_on + timedelta(days=365),
        acting_user=clerk,
    )


@pytest.fixture
def adopted(cast):
    """Version 1 of Little Wickham's protocol, from the model, adopted today."""
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    return adopt(draft, cast.clerk)


def url(cast, name, *args):
    return reverse(f"protocol:{name}", args=[cast.council.slug, *args])


# ---------------------------------------------------------------------------------------------
# The model protocol and the structure
# ---------------------------------------------------------------------------------------------


def test_a_new_council_starts_from_the_model_protocol(cast):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    sections = list(draft.sections.order_by("position"))
    assert draft.status == "draft"
    assert len(sections) == len(MODEL_SECTIONS) >= 20
    assert [s.number for s in sections] == [s["number"] for s in MODEL_SECTIONS]
    for direction in Expectation.Direction.values:
        assert Expectation.objects.filter(section__version=draft, direction=direction).count() >= 8
    # The history names the clerk, also for rows made in bulk (R27).
    assert Section.history.filter(history_user=cast.clerk).count() == len(sections)


def test_sections_have_stable_anchors_for_citing():
    assert Section(number="3.2").anchor == "section-3-2"
    assert Section(number="10").anchor == "section-10"


def test_clerk_edits_a_draft_adds_reorders_and_removes_sections(cast, client_for):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    client = client_for("clerk")
    response = client.post(
        url(cast, "section_new", draft.pk),
        {"number": "12", "heading": "Social media", "body": "Think before you post."},
    )
    assert response.status_code == 302
    new = draft.sections.get(number="12")
    assert new.position == draft.sections.count()
    client.post(url(cast, "section_move", new.pk), {"direction": "up"})
    new.refresh_from_db()
    assert new.position == draft.sections.count() - 1
    response = client.post(
        url(cast, "expectation_new", new.pk),
        {"direction": "from_councillors", "text": "Not to name officers in posts."},
    )
    assert new.expectations.get().text == "Not to name officers in posts."
    client.post(
        url(cast, "expectation_new", new.pk),
        {"direction": "from_councillors", "text": "To check facts first."},
    )
    second = new.expectations.get(text="To check facts first.")
    client.post(url(cast, "expectation_move", second.pk), {"direction": "up"})
    assert [e.text for e in new.expectations.order_by("position")] == [
        "To check facts first.",
        "Not to name officers in posts.",
    ]
    response = client.post(url(cast, "section_delete", new.pk))
    assert not draft.sections.filter(number="12").exists()
    # A duplicate number is refused with a clear message.
    response = client.post(
        url(cast, "section_new", draft.pk), {"number": "1", "heading": "Again", "body": ""}
    )
    assert b"Another section of this version has that number." in response.content


# ---------------------------------------------------------------------------------------------
# R24: versions kept for ever; adopted versions never change; only the Proper Officer edits.
# ---------------------------------------------------------------------------------------------


def test_r24_adoption_publishes_the_draft_and_supersedes_the_previous_version(cast, adopted):
    draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
    assert draft.number == 2
    assert draft.sections.count() == adopted.sections.count()
    adopt(draft, cast.clerk, adopted_on=TODAY(), minute="26/99")
    adopted.refresh_from_db()
    draft.refresh_from_db()
    assert (adopted.status, adopted.superseded_on) == ("superseded", TODAY())
    assert (draft.status, draft.minute_reference) == ("adopted", "26/99")
    assert ProtocolVersion.objects.adopted().filter(council=cast.council).get() == draft
    assert ProtocolVersion.objects.published().filter(council=cast.council).count() == 2


def test_r24_a_version_is_adopted_on_or_after_the_one_it_replaces_and_not_in_the_future(
    cast, adopted
):
    # Issue 18: a version "adopted 1 January 2020" after one adopted in 2026 became "In force".
    draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
    for adopted_on, field, message in [
        (TODAY() - timedelta(days=1), "adopted_on", "was adopted on"),
        (TODAY() + timedelta(days=1), "adopted_on", "cannot be in the future"),
    ]:
        with pytest.raises(ValidationError) as refused:
            adopt(draft, cast.clerk, adopted_on=adopted_on)
        assert message in " ".join(refused.value.message_dict[field])
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert ProtocolVersion.objects.adopted().get(council=cast.council) == adopted


def test_r25_the_review_date_of_an_adoption_is_after_today(cast):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    with pytest.raises(ValidationError) as refused:
        adopt(draft, cast.clerk, adopted_on=date(2020, 1, 1), review_on=date(2020, 6, 1))
    assert "after today" in " ".join(refused.value.message_dict["review_on"])
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_r24_adopted_versions_cannot_be_edited(cast, adopted):
    section = adopted.sections.first()
    expectation = Expectation.objects.filter(section__version=adopted).first()
    before = (Section.history.count(), Expectation.history.count())
    section.heading = "Changed"
    attempts = [
        lambda: services.section_save(section=section, acting_user=cast.clerk),
        lambda: services.section_move(section=section, up=False, acting_user=cast.clerk),
        lambda: services.section_delete(section=section, acting_user=cast.clerk),
        lambda: services.expectation_save(expectation=expectation, acting_user=cast.clerk),
        lambda: services.expectation_move(expectation=expectation, up=True, acting_user=cast.clerk),
        lambda: services.expectation_delete(expectation=expectation, acting_user=cast.clerk),
        lambda: adopt(adopted, cast.clerk),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="an adopted version never changes"):
            attempt()
    assert (Section.history.count(), Expectation.history.count()) == before
    assert Section.objects.get(pk=section.pk).heading != "Changed"


def test_r24_editing_an_adopted_version_through_the_pages_is_refused(cast, adopted, client_for):
    section = adopted.sections.first()
    response = client_for("clerk").post(
        url(cast, "section_edit", section.pk),
        {"number": section.number, "heading": "Changed", "body": ""},
        follow=True,
    )
    assert b"an adopted version never changes" in response.content
    section.refresh_from_db()
    assert section.heading != "Changed"


@pytest.mark.parametrize("name", ["chair", "councillor", "rfo", "officer"])
def test_r24_nobody_but_the_proper_officer_edits_the_protocol(cast, client_for, name):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    section = draft.sections.first()
    client = client_for(name)
    response = client.post(
        url(cast, "section_edit", section.pk), {"number": "1", "heading": "Mine", "body": ""}
    )
    assert response.status_code == 403
    assert client.post(url(cast, "adopt", draft.pk), {}).status_code == 403
    section.refresh_from_db()
    assert section.heading != "Mine"


def test_r24_adoption_needs_a_date_a_minute_and_a_later_review_date(cast, client_for):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    client = client_for("clerk")
    response = client.post(url(cast, "adopt", draft.pk), {})
    page = response.content.decode()
    for message in (
        "Enter the date: date adopted",
        "Enter minute reference",
        "Enter the date: review by",
    ):
        assert message in page
    response = client.post(
        url(cast, "adopt", draft.pk),
        {"adopted_on": "2026-05-01", "minute_reference": "26/5", "review_on": "2026-04-01"},
    )
    assert "The review date must be after the date of adoption." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_r24_one_draft_at_a_time(cast):
    services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    with pytest.raises(ValidationError, match="There is already a draft"):
        services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)


def test_r24_public_sees_adopted_version_with_its_dates_and_earlier_versions(cast, adopted, client):
    draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
    section = draft.sections.get(number="1")
    section.body = "A rewritten first section for version two."
    services.section_save(section=section, acting_user=cast.clerk)
    adopt(draft, cast.clerk, minute="26/200")
    page = client.get(url(cast, "current")).content.decode()
    assert "A rewritten first section for version two." in page
    assert "minute 26/200" in page
    assert f'href="#{section.anchor}"' in page and f'id="{section.anchor}"' in page
    versions = client.get(url(cast, "versions")).content.decode()
    assert "Version 1" in versions and "Version 2" in versions
    old = client.get(url(cast, "version", 1)).content.decode()
    assert "This version was replaced" in old
    assert "A rewritten first section" not in old
    changes = client.get(url(cast, "changes", 2)).content.decode()
    assert "1 section changed" in changes
    inserted = changes.split("<ins>", 1)[1].split("</ins>", 1)[0]
    assert inserted.startswith("A rewritten first section")
    assert "<del>" in changes


def test_r24_drafts_are_never_public(cast, client):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    page = client.get(url(cast, "current")).content.decode()
    assert "has not adopted a protocol" in page
    assert client.get(url(cast, "version", draft.number)).status_code == 404
    assert client.get(url(cast, "changes", draft.number)).status_code == 404


def test_public_protocol_page_is_validated_by_etag_and_changes_at_once(cast, adopted, client):
    first = client.get(url(cast, "current"))
    assert "no-cache" in first["Cache-Control"]
    again = client.get(url(cast, "current"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
    adopt(draft, cast.clerk)
    after = client.get(url(cast, "current"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert "Version</dt><dd>2" in after.content.decode()


def test_public_protocol_page_is_served_from_memory_until_a_new_adoption_shows_at_once(
    cast, adopted, client, django_assert_num_queries
):
    # First visitor: the key (latest published version and the council's name), the council,
    # the adopted version, its sections, their expectations.
    with django_assert_num_queries(5):
        first = client.get(url(cast, "current"))
    # Everyone after: the key only; the page comes from memory, the same bytes.
    with django_assert_num_queries(1):
        again = client.get(url(cast, "current"))
    assert again.content == first.content
    assert "no-cache" in again["Cache-Control"]
    draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
    adopt(draft, cast.clerk)
    after = client.get(url(cast, "current")).content.decode()
    assert "Version</dt><dd>2" in after
    # Renaming the council shows at once too: its name is part of the key.
    Council.objects.filter(pk=cast.council.pk).update(name="Little Wickham Town Council")
    assert "Little Wickham Town Council" in client.get(url(cast, "current")).content.decode()


def test_public_protocol_page_is_sent_compressed_to_browsers_that_accept_gzip(
    cast, adopted, client
):
    plain = client.get(url(cast, "current"))
    for _ in range(2):  # the page as rendered, then from memory
        packed = client.get(url(cast, "current"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"]
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 3
    assert "Content-Encoding" not in client.get(url(cast, "current"))


def test_public_protocol_page_is_never_served_from_memory_to_someone_signed_in(
    cast, adopted, client, client_for
):
    client.get(url(cast, "current"))  # cached for visitors
    page = client_for("councillor").get(url(cast, "current")).content.decode()
    assert "Sign out" in page
    assert "Sign out" not in client.get(url(cast, "current")).content.decode()


def test_public_protocol_page_query_count_does_not_grow(
    cast, adopted, client, django_assert_num_queries
):
    # The key (latest published version), council, the adopted version, its sections, their
    # expectations
    with django_assert_num_queries(5):
        client.get(url(cast, "current"))
    for n in range(4):
        draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
        for i in range(20):
            Section.objects.create(
                version=draft,
                position=100 + i,
                number=f"9{n}.{i}",
                heading="More",
                body="More text",
            )
        adopt(draft, cast.clerk, minute=f"m{n}")
    with django_assert_num_queries(5):
        response = client.get(url(cast, "current"))
    assert "93.19 More" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# R25: review reminders.
# ---------------------------------------------------------------------------------------------


def reminders():
    return list(
        Notification.objects.filter(kind="protocol_review")
        .order_by("id")
        .values_list("user__email", "key")
    )


def test_r25_clerk_and_chair_are_reminded_90_30_and_7_days_before_then_weekly(cast):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    review_on = date(2027, 6, 30)
    adopt(draft, cast.clerk, adopted_on=date(2026, 6, 30), review_on=review_on)
    sent_on = {}
    day = review_on - timedelta(days=120)
    while day <= review_on + timedelta(days=21):
        count = services.review_reminders_send(today=day)
        if count:
            sent_on[(review_on - day).days] = count
        day += timedelta(days=1)
    # Each stage once, to both the clerk and the chair: 90, 30, 7 days before, on the day, and
    # 7, 14 and 21 days after.
    assert sent_on == {90: 2, 30: 2, 7: 2, 0: 2, -7: 2, -14: 2, -21: 2}
    assert {email for email, _ in reminders()} == {"clerk@example.org", "chair@example.org"}
    # Running the sweep again on any of those days sends nothing more.
    for days in (90, 30, 7, 0, -7):
        assert services.review_reminders_send(today=review_on - timedelta(days=days)) == 0


def test_r25_a_late_first_sweep_sends_only_the_nearest_reminder(cast):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    adopt(draft, cast.clerk, adopted_on=TODAY(), review_on=TODAY() + timedelta(days=20))
    assert services.review_reminders_send() == 2
    assert all(key.split(":")[3] == "30" for _, key in reminders())


def test_r25_review_reminders_run_from_celery_beat_on_travelled_time(cast):
    from protocol.tasks import send_review_reminders

    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    adopt(draft, cast.clerk, adopted_on=TODAY(), review_on=TODAY() + timedelta(days=100))
    assert send_review_reminders.apply().get() == 0
    with time_machine.travel(TODAY() + timedelta(days=10), tick=False):
        assert send_review_reminders.apply().get() == 2
        assert send_review_reminders.apply().get() == 0


def test_r25_the_review_date_shows_on_the_clerks_home_page(cast, client_for):
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    adopt(draft, cast.clerk, adopted_on=TODAY(), review_on=TODAY() + timedelta(days=5))
    page = client_for("clerk").get(reverse("council:home", args=[cast.council.slug]))
    assert "in 5 days" in page.content.decode()
    page = client_for("councillor").get(reverse("council:home", args=[cast.council.slug]))
    assert "Review due" not in page.content.decode()


# ---------------------------------------------------------------------------------------------
# R26: acknowledgements.
# ---------------------------------------------------------------------------------------------


def test_r26_adoption_asks_every_councillor_and_officer_to_acknowledge(cast, adopted):
    asked = set(
        Notification.objects.filter(kind="protocol_acknowledge").values_list(
            "user__email", flat=True
        )
    )
    assert asked == {
        "clerk@example.org",
        "chair@example.org",
        "vicechair@example.org",
        "councillor@example.org",
        "councillor2@example.org",
        "personnel@example.org",
        "rfo@example.org",
        "officer@example.org",
    }


def test_r26_prompt_shows_until_acknowledged_and_a_new_version_asks_again(
    cast, adopted, client_for
):
    client = client_for("councillor")
    home = reverse("council:home", args=[cast.council.slug])
    assert "I have read version 1" in client.get(home).content.decode()
    response = client.post(url(cast, "acknowledge"), {"version": adopted.pk})
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(version=adopted, user=cast.councillor).exists()
    assert "I have read version 1" not in client.get(home).content.decode()
    # Twice changes nothing.
    client.post(url(cast, "acknowledge"), {"version": adopted.pk})
    assert Acknowledgement.objects.filter(user=cast.councillor).count() == 1
    draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
    adopt(draft, cast.clerk)
    assert "I have read version 2" in client.get(home).content.decode()


def test_r26_a_superseded_version_cannot_be_acknowledged(cast, adopted):
    draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
    adopt(draft, cast.clerk)
    adopted.refresh_from_db()
    with pytest.raises(ValidationError, match="only acknowledge the version in force"):
        services.acknowledgement_record(version=adopted, user=cast.councillor)


def test_r26_clerk_sees_who_has_acknowledged_and_can_remind_the_rest(cast, adopted, client_for):
    services.acknowledgement_record(version=adopted, user=cast.councillor)
    client = client_for("clerk")
    page = client.get(url(cast, "acknowledgements")).content.decode()
    assert "1 of the 8 councillors and officers" in page
    waiting = page.split("Not yet acknowledged")[1].split("Acknowledged (")[0]
    assert "Bea Lewis" in waiting and "Alex Morgan" not in waiting
    before = Notification.objects.count()
    client.post(url(cast, "acknowledgements_remind"))
    assert Notification.objects.count() == before + 7
    client.post(url(cast, "acknowledgements_remind"))  # once a day at most
    assert Notification.objects.count() == before + 7


def test_former_councillors_and_other_councils_are_not_asked(cast, adopted):
    asked = Notification.objects.filter(kind="protocol_acknowledge")
    assert not asked.filter(user__in=[cast.former, cast.other_council]).exists()


# ---------------------------------------------------------------------------------------------
# Import through the page and the command
# ---------------------------------------------------------------------------------------------

SMALL = """Protocol for Testing

1. Purpose
This document is a short test.

2. Expectations
2.1 Councillors can expect from officers:
- prompt replies
- politeness

2.2 Officers can expect from councillors:
- respect
- clear requests
"""


def test_import_through_the_page_shows_a_summary_then_makes_a_draft(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("clerk")
    preview = client.post(
        url(cast, "import"), {"file": SimpleUploadedFile("ours.txt", SMALL.encode())}
    )
    page = preview.content.decode()
    assert "Check what was recognised" in page
    assert ProtocolVersion.objects.count() == 0  # nothing saved before the clerk confirms
    text = preview.context["form"].initial["text"]
    response = client.post(url(cast, "import_confirm"), {"text": text, "filename": "ours.txt"})
    draft = ProtocolVersion.objects.get()
    assert response["Location"] == url(cast, "draft", draft.pk)
    assert draft.status == "draft" and draft.source == "Imported from ours.txt"
    assert Expectation.objects.filter(section__version=draft).count() == 4


def test_import_of_a_file_of_the_wrong_kind_is_refused_and_creates_nothing(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("clerk").post(
        url(cast, "import"), {"file": SimpleUploadedFile("ours.pdf", b"%PDF-1.4")}
    )
    assert "Upload a .docx, .txt or .md file." in response.content.decode()
    response = client_for("clerk").post(
        url(cast, "import"), {"file": SimpleUploadedFile("ours.docx", b"not a zip")}
    )
    assert "There is a problem" in response.content.decode()
    assert ProtocolVersion.objects.count() == 0


def test_import_protocol_command(cast, tmp_path, capsys):
    path = tmp_path / "ours.md"
    path.write_text(SMALL)
    call_command("import_protocol", "--council", cast.council.slug, str(path))
    draft = ProtocolVersion.objects.get(council=cast.council)
    assert draft.status == "draft"
    assert "Saved as draft version 1" in capsys.readouterr().out


def test_import_keeps_text_it_cannot_place(cast):
    from protocol.importer import parse_protocol

    parsed = parse_protocol("Some words before any heading.\n\n1. Purpose\nThe purpose.\n")
    draft = services.draft_import(
        council=cast.council, parsed=parsed, filename="x.txt", acting_user=cast.clerk
    )
    first = draft.sections.order_by("position").first()
    assert first.heading == services.UNPLACED_HEADING
    assert "Some words before any heading." in first.body


def test_home_panel_query_count_is_fixed(cast, adopted, client_for):
    client = client_for("councillor")
    home = reverse("council:home", args=[cast.council.slug])
    client.get(home)
    with CaptureQueriesContext(connection) as ctx:
        client.get(home)
    before = len(ctx.captured_queries)
    services.acknowledgement_record(version=adopted, user=cast.councillor)
    with CaptureQueriesContext(connection) as ctx:
        client.get(home)
    assert len(ctx.captured_queries) == before


def test_seed_demo_adopts_little_wickhams_protocol_and_leaves_cwm_dulais_without(db, capsys):
    call_command("seed_demo")
    assert ProtocolVersion.objects.adopted().get().council.slug == "little-wickham"
    assert not ProtocolVersion.objects.filter(council__slug="cwm-dulais").exists()
    call_command("seed_demo")  # a second run changes nothing
    assert ProtocolVersion.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Line breaks: browsers send CRLF; "what changed" must not show changes nobody made (issue 18)
# ---------------------------------------------------------------------------------------------


def test_a_section_saved_with_the_browsers_line_breaks_and_no_edit_has_not_changed(
    cast, client_for, adopted
):
    from protocol import diff

    draft = services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)
    section = draft.sections.filter(body__contains="\n").order_by("position").first()
    response = client_for("clerk").post(
        url(cast, "section_edit", section.pk),
        {
            "number": section.number,
            "heading": section.heading,
            "body": section.body.replace("\n", "\r\n"),  # as a browser sends the textarea
        },
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert "\r" not in section.body
    changes = {change.number: change for change in diff.compare(adopted, draft)}
    assert changes[section.number].status == diff.UNCHANGED
    assert changes[section.number].body == []


def test_the_protocols_stored_crlf_line_breaks_are_migrated_to_plain_ones(cast, adopted):
    import importlib

    from django.apps import apps

    section = adopted.sections.filter(body__contains="\n").order_by("position").first()
    words = section.body
    Section.objects.filter(pk=section.pk).update(body=words.replace("\n", "\r\n"))
    expectation = Expectation.objects.filter(section__version=adopted).first()
    Expectation.objects.filter(pk=expectation.pk).update(text=expectation.text + "\r\nMore.")
    migration = importlib.import_module("protocol.migrations.0002_normalise_line_breaks")
    migration.normalise(apps, None)
    section.refresh_from_db()
    expectation.refresh_from_db()
    assert section.body == words
    assert expectation.text.endswith("\nMore.") and "\r" not in expectation.text
