"""One way to put a model under audit: ``audited(Model)`` from the owning app's AppConfig.ready.

It registers the model with django-simple-history (a ``Historical<Model>`` table in the
model's own app, so the migration lives there) and records how to reach the firm and the
client from a historical row, which the audit pages need to scope and label changes.

    # invitations/history.py, imported from InvitationsConfig.ready()
    from audit.history import audited
    from invitations.models import Invitation
    audited(Invitation)            # has a `client` FK; firm reached through the client

Then ``manage.py makemigrations invitations`` creates the historical table.
"""

from __future__ import annotations

from dataclasses import dataclass

import simple_history
from django.db import models

# Fields every audited model may carry that say nothing about what changed.
IGNORED_FIELDS = frozenset({"id", "created_at", "updated_at"})


@dataclass(frozen=True)
class AuditedModel:
    """How to read one audited model's history: its historical model and its paths."""

    model: type[models.Model]
    #: attname on the historical row holding the client id, or "id" when the model is Client.
    client_attname: str
    #: attname on the historical row holding the firm id, or None (reached through the client).
    firm_attname: str | None

    @property
    def historical(self) -> type[models.Model]:
        return self.model.history.model

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_REGISTRY: dict[str, AuditedModel] = {}


def audited(
    model: type[models.Model], *, client_field: str | None = "client", **history_options
) -> AuditedModel:
    """Keep a history row (who, when, field values) for every save and delete of `model`.

    `client_field` names the ForeignKey to clients.Client (None for Client itself). A model
    with a `firm` ForeignKey is scoped by it directly; others through their client.
    Calling it twice for the same model is a no-op.
    """
    label = model._meta.label_lower
    if label in _REGISTRY:
        return _REGISTRY[label]
    history_options.setdefault("cascade_delete_history", False)  # an audit trail outlives the row
    simple_history.register(model, **history_options)
    field_names = {f.name for f in model._meta.concrete_fields}
    client_attname = "id" if client_field is None else model._meta.get_field(client_field).attname
    firm_attname = model._meta.get_field("firm").attname if "firm" in field_names else None
    entry = AuditedModel(model=model, client_attname=client_attname, firm_attname=firm_attname)
    _REGISTRY[label] = entry
    return entry


def audited_models() -> list[AuditedModel]:
    """Every model registered with :func:`audited`, Client first."""
    return sorted(_REGISTRY.values(), key=lambda e: (e.client_attname != "id", e.label))
