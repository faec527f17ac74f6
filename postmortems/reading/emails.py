"""The digest email (HTML and plain text) and the signed unsubscribe link it carries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse

from postmortems.models import ContributingFactor, Digest, DigestItem, Postmortem
from postmortems.reading.prompts import discussion_prompts, key_factors

UNSUBSCRIBE_SALT = "postmortems.reading.unsubscribe"
# Digests show the summary only; the long parts of a postmortem stay in the database.
_LONG_FIELDS = [
    f"{name}{suffix}"
    for name in ("impact", "narrative", "went_well", "got_lucky", "open_questions")
    for suffix in ("", "_html")
] + ["metadata"]


def unsubscribe_token(user: AbstractBaseUser) -> str:
    """A signed, non-expiring token naming the person: unsubscribe links must work from old emails too."""
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_id_from_unsubscribe_token(token: str) -> int:
    """The person's id; raises signing.BadSignature for a forged or mangled token."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(value, int):
        raise signing.BadSignature("unexpected token payload")
    return value


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass
class ItemContent:
    item: DigestItem
    postmortem: Postmortem
    key_factors: list[str]
    prompts: list[str]
    url: str


@dataclass
class DigestContent:
    """Everything the email shows that is the same for every recipient, loaded once per sending pass."""

    digest: Digest
    items: list[ItemContent]
    restricted_ids: set[int] = field(default_factory=set)

    def items_for(self, user: AbstractBaseUser) -> list[ItemContent]:
        """The items this person may see (see selection.py: normally all of them)."""
        if not self.restricted_ids:
            return self.items
        visible = set(
            Postmortem.objects.filter(pk__in=self.restricted_ids).visible_to(user).values_list("pk", flat=True)
        )
        return [c for c in self.items if c.postmortem.pk not in self.restricted_ids or c.postmortem.pk in visible]


def digest_items_with_factors(digest_ids: list[int]):
    """Items of the digests, published postmortems only, with factors and families for prompts, in 2 queries."""
    factors = ContributingFactor.objects.select_related("factor__family").order_by("position", "id")
    return (
        DigestItem.objects.filter(digest_id__in=digest_ids, postmortem__status="published")
        .select_related("postmortem")
        .defer(*(f"postmortem__{name}" for name in _LONG_FIELDS))
        .prefetch_related(Prefetch("postmortem__contributing_factors", queryset=factors))
        .order_by("digest_id", "position", "id")
    )


def build_digest_content(digest: Digest) -> DigestContent:
    items = []
    restricted = set()
    for item in digest_items_with_factors([digest.pk]):
        tags = list(item.postmortem.contributing_factors.all())
        items.append(
            ItemContent(
                item=item,
                postmortem=item.postmortem,
                key_factors=key_factors(tags),
                prompts=discussion_prompts(tags),
                url=absolute(item.postmortem.get_absolute_url()),
            )
        )
        if item.postmortem.restricted:
            restricted.add(item.postmortem.pk)
    return DigestContent(digest=digest, items=items, restricted_ids=restricted)


def render_digest_email(
    *, content: DigestContent, recipient: AbstractBaseUser, items: list[ItemContent]
) -> EmailMultiAlternatives:
    digest = content.digest
    unsubscribe_url = absolute(reverse("postmortems:reading_unsubscribe", args=[unsubscribe_token(recipient)]))
    context = {
        "digest": digest,
        "team": digest.team,
        "week": f"{digest.week_start:%G-W%V}",
        "items": items,
        "recipient": recipient,
        "facilitator": digest.facilitator,
        "is_facilitator": digest.facilitator_id == recipient.pk,
        "reading_url": absolute(reverse("postmortems:reading")),
        "settings_url": absolute(reverse("postmortems:reading_settings")),
        "unsubscribe_url": unsubscribe_url,
    }
    count = len(items)
    subject = f"{digest.team.name} weekly reading, {context['week']}: {count} postmortem{'s' if count != 1 else ''}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reading/email/digest.txt", context),
        to=[recipient.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("reading/email/digest.html", context), "text/html")
    return message
