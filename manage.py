#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that sign nothing, serve nothing and keep no secret: comparing the models with the
# migration files (`manage.py makemigrations --check` in a hook or CI), and printing the demo's
# current two-factor code from its public secret (the README's `manage.py demo_code`, run in a
# second shell beside the demo). They run on a bare checkout with no SECRET_KEY. Everything else,
# serving above all, still refuses to start without one.
CODE_ONLY_COMMANDS = {"makemigrations", "demo_code"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
    if sys.argv[1:2] and sys.argv[1] in CODE_ONLY_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = "only-for-comparing-models-with-migrations-never-for-serving"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
