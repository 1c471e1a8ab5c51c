"""The load model: the people the benchmark plays and the pages each of them walks.

In each of a few generated councils: the Proper Officer (the clerk, who serves up to three
neighbouring councils, all of them in one session), the chair and a few councillors, each signed
in with a session of their own; beside them one visitor per council who is not signed in and reads
the public protocol pages of other councils. Each signed-in persona's visits are built up front
from the database, through the policy's own lookups, so they are that person's pages and objects:
their councils' home pages, their queues, the requests and concerns they may see, the documents
they may open, their correspondence and notifications. The page kinds come in the proportions of
WEIGHTS, shuffled, and never the same URL twice in a row.

visit_list() and the weights are pure (tested without a database); build_personas() reads the
database and creates the sessions.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PUBLIC_PAGE = "public protocol page"

# How often each page kind comes up in a signed-in persona's walk, relative to the others: a
# person looks at their home page and at requests most, at notifications least. A kind the persona
# has no page of (a councillor has no queue) is left out.
WEIGHTS: dict[str, int] = {
    "council home": 3,
    "request queue": 2,
    "concern queue": 2,
    "request detail": 3,
    "concern detail": 2,
    "document download": 2,
    "correspondence list": 1,
    "notifications": 1,
}
# The page kinds in the order the report lists them.
PAGE_KINDS = [PUBLIC_PAGE, *WEIGHTS]
# Each signed-in persona's walk has every weight this many times over (a clerk's: 64 visits).
ROUNDS = 4
# At most this many objects of a detail kind per person: enough to spread the load over many
# rows, few enough that a persona's walk stays the length ROUNDS gives it.
MAX_OBJECTS = 12
# A public visitor reads the protocol pages of this many councils (fewer if there are fewer).
PUBLIC_VISITS = 20
COUNCILLORS_PER_COUNCIL = 4
# A turn is this many visits in a row by one persona before the load generator's user takes the
# next. The clerk works in the portal all day, so a clerk's turns are three times as long: without
# that the clerk's pages (the queues) would be a sliver of the load, too few to judge.
TURN = 5
TURNS = {"clerk": 3 * TURN, "chair": TURN, "councillor": TURN, "public": TURN}


@dataclass
class Persona:
    """One person (or one visitor who is not signed in) and the pages they walk, in order."""

    name: str
    role: str  # "clerk", "chair", "councillor" or "public"
    visits: list[tuple[str, str]]  # (page kind, path)
    cookie: str = ""  # "sessionid=..." for a signed-in persona
    session_key: str = ""
    user_id: int | None = None
    councils: list[str] = field(default_factory=list)  # the slugs their pages are in

    def as_plan(self) -> dict:
        """What the load generator needs of the persona, as JSON."""
        return {
            "name": self.name,
            "role": self.role,
            "cookie": self.cookie,
            "visits": self.visits,
            "turn": TURNS[self.role],
        }


def visit_list(
    candidates: Mapping[str, Sequence[str]],
    rng: random.Random,
    rounds: int = ROUNDS,
    weights: Mapping[str, int] = WEIGHTS,
) -> list[tuple[str, str]]:
    """A persona's walk: each page kind it has, weight × rounds times, going round its URLs
    (shuffled) so that a kind with many objects visits as many of them as it can; all kinds
    shuffled together, and never the same URL twice in a row."""
    visits: list[tuple[str, str]] = []
    for kind, urls in candidates.items():
        if not urls:
            continue
        pool = list(dict.fromkeys(urls))  # distinct, in their order
        rng.shuffle(pool)
        visits += [(kind, pool[i % len(pool)]) for i in range(weights[kind] * rounds)]
    return no_repeats_in_a_row(visits, rng)


def no_repeats_in_a_row(visits: Sequence[tuple[str, str]], rng: random.Random) -> list:
    """The visits in a random order in which no URL follows itself, where that can be done (it
    can unless one URL is more than half of them)."""
    left = Counter(visits)
    out: list[tuple[str, str]] = []
    while left:
        remaining = sum(left.values())
        allowed = [v for v in left if not out or v[1] != out[-1][1]]
        if not allowed:  # only the URL just visited is left: it must repeat
            allowed = list(left)
        # A URL that fills more than half of what is left must go now, or it would have to
        # follow itself later.
        crowded = [v for v in allowed if left[v] * 2 > remaining]
        pool = crowded or allowed
        choice = rng.choices(pool, weights=[left[v] for v in pool])[0]
        out.append(choice)
        left[choice] -= 1
        if not left[choice]:
            del left[choice]
    return out


def public_visits(paths: Sequence[str], rng: random.Random, count: int = PUBLIC_VISITS) -> list:
    """A visitor's walk through the public protocol pages of `count` councils."""
    chosen = rng.sample(list(paths), min(count, len(paths)))
    return [(PUBLIC_PAGE, path) for path in chosen]


def spread(items: Sequence, count: int) -> list:
    """`count` items evenly spread over the sequence (all of them if it has no more)."""
    items = list(items)
    if len(items) <= count:
        return items
    if count <= 1:
        return items[:count]
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


# -- From the database ---------------------------------------------------------------------------


def choose_councils(generated: Sequence, count: int) -> list:
    """`count` councils spread evenly over the generated ones, so that (with enough of them) no
    two share a clerk, who serves three neighbouring councils."""
    return spread(list(generated), count)


