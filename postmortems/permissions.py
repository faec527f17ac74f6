"""Who may do what. Visibility of postmortems lives in querysets.visibility_filter; this is about writing."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from postmortems.models import Postmortem, Role
from postmortems.querysets import is_admin

_RANK = {Role.VIEWER: 0, Role.AUTHOR: 1, Role.EDITOR: 2, Role.ADMIN: 3}


def role_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The person's role; people without a profile are viewers until an admin says otherwise."""
    if not user.is_authenticated or not user.is_active:
        return None
    if is_admin(user):
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else Role.VIEWER


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    """At least `role`: an editor has every right an author has."""
    current = role_of(user)
    return current is not None and _RANK[current] >= _RANK[role]


def can_create_postmortem(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_role(user, Role.AUTHOR)


def can_edit_postmortem(user: AbstractBaseUser | AnonymousUser, postmortem: Postmortem) -> bool:
    """Editors edit any postmortem they may see; authors their own and those they are named on or reviewing."""
    if has_role(user, Role.EDITOR):
        return Postmortem.objects.visible_to(user).filter(pk=postmortem.pk).exists()
    if not has_role(user, Role.AUTHOR):
        return False
    return (
        postmortem.created_by_id == user.pk
        or postmortem.authors.filter(pk=user.pk).exists()
        or postmortem.reviewers.filter(pk=user.pk).exists()
    )


def can_manage_catalog(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Services, dependencies, assumptions and the taxonomy are editors' work."""
    return has_role(user, Role.EDITOR)
