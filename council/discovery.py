"""Other apps' parts, found by the name of their module, the way the admin finds `admin.py`.

`council` imports none of the other apps (DESIGN §2 in docs/architecture.md). An app adds its
part to a council feature by having a module of the agreed name, whose functions register
themselves with a decorator when it is imported:

- `panels.py`: panels on a council's home page (`council.panels.register`);
- `demo.py`: the demo council's records (`council.demo.register_extra`);
- `scale.py`: builders of the scale data set (`council.scale.register`);
- `privacy.py`: the retention purge, the notices kept however old, and the app's part of a
  subject access export (`council.privacy.register_purge`, `register_notification_guard`,
  `register_export`).

Each registry calls `discover(name)` when it is first used, not at start-up: a web process
imports the demo and the scale builders never, and the panels on the first home page it renders.
Apps are searched in INSTALLED_APPS order, so that order is the order of the parts.
"""

from functools import cache

from django.utils.module_loading import autodiscover_modules


@cache
def discover(module_name: str) -> None:
    """Import `<app>.<module_name>` of every installed app that has one, once per process."""
    autodiscover_modules(module_name)
