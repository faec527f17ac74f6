"""Who may do what. Visibility of postmortems lives in querysets.visibility_filter; this is about writing."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from postmortems.models import ActionItem, Postmortem, ReviewComment, Role, Status
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


def can_edit_postmortem(
    user: AbstractBaseUser | AnonymousUser, postmortem: Postmortem, *, known_visible: bool = False
) -> bool:
    """Editors edit any postmortem they may see; authors their own and those they are named on or reviewing.

    `known_visible` is for callers that fetched the postmortem through `visible_to(user)` already.
    """
    if has_role(user, Role.EDITOR):
        return known_visible or Postmortem.objects.visible_to(user).filter(pk=postmortem.pk).exists()
    if not has_role(user, Role.AUTHOR):
        return False
    # authors.all() uses the detail page's prefetched authors instead of another query.
    return is_author_of(user, postmortem) or is_reviewer_of(user, postmortem)


def is_author_of(user: AbstractBaseUser | AnonymousUser, postmortem: Postmortem) -> bool:
    """Wrote it or is named among its authors (uses prefetched authors when the caller has them)."""
    return user.is_authenticated and (
        postmortem.created_by_id == user.pk or any(author.pk == user.pk for author in postmortem.authors.all())
    )


def is_reviewer_of(user: AbstractBaseUser | AnonymousUser, postmortem: Postmortem) -> bool:
    """Named as one of its reviewers (uses prefetched reviewers when the caller has them)."""
    return user.is_authenticated and any(reviewer.pk == user.pk for reviewer in postmortem.reviewers.all())


def can_manage_review(
    user: AbstractBaseUser | AnonymousUser, postmortem: Postmortem, *, known_visible: bool = False
) -> bool:
    """Submit for review, choose reviewers, publish: the postmortem's own authors and editors, not its reviewers."""
    if has_role(user, Role.EDITOR):
        return known_visible or Postmortem.objects.visible_to(user).filter(pk=postmortem.pk).exists()
    return has_role(user, Role.AUTHOR) and is_author_of(user, postmortem)


def can_request_changes(
    user: AbstractBaseUser | AnonymousUser, postmortem: Postmortem, *, known_visible: bool = False
) -> bool:
    """Send a postmortem in review back to draft: its reviewers (whatever their role), its authors and editors."""
    if role_of(user) is not None and is_reviewer_of(user, postmortem):
        return True
    return can_manage_review(user, postmortem, known_visible=known_visible)


def can_manage_catalog(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Services, dependencies, assumptions and the taxonomy are editors' work."""
    return has_role(user, Role.EDITOR)


def can_delete_postmortem(user: AbstractBaseUser | AnonymousUser, postmortem: Postmortem) -> bool:
    """Editors delete any postmortem they may see; authors only a draft of their own that was never published."""
    if has_role(user, Role.EDITOR):
        return Postmortem.objects.visible_to(user).filter(pk=postmortem.pk).exists()
    if postmortem.status != Status.DRAFT or postmortem.published_at is not None:
        return False
    return has_role(user, Role.AUTHOR) and (
        postmortem.created_by_id == user.pk or postmortem.authors.filter(pk=user.pk).exists()
    )


def can_comment_on_postmortem(
    user: AbstractBaseUser | AnonymousUser, postmortem: Postmortem, *, known_visible: bool = False
) -> bool:
    """Authors and up may comment on what they can see; a viewer only on a postmortem they were asked to review."""
    if not known_visible and not Postmortem.objects.visible_to(user).filter(pk=postmortem.pk).exists():
        return False
    return has_role(user, Role.AUTHOR) or (role_of(user) is not None and is_reviewer_of(user, postmortem))


def can_change_comment(user: AbstractBaseUser | AnonymousUser, comment: ReviewComment) -> bool:
    """A comment's text is its writer's; admins may tidy up."""
    return user.is_authenticated and (comment.author_id == user.pk or has_role(user, Role.ADMIN))


def can_resolve_comment(
    user: AbstractBaseUser | AnonymousUser, comment: ReviewComment, *, may_edit_postmortem: bool | None = None
) -> bool:
    """Whoever may edit the postmortem resolves comments on it, and so may the comment's writer.

    `may_edit_postmortem` is can_edit_postmortem for the comment's postmortem when the caller knows it already
    (a page listing many comments asks once, not once per comment).
    """
    if can_change_comment(user, comment):
        return True
    if may_edit_postmortem is not None:
        return may_edit_postmortem
    return can_edit_postmortem(user, comment.postmortem)


def can_edit_action_item(user: AbstractBaseUser | AnonymousUser, item: ActionItem) -> bool:
    """The postmortem's editors, and the item's owner (who keeps its status up to date)."""
    if user.is_authenticated and item.owner_id == user.pk and has_role(user, Role.VIEWER):
        return True
    return can_edit_postmortem(user, item.postmortem)


def can_manage_teams(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Teams decide who sees restricted postmortems, so only admins change them."""
    return has_role(user, Role.ADMIN)
