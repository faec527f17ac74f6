"""Writes for assumptions: recording them, moving their status (with an append-only history), linking evidence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from postmortems.models import (
    Assumption,
    AssumptionEvidence,
    AssumptionStatus,
    AssumptionStatusChange,
    EvidenceType,
    Postmortem,
    Service,
)

ASSUMPTION_FIELDS = (
    "statement",
    "kind",
    "service",
    "owner_team",
    "where_encoded",
    "last_validated_at",
    "validation_method",
    "superseded_by",
)


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(ASSUMPTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown assumption fields: {', '.join(sorted(unknown))}")


def _check_superseded_by(assumption: Assumption) -> None:
    if assumption.superseded_by_id is not None and assumption.superseded_by_id == assumption.pk:
        raise ValidationError({"superseded_by": "An assumption cannot supersede itself."})


def create_assumption(
    *,
    created_by: AbstractBaseUser | None,
    statement: str,
    status: str = AssumptionStatus.HELD,
    relied_on_by: Iterable[Service] = (),
    **fields: Any,
) -> Assumption:
    """Record a belief about the system; its history starts with the status it was recorded in."""
    _check_fields(fields)
    with transaction.atomic():
        assumption = Assumption.objects.create(statement=statement, status=status, created_by=created_by, **fields)
        assumption.relied_on_by.set(list(relied_on_by))
        AssumptionStatusChange.objects.create(
            assumption=assumption,
            from_status="",
            to_status=status,
            changed_by=created_by,
            changed_at=timezone.now(),
            reason="Recorded.",
        )
    return assumption


def update_assumption(
    *,
    assumption: Assumption,
    changed_by: AbstractBaseUser | None,
    relied_on_by: Iterable[Service] | None = None,
    **fields: Any,
) -> Assumption:
    """Edit what an assumption says; its status only moves through change_assumption_status."""
    _check_fields(fields)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(assumption, name, value)
        _check_superseded_by(assumption)
        assumption.save()
        if relied_on_by is not None:
            assumption.relied_on_by.set(list(relied_on_by))
    return assumption


def _move_status(
    assumption: Assumption,
    *,
    to_status: str,
    changed_by: AbstractBaseUser | None,
    reason: str,
    postmortem: Postmortem | None,
) -> AssumptionStatusChange:
    """Status and history move together; the caller holds the row lock."""
    change = AssumptionStatusChange.objects.create(
        assumption=assumption,
        from_status=assumption.status,
        to_status=to_status,
        changed_by=changed_by,
        changed_at=timezone.now(),
        reason=reason,
        postmortem=postmortem,
    )
    assumption.status = to_status
    assumption.save(update_fields=["status", "updated_at"])
    return change


def change_assumption_status(
    *,
    assumption: Assumption,
    to_status: str,
    changed_by: AbstractBaseUser | None,
    reason: str = "",
    postmortem: Postmortem | None = None,
) -> AssumptionStatusChange:
    """Move an assumption to a new status and append the change, with its reason, to the history."""
    if to_status not in AssumptionStatus.values:
        raise ValidationError({"to_status": f"Unknown status {to_status!r}."})
    with transaction.atomic():
        # Lock the row so two people moving the same assumption at once each see the other's change.
        locked = Assumption.objects.select_for_update().get(pk=assumption.pk)
        if locked.status == to_status:
            raise ValidationError({"to_status": f"The assumption is already {locked.get_status_display().lower()}."})
        change = _move_status(locked, to_status=to_status, changed_by=changed_by, reason=reason, postmortem=postmortem)
    assumption.status = locked.status
    assumption.updated_at = locked.updated_at
    return change


def link_assumption_to_postmortem(
    *,
    assumption: Assumption,
    postmortem: Postmortem,
    evidence_type: str,
    linked_by: AbstractBaseUser | None,
    excerpt: str = "",
) -> AssumptionEvidence:
    """Record what a postmortem showed about an assumption (one link per pair; linking again updates it).

    Evidence that a held assumption was violated moves it to violated, with the postmortem in its history.
    """
    if evidence_type not in EvidenceType.values:
        raise ValidationError({"evidence_type": f"Unknown evidence type {evidence_type!r}."})
    with transaction.atomic():
        locked = Assumption.objects.select_for_update().get(pk=assumption.pk)
        evidence, _created = AssumptionEvidence.objects.update_or_create(
            assumption=locked,
            postmortem=postmortem,
            defaults={"evidence_type": evidence_type, "excerpt": excerpt},
        )
        if evidence_type == EvidenceType.VIOLATED and locked.status == AssumptionStatus.HELD:
            _move_status(
                locked,
                to_status=AssumptionStatus.VIOLATED,
                changed_by=linked_by,
                reason=f"Violated in {postmortem.key}.",
                postmortem=postmortem,
            )
    assumption.status = locked.status
    return evidence


def unlink_assumption_from_postmortem(*, evidence: AssumptionEvidence, unlinked_by: AbstractBaseUser | None) -> None:
    """Drop a link. The assumption's history stays as it is: it records what was believed at the time."""
    evidence.delete()
