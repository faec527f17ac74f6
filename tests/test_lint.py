"""The writing checks: every rule with sentences it must flag and sentences it must leave alone."""

import json

import pytest
from django.core.management import CommandError, call_command

from postmortems import models as m
from postmortems.lint import RULES, RULES_BY_ID, STRUCTURE, WORDING, check_postmortem, check_text, sentence_spans
from tests.factories import (
    ActionItemFactory,
    ContributingFactorFactory,
    PostmortemFactory,
    TimelineEventFactory,
    UserFactory,
)

FLAGGED = {
    "counterfactual": [
        "The on-call engineer should have noticed the alert.",
        "They shouldn't have deployed on a Friday.",
        "We should not have trusted the dashboard.",
        "Someone could have checked the replica lag first.",
        "The outage could have been avoided with a canary.",
        "Alice failed to notice the second graph.",
        "The team fails to review config changes.",
        "If only we had waited ten minutes.",
        "This would not have happened with staged rollouts.",
        "Ops ought to have paged the database team.",
        "He should've rolled back.",
        "What should have paged us earlier?",
    ],
    "judgement": [
        "The change was careless.",
        "Testing was insufficient for this kind of content.",
        "The runbook was inadequate.",
        "It was a mistake to restart both nodes.",
        "The on-call was lazy about the alert.",
        "The operator neglected the warning.",
        "The review was sloppy.",
        "This showed poor judgement by the reviewer.",
    ],
    "human-error": [
        "The incident was caused by human error.",
        "Operator error took down the region.",
        "An engineer fat-fingered the command.",
        "The engineer broke production with a config push.",
        "The on-call didn't follow the runbook.",
    ],
    "root-cause": [
        "The root cause was an expired certificate.",
        "We root-caused it to DNS.",
        "The primary cause was the retry storm.",
        "Root causes: DNS and a stale cache.",
    ],
    "minimiser": [
        "They just needed to restart the pod.",
        "Just roll back next time.",
        "The fix was simply to raise the limit.",
        "It was obviously the cache.",
        "The obvious fix was a rollback.",
        "Of course the replica was stale.",
        "The signal was easy to spot in the logs.",
        "Restarting was trivial to do, in hindsight.",
    ],
}

NOT_FLAGGED = {
    "counterfactual": [
        "It could have been much worse without the circuit breaker.",
        "The certificate failed to renew.",
        "Two of the five people could not have run the failover: their accounts lacked the role.",
        "Two pods failed to start after the upgrade.",
        'Sam asked "what should have paged us earlier?" and nobody was sure.',
        "In the review someone asked “what could have warned us sooner?”",
        "We should add a canary stage.",
        "Shoulder-surfing during the deploy helped.",
        "The health check failed repeatedly.",
        "Run `if only_once: should_have_run()` to reproduce.",
    ],
    "judgement": [
        "The node had insufficient memory for the new index.",
        "Pods were evicted for insufficient disk space.",
        "The mistaken belief was that retries were safe.",
        "We care about latency.",
        "Lazy rebuilding is fine when misses trickle in.",
    ],
    "human-error": [
        "Errors rose for human-facing endpoints.",
        "The error budget was spent by Tuesday.",
        "The engineer followed the runbook, which assumed a single region.",
    ],
    "root-cause": [
        'We do not use "root cause" in our reviews.',
        "Several causes combined: a stale rule, a burst of clients and a memory limit.",
        "Roots of the tree were replicated.",
    ],
    "minimiser": [
        "We readjusted the pool size.",
        "The team had to justify the extra capacity.",
        "We had just deployed the new build.",
        "The alert fired just before 09:00.",
        "The fix landed just in time for the peak.",
        "Latency stayed just under 300 ms.",
        "The health check runs a trivial query and kept passing.",
        "Justice Department traffic was unaffected.",
        "See https://example.com/just-restart for the old page.",
    ],
}


def _rules(findings):
    return {finding.rule_id for finding in findings}


@pytest.mark.parametrize(("rule_id", "sentence"), [(rule, text) for rule, texts in FLAGGED.items() for text in texts])
def test_check_text_flags_wording(rule_id, sentence):
    findings = [f for f in check_text("narrative", sentence) if f.rule_id == rule_id]

    assert len(findings) == 1
    assert findings[0].quote == sentence
    assert findings[0].field == "narrative"
    assert findings[0].hint == RULES_BY_ID[rule_id].hint


@pytest.mark.parametrize(
    ("rule_id", "sentence"), [(rule, text) for rule, texts in NOT_FLAGGED.items() for text in texts]
)
def test_check_text_leaves_fair_wording_alone(rule_id, sentence):
    assert rule_id not in _rules(check_text("narrative", sentence))


def test_every_wording_rule_has_examples_both_ways():
    wording = {rule.id for rule in RULES if rule.kind == WORDING}

    assert set(FLAGGED) == wording
    assert set(NOT_FLAGGED) == wording


