"""Panels that other apps add to a council's home page.

`council` imports none of the other apps (DESIGN §2), so each app that has panels keeps them in
its own `panels.py`, registered with `@register`; the first home page finds them
(council.discovery). A panel is a function (request, standing) -> (template name, context) or
None; panels show in INSTALLED_APPS order, and within an app in the order of its module.
"""

from collections.abc import Callable

from .discovery import discover

Panel = Callable[..., tuple[str, dict] | None]
_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def panels_for(request, standing) -> list[dict]:
    discover("panels")
    shown = []
    for panel in _panels:
        result = panel(request, standing)
        if result is not None:
            template, context = result
            shown.append({"template": template, "context": context})
    return shown
