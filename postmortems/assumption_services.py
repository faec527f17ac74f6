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
    reason: str = "Recorded.",
    postmortem: Postmortem | None = None,
    **fields: Any,
) -> Assumption:
    """Record a belief about the system; its history starts with the status it was recorded in.

    `postmortem` is where it was recorded from, if anywhere: the first history entry points at it.
    """
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
            reason=reason,
            postmortem=postmortem,
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
    evidence: str = "",
) -> AssumptionStatusChange:
    """Status and history move together; the caller holds the row lock."""
    change = AssumptionStatusChange.objects.create(
        assumption=assumption,
        from_status=assumption.status,
        to_status=to_status,
        changed_by=changed_by,
        changed_at=timezone.now(),
        reason=reason,
        evidence=evidence,
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
    evidence: str = "",
) -> AssumptionStatusChange:
    """Move an assumption to a new status and append the change, with its reason and evidence, to the history."""
    if to_status not in AssumptionStatus.values:
        raise ValidationError({"to_status": f"Unknown status {to_status!r}."})
    with transaction.atomic():
        # Lock the row so two people moving the same assumption at once each see the other's change.
        locked = Assumption.objects.select_for_update().get(pk=assumption.pk)
        if locked.status == to_status:
            raise ValidationError({"to_status": f"The assumption is already {locked.get_status_display().lower()}."})
        change = _move_status(
            locked, to_status=to_status, changed_by=changed_by, reason=reason, postmortem=postmortem, evidence=evidence
        )
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


def record_assumption_from_postmortem(
    *,
    postmortem: Postmortem,
    created_by: AbstractBaseUser | None,
    statement: str,
    evidence_type: str,
    excerpt: str = "",
    relied_on_by: Iterable[Service] = (),
    **fields: Any,
) -> AssumptionEvidence:
    """Record a new assumption while writing a postmortem and link it with its evidence, in one transaction.

    It is recorded as held (it was believed until the incident) and the link moves it on: evidence that it
    was violated makes it violated, with the postmortem in its history.
    """
    if evidence_type not in EvidenceType.values:
        raise ValidationError({"evidence_type": f"Unknown evidence type {evidence_type!r}."})
    with transaction.atomic():
        assumption = create_assumption(
            created_by=created_by,
            statement=statement,
            relied_on_by=relied_on_by,
            reason="Recorded from the postmortem that showed it.",
            postmortem=postmortem,
            **fields,
        )
        return link_assumption_to_postmortem(
            assumption=assumption,
            postmortem=postmortem,
            evidence_type=evidence_type,
            linked_by=created_by,
            excerpt=excerpt,
        )


def _check_replacement(assumption: Assumption, replacement: Assumption) -> None:
    """The replacement must not be the assumption itself, nor lead back to it through its own successors."""
    seen: set[int] = set()
    current: Assumption | None = replacement
    while current is not None and current.pk not in seen:
        if current.pk == assumption.pk:
            raise ValidationError({"replacement": "The replacement cannot be this assumption or one it replaces."})
        seen.add(current.pk)
        current = current.superseded_by


def revise_assumption(
    *,
    assumption: Assumption,
    changed_by: AbstractBaseUser | None,
    reason: str,
    replacement: Assumption | None = None,
    new_statement: str = "",
    evidence: str = "",
    postmortem: Postmortem | None = None,
) -> Assumption:
    """Mark an assumption revised and point it at the one that replaces it; returns the replacement.

    Give an existing `replacement`, or a `new_statement`: the new assumption then copies the kind, service,
    owner team, where it is encoded and who relies on it, and starts as held.
    """
    if (replacement is None) == (not new_statement.strip()):
        raise ValidationError({"replacement": "Choose the assumption that replaces it, or state the revised one."})
    with transaction.atomic():
        locked = Assumption.objects.select_for_update().get(pk=assumption.pk)
        if locked.status == AssumptionStatus.REVISED:
            raise ValidationError({"to_status": "The assumption is already revised; revise its replacement instead."})
        if replacement is None:
            replacement = create_assumption(
                created_by=changed_by,
                statement=new_statement.strip(),
                relied_on_by=list(locked.relied_on_by.all()),
                reason=f"Recorded as the revision of assumption #{locked.pk}.",
                kind=locked.kind,
                service=locked.service,
                owner_team=locked.owner_team,
                where_encoded=locked.where_encoded,
            )
        else:
            _check_replacement(locked, replacement)
        locked.superseded_by = replacement
        locked.save(update_fields=["superseded_by", "updated_at"])
        _move_status(
            locked,
            to_status=AssumptionStatus.REVISED,
            changed_by=changed_by,
            reason=reason,
            postmortem=postmortem,
            evidence=evidence,
        )
    assumption.status, assumption.superseded_by = locked.status, replacement
    return replacement
