"""Template helpers that ask the policy, so templates never decide a permission themselves."""

from django import template

from council import policy

register = template.Library()


def _predicate(verb: str):
    predicate = getattr(policy, f"can_{verb}", None)
    if predicate is None:
        raise template.TemplateSyntaxError(f"council.policy has no can_{verb}")
    return predicate


@register.filter
def can(standing, verb: str) -> bool:
    """`{% if standing|can:"manage_people" %}`"""
    return _predicate(verb)(standing)


@register.simple_tag
def allowed(verb: str, standing, obj) -> bool:
    """`{% allowed "download_document" standing document as ok %}`"""
    return _predicate(verb)(standing, obj)


@register.filter
def covers(dated, day) -> bool:
    """Whether a dated row (role, seat, membership) is in force on a day."""
    return dated.starts_on <= day and (dated.ends_on is None or dated.ends_on >= day)
