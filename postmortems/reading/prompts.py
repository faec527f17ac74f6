"""Discussion prompts for a postmortem, drawn from the questions its factors' families ask."""

from __future__ import annotations

from collections.abc import Iterable

from postmortems.models import ContributingFactor

MAX_PROMPTS = 3
# Asked when the factors give fewer prompts than MAX_PROMPTS: the local-rationality question behind every review.
FALLBACK_PROMPTS = (
    "Pick one decision in the timeline: what did people know then, and why did it make sense?",
    "What kept this from being worse, and would it work again next time?",
)


def discussion_prompts(factors: Iterable[ContributingFactor], limit: int = MAX_PROMPTS) -> list[str]:
    """One prompt per factor family, in the postmortem's factor order, naming the factor that raised it."""
    prompts: list[str] = []
    seen_families: set[int] = set()
    for tag in factors:
        if tag.factor is None or tag.factor.family_id in seen_families:
            continue
        seen_families.add(tag.factor.family_id)
        prompts.append(f"{tag.factor.family.question} ({tag.factor.name})")
    for fallback in FALLBACK_PROMPTS:
        if len(prompts) >= limit:
            break
        prompts.append(fallback)
    return prompts[:limit]


def key_factors(factors: Iterable[ContributingFactor], limit: int = 4) -> list[str]:
    """'Retry feedback loop (amplifier)' for the first classified factors."""
    named = [tag for tag in factors if tag.factor is not None]
    return [f"{tag.factor.name} ({tag.get_role_display().lower()})" for tag in named[:limit]]
