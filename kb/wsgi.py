import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the app, its modules) lives as long as the process: set it aside from the
# garbage collector, whose full passes over it took 70-120 ms in whichever request they fell (docs/performance.md).
gc.collect()
gc.freeze()
