"""Writes for a person's own account: the API token scripts use."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from rest_framework.authtoken.models import Token


def issue_api_token(*, user: AbstractBaseUser) -> Token:
    """Give the person a new token; any token they had stops working at once."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def revoke_api_token(*, user: AbstractBaseUser) -> bool:
    """Delete the person's token; True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
