"""The correspondence register (R10–R12): no silent copies, officers' signatures, and nothing
confidential to anyone outside the council. Emails really go out: one test delivers them to an
SMTP server on 127.0.0.1 and reads what arrived."""

from __future__ import annotations

import email
import re
import socket
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from correspondence.letters import services as letters
from correspondence.letters.forms import CopyForm, ItemForm
from correspondence.letters.services import To
from correspondence.models import Correspondence, Party, Recipient
from council.models import Notification
from council.policy import standing_for
from tests.query_counts import COUNCIL_PAGE, PAGE_OF

CC, TO = Recipient.Line.CC, Recipient.Line.TO
OUTSIDE = sorted(Party.outside())


def write(cast, recipients, *, send=True, **extra):
    """The clerk writes an email (and sends it): signed by the clerk unless said otherwise."""
    item = letters.item_draft(
        council=cast.council,
        kind=extra.pop("kind", Correspondence.Kind.EMAIL),
        subject=extra.pop("subject", "The bus shelter on Mill Lane"),
        body=extra.pop("body", "Thank you for your letter about the bus shelter."),
        recipients=recipients,
        signatory=extra.pop("signatory", cast.clerk),
        acting_user=cast.clerk,
        **extra,
    )
    return letters.item_send(item=item, acting_user=cast.clerk) if send else item


def outsider(party, line=TO, name="Sam Resident"):
    return To(line=line, party=party, name=name, email="sam@example.net", address="1 High St")


def confidential(**extra):
    return {
        "confidential": True,
        "confidential_reason": "legal advice",
        "confidential_statement": "The advice in paragraph 2 is legally privileged.",
        **extra,
    }


def counts():
    return (
        Correspondence.objects.count(),
        Correspondence.history.count(),
        Recipient.objects.count(),
        Notification.objects.count(),
    )


# ---------------------------------------------------------------------------------------------
# R10: no silent copies
# ---------------------------------------------------------------------------------------------


def test_r10_a_copy_to_a_councillor_carries_cc_at_its_foot_and_the_councillor_is_told(cast):
    item = write(cast, [To(user=cast.councillor), To(line=CC, user=cast.councillor2)])
    assert item.councillor == cast.councillor  # the councillor it answers
    text = letters.full_text(item)
    assert text.endswith(f"CC Councillor {cast.councillor2.name}")
    # Every message that went out carries the footer.
    sent = Notification.objects.filter(kind="correspondence")
    assert {n.user for n in sent} == {cast.councillor, cast.councillor2}
    assert all(n.body.endswith(f"CC Councillor {cast.councillor2.name}") for n in sent)
    # The original councillor is told, naming who received the copy; nobody else is.
    notice = Notification.objects.get(kind="correspondence_copy")
    assert notice.user == cast.councillor
    assert cast.councillor2.name in notice.subject
    assert item.subject in notice.body


@pytest.mark.parametrize("copied", ["councillor2", "chair", "vice_chair", "personnel"])
def test_r10_every_copy_to_another_councillor_is_told_once(cast, copied):
    item = write(cast, [To(user=cast.councillor), To(line=CC, user=cast.by_name(copied))])
    notices = Notification.objects.filter(kind="correspondence_copy", user=cast.councillor)
    assert notices.count() == 1
    assert cast.by_name(copied).name in notices.get().subject
    # Running the delivery again (a retried task) sends nothing more: the outbox keys.
    copy = item.recipients.get(line=CC)
    letters._tell_owner_of_copies(item, [copy])
    assert notices.count() == 1


def test_r10_a_copy_to_an_officer_is_in_the_footer_without_a_notice(cast):
    item = write(cast, [To(user=cast.councillor), To(line=CC, user=cast.rfo)])
    assert letters.full_text(item).endswith(f"CC {cast.rfo.name}")
    assert not Notification.objects.filter(kind="correspondence_copy").exists()


def test_r10_forwarding_later_tells_the_councillor_and_names_the_new_copy(cast):
    item = write(cast, [To(user=cast.councillor)])
    assert not Notification.objects.filter(kind="correspondence_copy").exists()
    letters.item_copy(item=item, recipients=[To(user=cast.chair)], acting_user=cast.clerk)
    notice = Notification.objects.get(kind="correspondence_copy")
    assert (notice.user, cast.chair.name in notice.subject) == (cast.councillor, True)
    forwarded = Notification.objects.get(kind="correspondence", user=cast.chair)
    assert forwarded.body.endswith(f"CC Councillor {cast.chair.name}")


def test_r10_there_is_no_blind_copy_anywhere(cast):
    assert set(Recipient.Line.values) == {"to", "cc"}
    standing = standing_for(cast.clerk, cast.council)
    item = write(cast, [To(user=cast.councillor)])
    fields = [*ItemForm(standing=standing).fields, *CopyForm(standing=standing, item=item).fields]
    assert not [f for f in fields if "bcc" in f or "blind" in f]
    assert not [f.name for f in Recipient._meta.fields if "bcc" in f.name or "blind" in f.name]


