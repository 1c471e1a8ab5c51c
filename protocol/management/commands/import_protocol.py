"""Import an existing protocol (.txt, .md or .docx) as a new draft for a council."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from council import policy
from council.models import Council
from protocol import importer, services


class Command(BaseCommand):
    help = "Import a protocol document as a draft: manage.py import_protocol --council SLUG FILE"

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="The council's slug.")
        parser.add_argument("file", help="A .txt, .md or .docx file.")

    def handle(self, *args, council, file, **options):
        try:
            target = Council.objects.get(slug=council)
        except Council.DoesNotExist as exc:
            raise CommandError(f"There is no council with the slug {council!r}.") from exc
        clerk = policy.proper_officer_for(target)
        if clerk is None:
            raise CommandError(f"{target} has no Proper Officer to record as the importer.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}.")
        try:
            text = importer.text_from_upload(path.name, path.read_bytes())
        except importer.ProtocolImportError as exc:
            raise CommandError(str(exc)) from exc
        parsed = importer.parse_protocol(text)
        for line in parsed.summary():
            self.stdout.write(line)
        try:
            version = services.draft_import(
                council=target, parsed=parsed, filename=path.name, acting_user=clerk
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Saved as draft version {version.number} of {target}.")
        )
