"""Writes behind the reading page, the settings, the unsubscribe link, the library and the admin."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from postmortems.models import DigestDelivery, DigestItem, DigestPreference, Kind, Postmortem, ReadReceipt, Team
from postmortems.reading.delivery import retry_failed_deliveries
from postmortems.services import update_postmortem

logger = logging.getLogger(__name__)

REFLECTION_MAX_CHARS = 2000


def mark_read(*, user: AbstractBaseUser, item: DigestItem) -> ReadReceipt:
    """Record that the person read the item's postmortem; reading it again changes nothing."""
    receipt = ReadReceipt.objects.filter(user=user, postmortem_id=item.postmortem_id).first()
    if receipt is not None:
        return receipt
    try:
        with transaction.atomic():
            return ReadReceipt.objects.create(
                user=user, postmortem_id=item.postmortem_id, digest_id=item.digest_id, read_at=timezone.now()
            )
    except IntegrityError:  # a double click raced us to the unique (user, postmortem) row
        return ReadReceipt.objects.get(user=user, postmortem_id=item.postmortem_id)


def save_reflection(*, user: AbstractBaseUser, item: DigestItem, text: str) -> ReadReceipt:
    """Save (or clear) the person's reflection on the item's postmortem; writing one also marks it read."""
    text = text.strip()
    if len(text) > REFLECTION_MAX_CHARS:
        raise ValidationError({"reflection": f"Keep it short: at most {REFLECTION_MAX_CHARS} characters."})
    with transaction.atomic():
        receipt = mark_read(user=user, item=item)
        receipt.reflection = text
        receipt.save(update_fields=["reflection", "reflection_html"])
    return receipt


def update_digest_preference(
    *, user: AbstractBaseUser, subscribed: bool, muted_teams: Iterable[Team] = ()
) -> DigestPreference:
    """The person's own choice: the weekly email at all, and which of their teams' emails to leave out."""
    with transaction.atomic():
        preference, _ = DigestPreference.objects.select_for_update().get_or_create(user=user)
        preference.subscribed = subscribed
        preference.save(update_fields=["subscribed", "updated_at"])
        preference.muted_teams.set(list(muted_teams))
    return preference


def unsubscribe(*, user_id: int) -> DigestPreference:
    """Stop the weekly email for the person (from the signed link); their teams stay as they are."""
    user = get_user_model().objects.get(pk=user_id)
    preference, _ = DigestPreference.objects.get_or_create(user=user)
    if preference.subscribed:
        preference.subscribed = False
        preference.save(update_fields=["subscribed", "updated_at"])
        logger.info("unsubscribed from the weekly digest", extra={"user_id": user.pk})
    return preference


def set_suppressed(*, users: Iterable[AbstractBaseUser], suppressed: bool) -> int:
    """An admin's switch: a suppressed person gets no digest whatever they chose, from the next send on."""
    count = 0
    with transaction.atomic():
        for user in users:
            DigestPreference.objects.update_or_create(user=user, defaults={"suppressed": suppressed})
            count += 1
    return count


def retry_failed(*, deliveries: QuerySet[DigestDelivery]) -> int:
    """Give failed deliveries a fresh retry budget and queue a sending pass for their digests after commit."""
    from postmortems.tasks import enqueue_digest_pass  # tasks import this package; import late to avoid a cycle

    with transaction.atomic():
        count = deliveries.filter(status="failed").count()
        digest_ids = retry_failed_deliveries(deliveries=deliveries)
        for digest_id in digest_ids:
            transaction.on_commit(lambda digest_id=digest_id: enqueue_digest_pass(digest_id))
    return count


def set_in_library(*, postmortem: Postmortem, in_library: bool, changed_by: AbstractBaseUser) -> Postmortem:
    """Add a public (external) postmortem to the reading library, or take it out; recorded as a revision."""
    if in_library and postmortem.kind != Kind.EXTERNAL:
        raise ValidationError("Only external (public) postmortems belong in the library.")
    if postmortem.in_library == in_library:
        return postmortem
    return update_postmortem(
        postmortem=postmortem, expected_version=postmortem.version, changed_by=changed_by, in_library=in_library
    )
