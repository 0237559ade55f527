"""gunicorn's settings wherever the web process starts (Procfile, ops/systemd, make capacity): gunicorn
reads ./gunicorn.conf.py from its working directory, the repository. Options on the command line win.

Measured with `make capacity` (ops/results/capacity-*.txt): the pages are CPU-bound Python, so
processes, not threads, are what use the cores; see the README's "Production: one host and several".
"""

import os

# Worker processes: WEB_CONCURRENCY, else 3, for 2 cores shared with the Celery worker.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# One request at a time per process (sync): threads (gthread) gained nothing measurable, the GIL
# keeps a process's requests on one core.
worker_class = "sync"
