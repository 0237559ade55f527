"""Trigram indexes for the client search (PostgreSQL only; SQLite, the demo's database, skips them).

clients.selectors.search_client_ids matches every word against the names, the email and the
Express Entry profile number with `icontains`, which Django writes on PostgreSQL as
UPPER("clients_client"."col"::text) LIKE UPPER('%word%'). A B-tree cannot serve a
pattern with a leading wildcard, so at 100,000 clients the search read the whole table.
A GIN index of trigrams on exactly that expression lets PostgreSQL combine the four
columns in a BitmapOr and read only the matching rows (pg_trgm ships with PostgreSQL and
is a trusted extension since version 13, so the project's database owner can create it).
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "email", "ee_profile_number")


def _index(column: str) -> str:
    return f"clients_client_{column}_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {_index(column)} ON clients_client '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_audit_history"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