def test_rules_have_unique_ids_titles_and_hints():
    assert len(RULES_BY_ID) == len(RULES)
    assert all(rule.title and rule.looks_at and rule.hint for rule in RULES)
    assert all(rule.patterns for rule in RULES if rule.kind == WORDING)
    assert not any(rule.patterns for rule in RULES if rule.kind == STRUCTURE)


def test_check_text_quotes_only_the_offending_sentence_with_its_span():
    text = (
        "Traffic doubled at 09:00, e.g. from the new campaign. The engineer should have\n"
        "scaled the pool. Nobody knew the limit was per node."
    )

    [finding] = check_text("narrative", text)

    assert finding.quote == "The engineer should have scaled the pool."
    assert text[finding.span[0] : finding.span[1]] == "should have"


def test_check_text_gives_one_finding_per_rule_and_sentence():
    findings = check_text("summary", "He should have, and could have, just restarted it. Then it recovered.")

    assert sorted(f.rule_id for f in findings) == ["counterfactual", "minimiser"]


def test_check_text_splits_markdown_list_items_into_sentences():
    text = "- Retries tripled load\n- The fix was obviously a rollback\n\nIt recovered."

    spans = [text[start:end] for start, end in sentence_spans(text)]
    [finding] = check_text("narrative", text)

    assert spans == ["- Retries tripled load", "- The fix was obviously a rollback", "It recovered."]
    assert finding.quote == "The fix was obviously a rollback"


def test_check_text_skips_code_blocks():
    text = "The log said:\n\n```\nroot cause: just retry\n```\n\nThe pool recovered."

    assert check_text("narrative", text) == []


def test_check_text_returns_nothing_for_empty_text():
    assert check_text("impact", "") == []
    assert check_text("impact", None) == []


def _clean_postmortem(**kwargs):
    """A postmortem that passes every check, for tests that break one thing at a time."""
    pm = PostmortemFactory(impact="Checkout failed for 12% of EU customers for 20 minutes.", **kwargs)
    ContributingFactorFactory(postmortem=pm, role=m.FactorRole.ACTIVATOR)
    ContributingFactorFactory(postmortem=pm, factor=m.Factor.objects.get(slug="latent.dark-debt"), role="enabling")
    ContributingFactorFactory(
        postmortem=pm,
        factor=m.Factor.objects.get(slug="adaptive.improvised-adaptation"),
        role=m.FactorRole.MITIGATOR,
        narrative="The responder shed load with a CDN rule.",
    )
    return pm


@pytest.mark.django_db
def test_check_postmortem_finds_nothing_in_a_clean_postmortem():
    pm = _clean_postmortem()
    TimelineEventFactory(postmortem=pm, kind=m.EventKind.DECISION, why_it_made_sense="Rollback had worked twice.")
    ActionItemFactory(postmortem=pm, owner=UserFactory())

    assert check_postmortem(pm) == []


@pytest.mark.django_db
def test_check_postmortem_flags_empty_impact():
    pm = _clean_postmortem()
    pm.impact = "  \n"
    pm.save()

    assert _rules(check_postmortem(pm)) == {"impact-empty"}


@pytest.mark.django_db
def test_check_postmortem_flags_a_single_non_mitigating_factor():
    pm = PostmortemFactory(impact="Some impact.")
    ContributingFactorFactory(postmortem=pm, role=m.FactorRole.ACTIVATOR)
    ContributingFactorFactory(postmortem=pm, role=m.FactorRole.MITIGATOR)
    ContributingFactorFactory(postmortem=pm, role=m.FactorRole.MITIGATOR)

    findings = check_postmortem(pm)

    assert _rules(findings) == {"few-factors"}
    assert findings[0].message.startswith("1 non-mitigating factor;")


@pytest.mark.django_db
def test_check_postmortem_counts_unclassified_factors_as_contributing():
    pm = PostmortemFactory(impact="Some impact.")
    ContributingFactorFactory(postmortem=pm, role=m.FactorRole.ACTIVATOR)
    ContributingFactorFactory(postmortem=pm, factor=None, role="", narrative="Imported bullet about caches.")
    ContributingFactorFactory(postmortem=pm, role=m.FactorRole.MITIGATOR)

    assert "few-factors" not in _rules(check_postmortem(pm))


@pytest.mark.django_db
def test_check_postmortem_flags_no_factors_at_all_twice_over():
    pm = PostmortemFactory(impact="Some impact.")

    assert _rules(check_postmortem(pm)) == {"few-factors", "no-mitigator"}


@pytest.mark.django_db
def test_check_postmortem_flags_missing_mitigator():
    pm = PostmortemFactory(impact="Some impact.")
    ContributingFactorFactory(postmortem=pm, role=m.FactorRole.ACTIVATOR)
    ContributingFactorFactory(postmortem=pm, role=m.FactorRole.AMPLIFIER)

    assert _rules(check_postmortem(pm)) == {"no-mitigator"}


