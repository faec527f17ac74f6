"""How a request's user is loaded: with their profile in the same query, since nearly every page and API
call reads the role (postmortems.querysets.is_admin)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from postmortems.models import Profile

# The profile's columns, read beside the user's; plain values that need no conversion.
_PROFILE_COLUMNS = ("id", "role")


class ModelBackendWithProfile(ModelBackend):
    """Django's model backend; a session's user comes with `user.profile` already read.

    Every request of a logged-in person loads them, so the lookup is one written-out statement (a join
    read through `raw()`, which converts the columns as the ORM does); building it with `select_related`
    took longer than running it.
    """

    def get_user(self, user_id) -> AbstractBaseUser | None:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        alias = router.db_for_read(model)
        quote = connections[alias].ops.quote_name
        profile_columns = ", ".join(
            f"p.{quote(column)} AS {quote('kb_profile_' + column)}" for column in _PROFILE_COLUMNS
        )
        sql = (
            f"SELECT u.*, {profile_columns} FROM {quote(model._meta.db_table)} u"
            f" LEFT JOIN {quote(Profile._meta.db_table)} p"
            f" ON p.{quote(Profile._meta.get_field('user').column)} = u.{quote(model._meta.pk.column)}"
            f" WHERE u.{quote(model._meta.pk.column)} = %s"
        )
        found = list(model._default_manager.db_manager(alias).raw(sql, [pk]))
        if not found:
            return None
        user = found[0]
        values = [getattr(user, f"kb_profile_{column}") for column in _PROFILE_COLUMNS]
        for column in _PROFILE_COLUMNS:
            delattr(user, f"kb_profile_{column}")
        profile = None
        if values[0] is not None:
            known = {**dict(zip(_PROFILE_COLUMNS, values, strict=True)), "user_id": user.pk}
            fields = [field.attname for field in Profile._meta.concrete_fields if field.attname in known]
            profile = Profile.from_db(alias, fields, [known[name] for name in fields])
            Profile._meta.get_field("user").set_cached_value(profile, user)
        model._meta.get_field("profile").set_cached_value(user, profile)
        return user if self.user_can_authenticate(user) else None


class TokenAuthenticationWithProfile(TokenAuthentication):
    """DRF's token authentication, with the same answers; the token's user comes with `user.profile` read."""

    def authenticate_credentials(self, key: str):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__profile").get(key=key)
        except model.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
