"""System checks that `manage.py check --deploy` runs before a production start."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key_is_set(app_configs, **kwargs) -> list[Error]:
    from kb.settings import INSECURE_DEFAULT_KEY

    if settings.SECRET_KEY == INSECURE_DEFAULT_KEY:
        return [
            Error("SECRET_KEY is the built-in local key.", hint="Set SECRET_KEY to a long random string.", id="kb.E001")
        ]
    return []
