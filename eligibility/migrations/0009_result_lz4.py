"""The stored assessment's JSON document (~4 KB, compressed when written) with lz4 instead of pglz:
the nightly refresh rewrites every row, and PostgreSQL's pglz compression was most of the upsert's
server time. PostgreSQL only, and only where it was built with lz4 (else nothing changes)."""

from django.db import migrations

LZ4 = """
DO $$ BEGIN
    ALTER TABLE eligibility_clientassessment ALTER COLUMN result SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
END $$;
"""
PGLZ = "ALTER TABLE eligibility_clientassessment ALTER COLUMN result SET COMPRESSION pglz"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LZ4)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PGLZ)


class Migration(migrations.Migration):

    dependencies = [("eligibility", "0008_refresh_run")]

    operations = [migrations.RunPython(forwards, backwards)]
