"""Load all 516 NOC 2021 unit groups (clients/data/noc-2021.csv)."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "noc-2021.csv"


def load(apps, schema_editor):
    Noc = apps.get_model("clients", "Noc")
    with CSV.open(newline="", encoding="utf-8") as fh:
        rows = [Noc(code=r["code"], title=r["title"], teer=int(r["teer"])) for r in csv.DictReader(fh)]
    Noc.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