@pytest.mark.django_db
def test_check_postmortem_flags_decisions_without_why_it_made_sense():
    pm = _clean_postmortem()
    bare = TimelineEventFactory(postmortem=pm, kind=m.EventKind.DECISION, text="Rolled back the config push.")
    TimelineEventFactory(postmortem=pm, kind=m.EventKind.DECISION, why_it_made_sense="Rollbacks are cheap here.")
    TimelineEventFactory(postmortem=pm, kind=m.EventKind.ACTION, text="Restarted the gateway.")

    [finding] = check_postmortem(pm)

    assert finding.rule_id == "decision-without-rationale"
    assert finding.field == f"timeline.{bare.pk}.why_it_made_sense"
    assert finding.quote == "Rolled back the config push."


@pytest.mark.django_db
def test_check_postmortem_flags_open_action_items_without_owner():
    pm = _clean_postmortem()
    orphan = ActionItemFactory(postmortem=pm, title="Cap retries", status=m.ActionStatus.IN_PROGRESS)
    ActionItemFactory(postmortem=pm, owner=UserFactory())
    ActionItemFactory(postmortem=pm, status=m.ActionStatus.DONE)
    ActionItemFactory(postmortem=pm, status=m.ActionStatus.WONT_DO)

    [finding] = check_postmortem(pm)

    assert finding.rule_id == "action-without-owner"
    assert finding.field == f"action_items.{orphan.pk}.owner"
    assert finding.quote == "Cap retries"


@pytest.mark.django_db
def test_check_postmortem_reads_every_prose_field_and_child():
    pm = _clean_postmortem(summary="It was human error.", got_lucky="It could have been far worse.")
    event = TimelineEventFactory(postmortem=pm, text="Paged the DBA.", kind=m.EventKind.DECISION)
    event.why_it_made_sense = "The root cause looked like the database."
    event.save()
    factor = ContributingFactorFactory(postmortem=pm, role="amplifier", narrative="Bob failed to check the limit.")

    fields = {(f.rule_id, f.field) for f in check_postmortem(pm)}

    assert fields == {
        ("human-error", "summary"),
        ("root-cause", f"timeline.{event.pk}.why_it_made_sense"),
        ("counterfactual", f"contributing_factors.{factor.pk}.narrative"),
    }


def _busy_postmortem(n):
    pm = PostmortemFactory(impact="", narrative="It was obviously DNS.")
    for _ in range(n):
        TimelineEventFactory(postmortem=pm, kind=m.EventKind.DECISION)
        ContributingFactorFactory(postmortem=pm)
        ActionItemFactory(postmortem=pm)
    return pm


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 20])
def test_check_postmortem_query_count_does_not_grow_with_children(django_assert_max_num_queries, n):
    pm = m.Postmortem.objects.get(pk=_busy_postmortem(n).pk)

    with django_assert_max_num_queries(4):
        findings = check_postmortem(pm)

    assert len([f for f in findings if f.rule_id == "action-without-owner"]) == n


@pytest.mark.django_db
def test_check_postmortem_uses_the_detail_prefetch_without_queries(django_assert_num_queries):
    pm = m.Postmortem.objects.for_detail().get(pk=_busy_postmortem(3).pk)

    with django_assert_num_queries(0):
        findings = check_postmortem(pm)

    assert {"minimiser", "impact-empty", "decision-without-rationale"} <= _rules(findings)


@pytest.mark.django_db
def test_lint_postmortem_command_prints_findings_and_exits_zero(capsys):
    pm = PostmortemFactory(key="PM-2026-901", impact="", narrative="The root cause was DNS.")

    call_command("lint_postmortem", pm.key)

    out = capsys.readouterr().out
    assert out.startswith("PM-2026-901: 4 findings")
    assert "[root-cause] narrative" in out
    assert "“The root cause was DNS.”" in out
    assert "[impact-empty] impact" in out


@pytest.mark.django_db
def test_lint_postmortem_command_says_when_there_is_nothing(capsys):
    pm = _clean_postmortem()

    call_command("lint_postmortem", pm.key)

    assert capsys.readouterr().out.strip() == f"{pm.key}: no findings."


@pytest.mark.django_db
def test_lint_postmortem_command_prints_json(capsys):
    pm = PostmortemFactory(impact="Some.", narrative="They simply restarted it.")

    call_command("lint_postmortem", pm.key, "--json")

    rows = json.loads(capsys.readouterr().out)
    assert [row["rule"] for row in rows] == ["minimiser", "few-factors", "no-mitigator"]
    assert rows[0]["quote"] == "They simply restarted it."


@pytest.mark.django_db
def test_lint_postmortem_command_refuses_an_unknown_key():
    with pytest.raises(CommandError, match="no postmortem with key 'PM-1999-001'"):
        call_command("lint_postmortem", "PM-1999-001")
