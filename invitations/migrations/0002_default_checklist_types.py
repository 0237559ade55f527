"""Default ITA checklist document types (firm = NULL); each firm's owner can override them."""

from django.db import migrations

DEFAULTS = [
    # key, name, rule, lead time in days, position
    ("police_certificate", "Police certificate", "per_residence_country", 45, 10),
    ("medical_exam", "Immigration medical exam", "per_family_member", 30, 20),
    ("reference_letter", "Employment reference letter (duties matching the NOC)", "per_job", 30, 30),
    ("proof_of_funds", "Proof of settlement funds", "unless_cec_or_job_offer", 21, 40),
    ("trade_qualification", "Trade certificate or qualifying job offer (FSTP)", "program_fstp", 30, 50),
    ("relationship_proof", "Proof of marriage or common-law relationship", "if_spouse", 14, 60),
    ("passport", "Passport copies (all pages)", "per_family_member", 7, 70),
    ("photos", "Digital photos", "per_family_member", 7, 80),
]


def create(apps, schema_editor):
    ChecklistItemType = apps.get_model("invitations", "ChecklistItemType")
    for key, name, rule, lead, position in DEFAULTS:
        ChecklistItemType.objects.update_or_create(
            firm=None, key=key,
            defaults={"name": name, "rule": rule, "lead_time_days": lead, "position": position},
        )


def remove(apps, schema_editor):
    apps.get_model("invitations", "ChecklistItemType").objects.filter(
        firm=None, key__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("invitations", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
