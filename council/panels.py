"""Panels that other apps add to a council's home page.

`council` imports none of the other apps (DESIGN §2), so they register here instead, from their
AppConfig.ready(). A panel is a function (request, standing) -> (template name, context) or None.
"""

from collections.abc import Callable

Panel = Callable[..., tuple[str, dict] | None]
_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def panels_for(request, standing) -> list[dict]:
    shown = []
    for panel in _panels:
        result = panel(request, standing)
        if result is not None:
            template, context = result
            shown.append({"template": template, "context": context})
    return shown
