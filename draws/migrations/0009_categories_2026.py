"""The 2026 lists now known (healthcare and social services 37, STEM 11, education 5, trades 25).

Loads draws/data/categories.json as 0002 did, but leaves alone a category an admin edited:
one whose stored values are neither what the previous release shipped (SHIPPED_BEFORE, the
2026 values that changed since) nor the new ones. It says which on the console, so the admin
can compare it with the file and load it with `manage.py import_categories` if they wish.
"""

from datetime import date

from django.db import migrations

START_2026 = date(2026, 2, 18)
# What the previous release seeded for the rows this one changes (other fields as in the file).
SHIPPED_BEFORE = {
    ("healthcare_social", START_2026): {
        "is_list_unconfirmed": True,
        "note": "UNCONFIRMED: one source (redim.ca) says Version 3 differs from Version 2 only in the "
                "experience rule, so the 2025 list (37) is repeated here; another source calls the list "
                "'widened'. Verify against canada.ca.",
    },
    ("stem", START_2026): {
        "is_list_unconfirmed": True, "nocs": [],
        "note": "UNCONFIRMED: category confirmed to continue in 2026; its 2026 occupation list was not "
                "found in the stored sources (2025 list had 11 occupations).",
    },
    ("trades", START_2026): {
        "is_list_unconfirmed": True, "nocs": [],
        "note": "UNCONFIRMED full list. Reported change vs 2025: Cooks (63200) removed; Butchers - retail "
                "and wholesale (63201) added (single source, canadianow.com). Another source calls the "
                "2026 list 'more trade-heavy'.",
    },
    ("education", START_2026): {
        "is_list_unconfirmed": True, "nocs": [],
        "note": "UNCONFIRMED: category continues in 2026; list not found (2025 list had 5 occupations).",
    },
    ("transport", START_2026): {
        "note": "New list; none of the 2023-2024 transport occupations carried over.",
    },
    ("skilled_military", START_2026): {"note": ""},
}


def load(apps, schema_editor):
    from draws.seed import category_rows, load_categories

    Category, Noc = apps.get_model("draws", "Category"), apps.get_model("clients", "Noc")
    known = set(Noc.objects.values_list("code", flat=True))
    rows = category_rows()
    for row in rows:
        row["nocs"] = [n for n in row["nocs"] if n in known]
    report = load_categories(Category, Noc, rows, shipped_before=SHIPPED_BEFORE)
    if report.added or report.changed or report.kept:
        for line in report.lines():
            print(f"\n  draws categories: {line}", end="")  # noqa: T201 - migrate's console is the place
        if report.kept:
            print("\n  draws categories: the kept ones were edited in the admin and are left as they are;"  # noqa: T201
                  " load the file with `manage.py import_categories draws/data/categories.json` to "
                  "replace them.", end="")


class Migration(migrations.Migration):
    dependencies = [("draws", "0008_feedcheck"), ("clients", "0002_load_noc")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