def test_r10_the_councillor_whose_correspondence_it_is_can_be_named(cast):
    item = write(
        cast,
        [
            To(party=Party.OTHER_BODY, name="County Highways", email="roads@example.net"),
            To(line=CC, user=cast.councillor2),
        ],
        councillor=cast.councillor,
    )
    assert Notification.objects.get(kind="correspondence_copy").user == cast.councillor
    assert item.councillor == cast.councillor


# ---------------------------------------------------------------------------------------------
# R11: signatories
# ---------------------------------------------------------------------------------------------


def test_r11_official_correspondence_goes_out_under_an_officers_name(cast):
    item = write(cast, [To(user=cast.councillor)], signatory=cast.rfo)
    assert letters.signature(item) == [
        cast.rfo.name,
        f"Responsible Financial Officer, {cast.council.name}",
    ]
    before = counts()
    for signatory, message in (
        (cast.councillor, letters.MSG_SIGNATORY_NOT_OFFICER.format(name=cast.councillor.name)),
        (None, letters.MSG_NO_SIGNATORY),
    ):
        with pytest.raises(ValidationError) as refused:
            write(cast, [To(user=cast.councillor)], signatory=signatory)
        assert refused.value.message_dict["signatory"] == [message]
    assert counts() == before


def test_r11_the_chair_signs_only_as_a_recorded_exception(cast):
    with pytest.raises(ValidationError) as refused:
        write(cast, [To(user=cast.councillor)], signatory=cast.chair)
    assert refused.value.message_dict["signatory"] == [letters.MSG_CHAIR_NEEDS_REASON]
    item = write(
        cast,
        [To(party=Party.OTHER_BODY, name="The Minister", email="minister@example.net")],
        signatory=cast.chair,
        signatory_exception="A representation to the Secretary of State about rural buses.",
    )
    assert letters.signature(item) == [cast.chair.name, f"Chair of {cast.council.name}"]
    assert item.history.first().signatory_exception.startswith("A representation")


def test_r11_a_councillor_signed_obligation_letter_is_refused_and_the_form_says_why(
    cast, client_for
):
    url = reverse("letters:item_new", args=[cast.council.slug])
    data = {
        "kind": "letter",
        "to_people": [cast.councillor.pk],
        "subject": "Contract for grass cutting",
        "body": "The council instructs you to start cutting the green on Monday.",
        "official": "on",
        "signatory": cast.chair.pk,
        "signatory_exception": "The clerk is away.",
        "creates_obligation": "on",
        "action": "send",
    }
    client = client_for("clerk")
    before = counts()
    page = client.post(url, data)
    assert page.status_code == 200
    assert escape(letters.MSG_OBLIGATION_IN_COUNCILLORS_NAME) in page.content.decode()
    assert counts() == before
    # The same letter under the clerk's name goes.
    response = client.post(url, {**data, "signatory": cast.clerk.pk})
    assert response.status_code == 302
    assert Correspondence.objects.get().status == Correspondence.Status.SENT


# ---------------------------------------------------------------------------------------------
# R12: confidentiality
# ---------------------------------------------------------------------------------------------


def test_r12_a_confidential_item_carries_its_reason_and_statement(cast, client_for):
    item = write(cast, [To(user=cast.councillor)], **confidential())
    text = letters.full_text(item)
    assert text.startswith("CONFIDENTIAL: The advice in paragraph 2 is legally privileged.")
    url = reverse("letters:item_detail", args=[cast.council.slug, item.pk])
    page = client_for("councillor").get(url).content.decode()
    assert "legally privileged" in page and "Why: legal advice" in page


@pytest.mark.parametrize("party", OUTSIDE)
@pytest.mark.parametrize("line", [TO, CC])
def test_r12_a_confidential_item_is_never_sent_outside_the_council(cast, party, line):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        write(cast, [To(user=cast.councillor), outsider(party, line)], **confidential())
    assert "cannot go to Sam Resident" in refused.value.message_dict["confidential"][0]
    assert counts() == before
    # The same item, not confidential, goes.
    write(cast, [To(user=cast.councillor), outsider(party, line)])


@pytest.mark.parametrize("party", OUTSIDE)
def test_r12_a_confidential_item_is_never_forwarded_outside_the_council(cast, party):
    item = write(cast, [To(user=cast.councillor)], **confidential())
    before = counts()
    with pytest.raises(ValidationError) as refused:
        letters.item_copy(item=item, recipients=[outsider(party)], acting_user=cast.clerk)
    assert Party(party).label.lower() in refused.value.messages[0]
    assert counts() == before
    # Forwarding it to another councillor is allowed (and R10 tells the first).
    letters.item_copy(item=item, recipients=[To(user=cast.chair)], acting_user=cast.clerk)


