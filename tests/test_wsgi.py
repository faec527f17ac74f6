"""The WSGI entry point gunicorn serves."""

import subprocess
import sys


def test_the_wsgi_application_sets_its_startup_objects_aside_from_the_garbage_collector():
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc; from kb import wsgi; print(callable(wsgi.application), gc.get_freeze_count())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    is_callable, frozen = shown.stdout.split()
    assert is_callable == "True" and int(frozen) > 10_000
