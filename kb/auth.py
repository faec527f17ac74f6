"""How a request's user is loaded: with their profile in the same query, since nearly every page and API
call reads the role (postmortems.querysets.is_admin)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ModelBackendWithProfile(ModelBackend):
    """Django's model backend; a session's user comes with `user.profile` already read."""

    def get_user(self, user_id) -> AbstractBaseUser | None:
        model = get_user_model()
        user = model._default_manager.select_related("profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class TokenAuthenticationWithProfile(TokenAuthentication):
    """DRF's token authentication, with the same answers; the token's user comes with `user.profile` read."""

    def authenticate_credentials(self, key: str):
        token = self.get_model().objects.select_related("user__profile").filter(key=key).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