def people_of(council, councillors: int = COUNCILLORS_PER_COUNCIL) -> list[tuple[str, object]]:
    """The council's Proper Officer, chair and a few other councillors who have a request or a
    concern to look at, as (role, user)."""
    from concerns.models import Concern
    from correspondence.models import InformationRequest
    from council import policy
    from council.models import Role

    clerk = policy.proper_officer_for(council)
    chair = policy.chair_of(council)
    vice_chair = policy.vice_chair_of(council)
    people: list[tuple[str, object]] = []
    if clerk is not None:
        people.append(("clerk", clerk))
    if chair is not None:
        people.append(("chair", chair))
    others = (
        Role.objects.current()
        .filter(council=council, kind=Role.Kind.COUNCILLOR)
        .exclude(user_id__in=[u.pk for u in (clerk, chair, vice_chair) if u is not None])
        .select_related("user")
        .order_by("user_id")
    )
    for role in others:
        if len(people) >= 2 + councillors:
            break
        standing = policy.standing_for(role.user, council)
        if (
            policy.visible_information_requests(standing, InformationRequest.objects.all()).exists()
            or policy.visible_concerns(standing, Concern.objects.all()).exists()
        ):
            people.append(("councillor", role.user))
    return people


def candidates_for(user, councils: Sequence) -> dict[str, list[str]]:
    """Every page of each kind this person may open in these councils, through the policy."""
    from django.urls import reverse

    from concerns.models import Concern
    from correspondence.models import InformationRequest
    from council import policy
    from council.models import Document

    found: dict[str, list[str]] = {kind: [] for kind in WEIGHTS}
    for council in councils:
        slug = council.slug
        standing = policy.standing_for(user, council)
        if not policy.can_view_council_home(standing):
            continue
        found["council home"].append(reverse("council:home", args=[slug]))
        if policy.can_view_request_queue(standing):
            found["request queue"].append(reverse("requests:request_queue", args=[slug]))
        if policy.can_view_concern_queue(standing):
            found["concern queue"].append(reverse("concerns:concern_queue", args=[slug]))
        if policy.can_view_correspondence(standing):
            found["correspondence list"].append(reverse("letters:item_list", args=[slug]))
        requests = policy.visible_information_requests(standing, InformationRequest.objects.all())
        found["request detail"] += [
            reverse("requests:request_detail", args=[slug, pk])
            for pk in spread(
                list(requests.order_by("pk").values_list("pk", flat=True)), MAX_OBJECTS
            )
        ]
        concerns = policy.visible_concerns(standing, Concern.objects.all())
        found["concern detail"] += [
            reverse("concerns:concern_detail", args=[slug, pk])
            for pk in spread(
                list(concerns.order_by("pk").values_list("pk", flat=True)), MAX_OBJECTS
            )
        ]
        documents = [
            d
            for d in Document.objects.filter(council=council).order_by("pk")
            if policy.can_download_document(standing, d) and d.file.storage.exists(d.file.name)
        ]
        found["document download"] += [
            reverse("council:document_download", args=[slug, d.pk])
            for d in spread(documents, MAX_OBJECTS)
        ]
    found["notifications"] = [reverse("notifications")]
    # A clerk of three councils has three times the objects: keep the walk the same length.
    for kind in ("request detail", "concern detail", "document download"):
        found[kind] = spread(found[kind], MAX_OBJECTS)
    return found


def build_personas(councils: Sequence, public_councils: Sequence, sign_in, seed: int = 7) -> list:
    """The personas of these councils, each signed-in one with a session of its own made by
    `sign_in(user)`, and one public visitor per council reading `public_councils`' protocol
    pages. The order mixes them, so that the load generator's first turns are not all clerks."""
    from django.conf import settings
    from django.urls import reverse

    rng = random.Random(seed)
    by_user: dict[int, tuple[str, object, list]] = {}
    for council in councils:
        for role, user in people_of(council):
            # The clerk of neighbouring councils is one person with one session.
            known = by_user.setdefault(user.pk, (role, user, []))
            known[2].append(council)
    personas = []
    for role, user, mine in by_user.values():
        visits = visit_list(candidates_for(user, mine), rng)
        session = sign_in(user)
        personas.append(
            Persona(
                name=user.email.split("@")[0],
                role=role,
                visits=visits,
                cookie=f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                session_key=session.session_key,
                user_id=user.pk,
                councils=[c.slug for c in mine],
            )
        )
    protocol_pages = [reverse("protocol:current", args=[c.slug]) for c in public_councils]
    for council in councils:
        personas.append(
            Persona(
                name=f"visitor to {council.slug}",
                role="public",
                visits=public_visits(protocol_pages, rng),
                councils=[council.slug],
            )
        )
    rng.shuffle(personas)
    return personas


def roles_by_kind(personas: Sequence[Persona]) -> dict[str, str]:
    """Which roles ask for each page kind, for the report's "as" column."""
    roles: dict[str, list[str]] = {}
    for persona in personas:
        for kind, _ in persona.visits:
            if persona.role not in roles.setdefault(kind, []):
                roles[kind].append(persona.role)
    order = ["clerk", "chair", "councillor", "public"]
    return {kind: ", ".join(sorted(rs, key=order.index)) for kind, rs in roles.items()}
