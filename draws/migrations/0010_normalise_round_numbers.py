"""Store every round number in its one spelling (draws.importer.normalise_round_number).

Before, '90012a' and '090012a' (or '91A' and '91a') were stored as two rounds. Each row gets
the normalised number. Where two rows are one round, the first entered is kept: the other's
matches, digests and invitations move to it (unless it already has that client, consultant),
then the duplicate is deleted. Nothing to undo: the reverse leaves the numbers as they are.
"""

import re

from django.db import migrations


def _normalise(value: str) -> str:
    # A frozen copy of draws.importer.normalise_round_number as of this migration; a number it
    # cannot read (never stored by the import or the admin form) is kept as it is.
    text = re.sub(r"\s+", "", value).removeprefix("#").lower()
    m = re.fullmatch(r"0*([0-9]{1,6})([a-z]{0,3})", text)
    return m[1] + m[2] if m else value


def normalise_round_numbers(apps, schema_editor):
    Draw = apps.get_model("draws", "Draw")
    DrawMatch = apps.get_model("draws", "DrawMatch")
    DrawDigest = apps.get_model("draws", "DrawDigest")
    Invitation = apps.get_model("invitations", "Invitation")
    kept: dict[str, object] = {}
    for draw in Draw.objects.order_by("entered_at", "pk"):
        number = _normalise(draw.round_number)
        first = kept.setdefault(number, draw)
        if first is not draw:
            DrawMatch.objects.filter(draw=draw).exclude(
                client_id__in=DrawMatch.objects.filter(draw=first).values("client_id")).update(draw=first)
            DrawDigest.objects.filter(draw=draw).exclude(
                consultant_id__in=DrawDigest.objects.filter(draw=first).values("consultant_id")).update(draw=first)
            Invitation.objects.filter(draw=draw).update(draw=first)
            draw.delete()
    for number, draw in kept.items():
        if draw.round_number != number:
            draw.round_number = number
            draw.save(update_fields=["round_number"])


class Migration(migrations.Migration):

    dependencies = [
        ("draws", "0009_categories_2026"),
        ("invitations", "0004_historicalinvitation"),
    ]

    operations = [
        migrations.RunPython(normalise_round_numbers, migrations.RunPython.noop),
    ]
