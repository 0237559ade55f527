from django.db import migrations


def seed(apps, schema_editor):
    from draws.seed import seed_categories

    seed_categories(apps.get_model("draws", "Category"), apps.get_model("clients", "Noc"))


class Migration(migrations.Migration):
    dependencies = [("draws", "0001_initial"), ("clients", "0002_load_noc")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
