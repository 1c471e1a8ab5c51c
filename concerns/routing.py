"""Who handles a concern, and why (DESIGN §4 R17–R19, R21). One pure function over the people's
standing on the day, so that the page can explain the route before anything is saved.

The routes, by whom the concern is about and who raises it:

- about the Proper Officer: the chair (R17);
- about an officer, raised by a councillor: the chair, who raises it with the Proper Officer as
  line manager, informally first (R18);
- about an officer, raised by an officer: the Proper Officer, as line manager;
- about a councillor, raised by an officer: the Proper Officer, informally first, then the
  formal grievance procedure (R19); raised by the Proper Officer: the chair;
- between councillors: the chair;
- about the working relationship generally: the Proper Officer (the chair if they raised it).

Wherever the chair would take a part and the concern is about the chair (or raised by them), the
vice-chair takes it (R17). Nobody ever handles a concern they raised or that is about them. A
Code of Conduct complaint about a councillor goes outside the council (R21): the Proper Officer
(or, failing them, the chair) only records the referral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from council import policy
from council.models import Council, User
from council.policy import Standing

from .models import Concern, Party

Path = Concern.Path

OMBUDSMAN_WALES = "the Public Services Ombudsman for Wales"

MSG_CODE_ONLY_FOR_COUNCILLORS = (
    "The Code of Conduct applies to councillors. For a concern about an officer, choose another "
    "kind, such as conduct or behaviour."
)
MSG_NOBODY_CAN_HANDLE = (
    "Nobody in the council can handle this concern without handling a matter about themselves or "
    "their own concern. Ask the council to appoint someone."
)


def party_of(standing: Standing) -> Party:
    """What a person is in the council that day, for routing. The Proper Officer's part comes
    first: a councillor acting as Proper Officer is treated as the Proper Officer (R4)."""
    if standing.is_proper_officer:
        return Party.PROPER_OFFICER
    if standing.is_chair:
        return Party.CHAIR
    if standing.is_vice_chair:
        return Party.VICE_CHAIR
    if standing.is_officer:
        return Party.OFFICER
    return Party.COUNCILLOR


@dataclass(frozen=True)
class Routing:
    path: str
    handler: User | None
    explanation: str
    refer_to: str = ""  # R21: the body outside the council, when there is one


def _candidates(council: Council, on: date, titles: tuple[str, ...]):
    lookups: dict[str, Callable[[], User | None]] = {
        "the Proper Officer": lambda: policy.proper_officer_for(council, on),
        "the chair": lambda: policy.chair_of(council, on),
        "the vice-chair": lambda: policy.vice_chair_of(council, on),
    }
    for title in titles:
        yield title, lookups[title]


def route_concern(
    *, raiser: Standing, subject: User | None, subject_party: str, kind: str
) -> Routing:
    """Where a concern goes, and a sentence saying why (R17–R19, R21)."""
    council, on = raiser.council, raiser.on
    raiser_party = party_of(raiser)
    councillor_raises = raiser_party in Party.councillors()
    about_councillor = subject_party in Party.councillors()

    # R21: a Code of Conduct complaint about a councillor is decided outside the council.
    if kind == Concern.Kind.CODE_OF_CONDUCT:
        if not about_councillor:
            raise ValidationError({"kind": MSG_CODE_ONLY_FOR_COUNCILLORS})
        if council.nation == Council.Nation.WALES:
            body = OMBUDSMAN_WALES
        else:
            body = "the monitoring officer of " + (
                council.principal_authority or "the principal authority"
            )
            if council.monitoring_officer_name:
                body += f" ({council.monitoring_officer_name})"
        path = Path.CODE_OF_CONDUCT
        order: tuple[str, ...] = ("the Proper Officer", "the chair", "the vice-chair")
        why = (
            f"A complaint that a councillor broke the Code of Conduct is decided outside the "
            f"council, by {body}. {{handler}} records the referral and its outcome; the council's "
            "own process for it stops there."
        )
        refer_to = body
    elif subject_party == Party.PROPER_OFFICER:
        # R17: nobody handles a concern about themselves; the chair triages it.
        path, order, refer_to = Path.ABOUT_PROPER_OFFICER, ("the chair", "the vice-chair"), ""
        why = "This goes to {handler} because it is about the Proper Officer."
    elif subject_party == Party.OFFICER and councillor_raises:
        # R18: to the chair, then raised with the Proper Officer as line manager, informally first.
        path, order, refer_to = Path.COUNCILLOR_ABOUT_OFFICER, ("the chair", "the vice-chair"), ""
        why = (
            "A councillor's concern about an officer goes to {handler}, who raises it with the "
            "Proper Officer as the officer's line manager, informally first. Only then can the "
            "disciplinary procedure follow."
        )
    elif subject_party == Party.OFFICER:
        path, refer_to = Path.OFFICER_ABOUT_OFFICER, ""
        order = ("the Proper Officer", "the chair", "the vice-chair")
        why = "A concern about an officer goes to {handler}, as their line manager."
    elif about_councillor and not councillor_raises:
        # R19: an officer's concern about a councillor: informal resolution, then grievance.
        path, refer_to = Path.OFFICER_ABOUT_COUNCILLOR, ""
        order = ("the Proper Officer", "the chair", "the vice-chair")
        why = (
            "An officer's concern about a councillor goes to {handler}, who seeks to resolve it "
            "informally (a conversation, or conciliation by someone independent) before the "
            "formal grievance procedure, heard by the personnel committee."
        )
    elif about_councillor:
        path, order, refer_to = (
            Path.COUNCILLOR_ABOUT_COUNCILLOR,
            ("the chair", "the vice-chair", "the Proper Officer"),
            "",
        )
        why = "A concern between councillors goes to {handler}."
    else:
        path, refer_to = Path.GENERAL, ""
        order = ("the Proper Officer", "the chair", "the vice-chair")
        why = "A concern about the working relationship goes to {handler}."

    # R17: skip anyone who is the subject or who raised it, and say so.
    skipped: list[str] = []
    for title, lookup in _candidates(council, on, order):
        person = lookup()
        if person is None:
            skipped.append(f"the council has no {title.removeprefix('the ')} today")
            continue
        if subject is not None and person.pk == subject.pk:
            skipped.append(f"it is about {title}")
            continue
        if person.pk == raiser.user.pk:
            skipped.append(f"{title} raised it")
            continue
        handler_text = f"{title} ({person.name})"
        explanation = why.format(handler=handler_text)
        explanation = explanation[0].upper() + explanation[1:]
        if skipped:
            explanation += f" Not {order[0]}, because {'; '.join(skipped)}."
        return Routing(path=path, handler=person, explanation=explanation, refer_to=refer_to)
    raise ValidationError(MSG_NOBODY_CAN_HANDLE)
