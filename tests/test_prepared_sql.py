"""council/sql.py: hot statements prepared once per database connection (PostgreSQL), plain
elsewhere; the same answers either way."""

import pytest
from django.db import connection

from council import sql
from council.models import Council


@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_answers_like_the_plain_one_and_survives_a_new_connection():
    council = Council.objects.create(name="Prepared Parish Council", slug="prepared")
    statement = f"SELECT id, name FROM {Council._meta.db_table} WHERE slug = %s"
    assert sql.fetch_one("test_council_by_slug", statement, ["prepared"]) == (
        council.pk,
        "Prepared Parish Council",
    )
    assert sql.fetch_one("test_council_by_slug", statement, ["nowhere"]) is None
    # Django reconnects (CONN_MAX_AGE, an error): the new connection prepares it again rather
    # than asking for a statement it never had.
    connection.close()
    assert sql.fetch_one("test_council_by_slug", statement, ["prepared"])[0] == council.pk
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements")
            assert ("test_council_by_slug",) in cursor.fetchall()
