"""Line breaks as \n in the protocol's stored text (issue 18): browsers sent CRLF, and a section
saved without an edit then differed from its previous version. Only the line breaks change; the
words do not, so every version still says what it said (R24). The forms and the importer
normalise new text as it enters (council.lib.text)."""

from django.db import migrations
from django.db.models import Q, Value
from django.db.models.functions import Replace


def _normalised(field: str):
    return Replace(Replace(field, Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))


def normalise(apps, schema_editor):
    for model, fields in (("Section", ("heading", "body")), ("Expectation", ("text",))):
        rows = apps.get_model("protocol", model).objects
        for name in fields:
            rows.filter(Q(**{f"{name}__contains": "\r"})).update(**{name: _normalised(name)})


class Migration(migrations.Migration):
    dependencies = [("protocol", "0001_initial")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
