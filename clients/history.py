"""Client profile data under audit: every change is kept with who and when."""

from audit.history import audited
from clients.models import Client, Education, Job, LanguageTest, Spouse

audited(Client, client_field=None)
for _model in (Spouse, Education, LanguageTest, Job):
    audited(_model)
