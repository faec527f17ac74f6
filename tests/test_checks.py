import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def test_deploy_check_fails_with_the_built_in_secret_key(settings):
    from kb.settings import INSECURE_DEFAULT_KEY

    settings.SECRET_KEY = INSECURE_DEFAULT_KEY
    with pytest.raises(SystemCheckError, match="kb.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_deploy_check_accepts_a_real_secret_key(settings, monkeypatch):
    # The browser tests need Django's async-safety check off while Playwright runs; it is not set in deployment.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.SECRET_KEY = "k" * 60 + "-a-long-random-production-key"
    call_command("check", "--deploy", "--fail-level", "ERROR")