def test_r12_the_forward_page_refuses_with_a_clear_message(cast, client_for):
    item = write(cast, [To(user=cast.councillor)], **confidential())
    url = reverse("letters:item_copy", args=[cast.council.slug, item.pk])
    page = client_for("clerk").post(
        url,
        {
            "outside_name": "A Complainant",
            "outside_party": "complainant",
            "outside_email": "a@x.net",
        },
    )
    assert page.status_code == 200
    assert "cannot go to A Complainant" in page.content.decode()
    assert item.recipients.count() == 1


def test_r12_a_confidential_item_sent_elsewhere_cannot_be_recorded_as_going_outside(cast):
    item = write(cast, [To(user=cast.councillor)], send=False, **confidential())
    Recipient.objects.create(
        item=item,
        line=TO,
        party=Party.RESIDENT,
        name="Sam Resident",
        added_on=item.created_at,
        added_by=cast.clerk,
    )
    with pytest.raises(ValidationError):
        letters.item_record(item=item, sent_on=item.created_at.date(), acting_user=cast.clerk)
    item.refresh_from_db()
    assert item.status == Correspondence.Status.DRAFT


# ---------------------------------------------------------------------------------------------
# Who sees what
# ---------------------------------------------------------------------------------------------


def test_councillors_see_only_correspondence_that_names_them(cast, client_for):
    item = write(cast, [To(user=cast.councillor), To(line=CC, user=cast.councillor2)])
    draft = write(cast, [To(user=cast.councillor)], send=False, subject="Draft reply")
    detail = reverse("letters:item_detail", args=[cast.council.slug, item.pk])
    for who, status in (("councillor", 200), ("councillor2", 200), ("chair", 404), ("rfo", 200)):
        assert client_for(who).get(detail).status_code == status, who
    draft_url = reverse("letters:item_detail", args=[cast.council.slug, draft.pk])
    assert client_for("councillor").get(draft_url).status_code == 404
    listing = reverse("letters:item_list", args=[cast.council.slug])
    page = client_for("chair").get(listing).content.decode()
    assert item.subject not in page


def add_items(cast, n):
    for i in range(n):
        write(
            cast,
            [To(user=cast.councillor), To(line=CC, user=cast.councillor2), outsider("resident")],
            subject=f"Item {i}",
        )


@pytest.mark.parametrize(
    ("who", "queries"),
    [
        # tests/query_counts.py + the items with their signatories + their recipients (one
        # prefetch).
        ("clerk", COUNCIL_PAGE + PAGE_OF + 2),
        # The same for a councillor.
        ("councillor", COUNCIL_PAGE + PAGE_OF + 2),
    ],
)
def test_the_correspondence_list_has_a_bounded_query_count(
    who, queries, cast, client_for, django_assert_num_queries
):
    client = client_for(who)
    url = reverse("letters:item_list", args=[cast.council.slug])
    add_items(cast, 1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_items(cast, 20)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(re.findall(r">Item \d+</a>", response.content.decode())) == 21


# ---------------------------------------------------------------------------------------------
# Email: real messages to a real SMTP server on 127.0.0.1
# ---------------------------------------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_emails_arrive_with_their_recipients_the_cc_footer_and_the_signatory(
    cast, smtp_server, django_capture_on_commit_callbacks
):
    resident = To(party=Party.RESIDENT, name="Sam Resident", email="sam@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        write(cast, [To(user=cast.councillor), resident, To(line=CC, user=cast.councillor2)])
    subject = "The bus shelter on Mill Lane"
    arrived: dict[str, list] = {}
    for rcpt_tos, content in smtp_server.messages:
        assert len(rcpt_tos) == 1  # one message per recipient, no hidden extras (R10)
        message = email.message_from_bytes(content, policy=email_policy.default)
        arrived.setdefault(rcpt_tos[0], []).append(message)
    assert set(arrived) == {cast.councillor.email, cast.councillor2.email, "sam@example.net"}
    for address, messages in arrived.items():
        (message,) = [m for m in messages if m["Subject"] == subject]
        assert message["From"].addresses[0].display_name == cast.council.name
        assert message["Bcc"] is None
        assert address in message["To"]
        text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        assert f"{cast.clerk.name}\nProper Officer (clerk), {cast.council.name}" in text
        assert f"CC Councillor {cast.councillor2.name}" in text
    assert "Sam Resident" in arrived["sam@example.net"][0]["To"]
    # R10: the councillor it answers also has, by email, the notice naming who was copied.
    notices = [m for m in arrived[cast.councillor.email] if m["Subject"] != subject]
    assert [m["Subject"] for m in notices] == [
        f"Your correspondence was copied to Councillor {cast.councillor2.name}"
    ]
    assert not mail.outbox  # they went through the SMTP server, not the test backend
