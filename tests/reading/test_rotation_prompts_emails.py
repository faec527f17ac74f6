from datetime import timedelta

import pytest
from django.core import signing

from postmortems import models as m
from postmortems.reading.digests import create_weekly_digest
from postmortems.reading.emails import unsubscribe_token, user_id_from_unsubscribe_token
from postmortems.reading.prompts import FALLBACK_PROMPTS, discussion_prompts, key_factors
from postmortems.reading.rotation import choose_facilitator
from tests.factories import ContributingFactorFactory, MembershipFactory, PostmortemFactory, UserFactory
from tests.reading.conftest import WEEK


@pytest.mark.django_db
def test_facilitator_rotates_through_the_members_week_by_week(team, readers):
    weeks = [WEEK + timedelta(weeks=n) for n in range(4)]

    chosen = [create_weekly_digest(team=team, week_start=week)[0].facilitator.username for week in weeks]

    assert chosen == ["ana", "ben", "cai", "ana"]


@pytest.mark.django_db
def test_facilitator_newcomer_takes_a_turn_before_anyone_goes_twice(team, readers):
    create_weekly_digest(team=team, week_start=WEEK)
    create_weekly_digest(team=team, week_start=WEEK + timedelta(weeks=1))
    MembershipFactory(team=team, user=UserFactory(username="new"))

    assert choose_facilitator(team, WEEK + timedelta(weeks=2)).username == "cai"
    create_weekly_digest(team=team, week_start=WEEK + timedelta(weeks=2))
    assert choose_facilitator(team, WEEK + timedelta(weeks=3)).username == "new"


@pytest.mark.django_db
def test_facilitator_is_never_someone_who_has_left(team, readers):
    readers[0].is_active = False
    readers[0].save()

    assert choose_facilitator(team, WEEK).username == "ben"


@pytest.mark.django_db
def test_facilitator_choice_is_the_same_when_asked_again(team, readers):
    create_weekly_digest(team=team, week_start=WEEK)

    assert choose_facilitator(team, WEEK + timedelta(weeks=1)) == choose_facilitator(team, WEEK + timedelta(weeks=1))
    assert choose_facilitator(team, WEEK).username == "ana"  # later weeks never change an earlier one


@pytest.mark.django_db
def test_discussion_prompts_ask_each_factor_familys_question_once():
    postmortem = PostmortemFactory()
    for slug in ("load.retry-feedback-loop", "load.hidden-limit", "signals.alert-fatigue", "org.goal-conflict"):
        ContributingFactorFactory(postmortem=postmortem, factor=m.Factor.objects.get(slug=slug))
    tags = list(postmortem.contributing_factors.select_related("factor__family"))

    prompts = discussion_prompts(tags)

    assert prompts == [
        "How did demand and capacity interact over time? (Retry feedback loop)",
        "What could people see, and what did it tell them? (Alert fatigue)",
        "What was the organisation asking for, and what had become normal? (Goal conflict)",
    ]
    assert key_factors(tags, limit=2) == ["Retry feedback loop (amplifier)", "Hidden limit (amplifier)"]


@pytest.mark.django_db
def test_discussion_prompts_fall_back_to_local_rationality_questions():
    postmortem = PostmortemFactory()
    ContributingFactorFactory(postmortem=postmortem, factor=None, role="")
    tags = list(postmortem.contributing_factors.all())

    assert discussion_prompts(tags) == list(FALLBACK_PROMPTS)


@pytest.mark.django_db
def test_unsubscribe_token_names_the_person_and_resists_tampering(member):
    token = unsubscribe_token(member)

    assert user_id_from_unsubscribe_token(token) == member.pk
    with pytest.raises(signing.BadSignature):
        user_id_from_unsubscribe_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(signing.BadSignature):
        user_id_from_unsubscribe_token(signing.dumps(member.pk, salt="another purpose"))
