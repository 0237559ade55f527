"""Stored assessments: a deliberate cache of each client's current result.

`ClientAssessment` holds one row per client, refreshed by
eligibility.services.refresh_assessments whenever the profile changes and
nightly, so the after-draw matching job and the dashboard read scores in bulk
instead of recomputing every profile.
"""

from django.db import models


class ClientAssessment(models.Model):
    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="assessment")
    firm = models.ForeignKey("clients.Firm", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    rules = models.CharField(max_length=10)
    crs_total = models.PositiveSmallIntegerField(db_index=True)
    fsw = models.BooleanField(default=False)
    cec = models.BooleanField(default=False)
    fstp = models.BooleanField(default=False)
    categories = models.JSONField(default=list)  # slugs of eligible categories
    result = models.JSONField()  # Assessment.to_dict()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["firm", "crs_total"])]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.crs_total} on {self.as_of}"

    @property
    def any_program(self) -> bool:
        return self.fsw or self.cec or self.fstp
