"""Writing checks for postmortems: a review checklist in the Cook / Hochstein style.

Checks flag, they never forbid: nothing here raises or blocks a save. There are two kinds of rule:

- wording rules look at the prose, one sentence at a time, for hindsight and blame language
  (TAXONOMY.md section 3.4) and quote the sentence with a rewrite hint;
- structure rules look at the postmortem and its factors, timeline and action items.

`RULES` is the whole list. `check_text` runs the wording rules on draft text; `check_postmortem`
runs everything on a saved postmortem in a fixed number of queries. docs/writing-checks.md
explains each rule and where it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import prefetch_related_objects

from postmortems.models import ActionStatus, EventKind, FactorRole

if TYPE_CHECKING:
    from postmortems.models import Postmortem


WORDING = "wording"
STRUCTURE = "structure"


@dataclass(frozen=True)
class Rule:
    """One check: a stable id, what it is called, what it looks at, and how to fix what it finds."""

    id: str
    title: str
    looks_at: str
    hint: str
    kind: str = WORDING
    # Wording rules only: what to flag. Each pattern is compiled case-insensitively.
    patterns: tuple[re.Pattern[str], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Finding:
    """One thing a reviewer should look at. `field` names where it is (e.g. `narrative`,
    `timeline.12.why_it_made_sense`); `quote` is the sentence that triggered a wording rule,
    and `span` the offsets of the flagged words in that field's text."""

    rule: Rule
    field: str
    message: str
    quote: str = ""
    span: tuple[int, int] | None = None

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def hint(self) -> str:
        return self.rule.hint

    def as_dict(self) -> dict:
        return {
            "rule": self.rule.id,
            "title": self.rule.title,
            "kind": self.rule.kind,
            "field": self.field,
            "message": self.message,
            "quote": self.quote,
            "span": list(self.span) if self.span else None,
            "hint": self.rule.hint,
        }


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Verbs that describe machines not doing something ("the certificate failed to renew"): that is
# a description of the system, not a verdict on a person, so "failed to" before them is left alone.
_MACHINE_VERBS = (
    "acquire|allocate|apply|authenticate|bind|boot|compile|complete|connect|converge|deliver|deploy|"
    "drain|elect|establish|execute|fire|flush|initiali[sz]e|install|launch|load|mount|open|parse|"
    "propagate|reach|recover|register|reload|renew|replicate|resolve|respond|restart|return|roll|"
    "rotate|run|scale|schedule|send|serve|start|sync|terminate|trigger|update|upload|validate|write"
)

# Outcome framing in "where we got lucky" and mitigator narratives ("it could have been much worse")
# describes what the mitigation limited, not what someone ought to have done.
_OUTCOME = r"been\s+(?:(?:so|much|far|a\s+lot|considerably|significantly)\s+)?(?:worse|bigger|larger|longer|wider)"

RULES: tuple[Rule, ...] = (
    Rule(
        id="counterfactual",
        title="Counterfactual wording",
        looks_at="Every sentence: 'should have', 'could have', 'failed to', 'if only', 'ought to have'.",
        hint=(
            "Describe what people saw, knew and were trying to do at that moment, "
            "rather than what they did not do. What made the path they took look reasonable?"
        ),
        patterns=(
            _p(r"\b(?:should|ought\s+to)(?:n['’]t|\s+not)?\s+have\b|\bshould(?:n['’]t)?['’]ve\b"),
            # Only the positive form: "could not have run the failover" states a constraint, not a verdict.
            _p(rf"\bcould\s+have\b(?!\s+{_OUTCOME})|\bcould['’]ve\b"),
            _p(rf"\bfail(?:ed|s)?\s+to\s+(?!(?:{_MACHINE_VERBS})\b)\w+|\bfailure\s+to\s+(?!(?:{_MACHINE_VERBS})\b)\w+"),
            _p(r"\bif\s+only\b"),
            _p(r"\bwould(?:n['’]t|\s+not)\s+have\s+happened\b|\bwould\s+have\s+been\s+(?:avoided|prevented|caught)\b"),
        ),
    ),
    Rule(
        id="judgement",
        title="Judgemental wording",
        looks_at="Every sentence: 'careless', 'negligent', 'sloppy', 'mistake', 'insufficient', 'inadequate', 'lazy'.",
        hint=(
            "Say what the condition was and by what standard it fell short, in the terms people used at the time "
            "(for example 'the test data had one tenant; production has 4,000')."
        ),
        patterns=(
            _p(r"\bcareless(?:ly|ness)?\b|\bnegligen(?:t|tly|ce)\b|\bneglect(?:ed|ing|s)?\b|\bsloppy\b"),
            # "Lazy loading / rebuilding" is an engineering term, not a verdict on anyone.
            _p(r"\bmistakes?\b|\blaziness\b|\blazy\b(?![- ](?:\w+ing|evaluation|init\w*|load\w*|copy|expiry)\b)"),
            _p(r"\bincompeten(?:t|ce)\b|\breckless(?:ly|ness)?\b"),
            _p(r"\bpoor\s+judg(?:e)?ment\b|\bbad\s+decision\b|\black\s+of\s+(?:care|attention|diligence|discipline)\b"),
            # "Insufficient memory" describes a resource; "insufficient testing" is a verdict.
            _p(
                r"\b(?:insufficient|inadequate)(?:ly)?\b(?!\s+(?:memory|disk|space|capacity|headroom|quota|"
                r"permissions?|privileges?|resources|funds|buffer|storage|bandwidth)\b)"
            ),
        ),
    ),
    Rule(
        id="human-error",
        title="'Human error' and blaming the person",
        looks_at="Every sentence: 'human error', 'operator error', 'fat-fingered', 'the engineer broke'.",
        hint=(
            "'Human error' is a label attached afterwards, not an explanation. Describe the conditions around the "
            "action: the tool, the signals, the time pressure, what the procedure assumed."
        ),
        patterns=(
            _p(r"\b(?:human|operator|pilot|engineer|user|manual)\s+errors?\b"),
            _p(r"\bfat[- ]?finger(?:ed|ing|s)?\b"),
            _p(
                r"\b(?:the|an?|our)\s+(?:engineer|operator|developer|on-?call(?:er)?|sre|admin|intern)\s+"
                r"(?:broke|caused|messed\s+up)\b"
            ),
            _p(r"\b(?:did\s+not|didn['’]t)\s+follow\s+(?:the\s+)?(?:procedure|process|runbook|playbook)\b"),
        ),
    ),
    Rule(
        id="root-cause",
        title="'Root cause'",
        looks_at="Every sentence: 'root cause', 'primary cause', 'the real cause'.",
        hint=(
            "Incidents have several contributing factors, none sufficient alone. Name each condition with its role "
            "(activator, enabling, amplifier, impediment, mitigator) instead of ranking one above the others."
        ),
        patterns=(_p(r"\broot[- ]caus(?:e|es|ed|ing)\b|\b(?:primary|real|single|underlying|main)\s+cause\b"),),
    ),
    Rule(
        id="minimiser",
        title="Minimising wording",
        looks_at="Every sentence: 'just', 'simply', 'merely', 'obviously', 'of course', 'trivially'.",
        hint=(
            "What looks simple in hindsight was not simple at the time. Drop the minimiser and describe what the "
            "step involved and what made it hard to see."
        ),
        patterns=(
            # "just" as a minimiser, not the time sense ("had just deployed", "just before 09:00", "just in time").
            _p(
                r"(?<!\bhad\s)(?<!\bhas\s)(?<!\bhave\s)(?<!\bwas\s)(?<!\bwere\s)(?<!\bd\s)"
                r"\bjust\b(?![- ](?:in[- ]time|before|after|as|now|then|under|over|about|around|below|above)\b)"
            ),
            # "Trivial" only about the work ("trivial to fix"), not about a thing ("a trivial query").
            _p(
                r"\bsimply\b|\bmerely\b|\bobvious(?:ly)?\b|\bof\s+course\b|\btrivial(?:ly)?\s+(?:to|fix|change|mistake)\b"
            ),
            _p(r"\beasy\s+to\s+(?:see|spot|catch|notice|avoid|prevent|fix)\b"),
        ),
    ),
    Rule(
        id="few-factors",
        title="Fewer than two contributing conditions",
        looks_at="The contributing factors whose role is not 'mitigator'.",
        hint=(
            "One non-mitigating factor is the 'root cause' smell. Ask what else had to be true for this to happen: "
            "what was already in the system, what made it spread, what made it hard to see."
        ),
        kind=STRUCTURE,
    ),
    Rule(
        id="no-mitigator",
        title="No mitigator",
        looks_at="The contributing factors: is any one's role 'mitigator'?",
        hint="What kept it from being worse, and who made that happen? Add it as a factor with the mitigator role.",
        kind=STRUCTURE,
    ),
    Rule(
        id="decision-without-rationale",
        title="Decision without why it made sense",
        looks_at="Timeline events of kind 'decision' with an empty 'why it made sense'.",
        hint="What did people know, what were they trying to do, and why did this look like the best option then?",
        kind=STRUCTURE,
    ),
    Rule(
        id="impact-empty",
        title="Impact is empty",
        looks_at="The impact section.",
        hint=(
            "Who and what was affected, for how long, and how you know. For a near miss, say what was at risk "
            "and what kept it from happening."
        ),
        kind=STRUCTURE,
    ),
    Rule(
        id="action-without-owner",
        title="Action item without an owner",
        looks_at="Open and in-progress action items with no owner (done and won't-do items are left alone).",
        hint="Name one person who will follow it up; a team alone tends to mean nobody.",
        kind=STRUCTURE,
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
WORDING_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.kind == WORDING)


# --- Sentences and the parts of a text that are not the author's own prose -----------------------

_ABBREVIATIONS = {"e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "dr", "mr", "mrs", "ms", "no", "fig", "st"}
# A sentence ends at . ! or ? (plus closing quotes/brackets) followed by space and something that can start one.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[*_]*[A-Z0-9])")
# Paragraph breaks, and markdown list items / headings / quotes, always start a new sentence.
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)]|#{1,6}|>)[ \t])")
_LEADING_MARKUP = re.compile(r"^(?:[ \t]*(?:[-*+]|\d+[.)]|#{1,6}|>)[ \t]+)+")

_CODE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]+`", re.DOTALL)
_URL = re.compile(r"https?://\S+|\]\([^)\s]*\)")
_QUOTED = re.compile(r"\"([^\"\n]+)\"|“([^”\n]+)”")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, in order, with surrounding whitespace excluded."""
    cuts = [0]
    for block in _BLOCK_BREAK.finditer(text):
        cuts.append(block.end())
    for end in _SENTENCE_END.finditer(text):
        # Only a short window before the full stop matters, which keeps this linear in the text length.
        word = re.search(r"([A-Za-z.]+)$", text[max(0, end.start() - 12) : end.start()])
        if end.group().startswith(".") and word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        cuts.append(end.end())
    cuts = sorted(set(cuts)) + [len(text)]
    spans = []
    for start, stop in zip(cuts, cuts[1:], strict=False):
        chunk = text[start:stop]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right > left:
            spans.append((start + left, start + right))
    return spans


def _ignored_ranges(text: str) -> list[tuple[int, int]]:
    """Ranges that wording rules skip: code and URLs (machine text), quoted questions ("should we have
    rolled back?" is a question someone asked, not a verdict) and a quoted term on its own (a mention,
    as in: we do not use "root cause")."""
    ranges = [m.span() for m in _CODE.finditer(text)] + [m.span() for m in _URL.finditer(text)]
    for quoted in _QUOTED.finditer(text):
        inner = (quoted.group(1) or quoted.group(2)).strip()
        is_question = inner.endswith("?")
        term = inner.rstrip(".,;:!")
        is_mention = any(pattern.fullmatch(term) for rule in WORDING_RULES for pattern in rule.patterns)
        if is_question or is_mention:
            ranges.append(quoted.span())
    return ranges


def _quote(text: str, start: int, end: int, limit: int = 300) -> str:
    sentence = _LEADING_MARKUP.sub("", text[start:end])
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def check_text(field: str, text: str | None) -> list[Finding]:
    """Run the wording rules over `text`; one finding per rule and sentence, quoting the sentence.

    `field` is carried into each finding so an editor can say where the sentence is.
    """
    if not text or not text.strip():
        return []
    ignored = _ignored_ranges(text)
    findings: list[Finding] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        for rule in WORDING_RULES:
            hit = _first_hit(rule, sentence, start, ignored)
            if hit is None:
                continue
            findings.append(
                Finding(
                    rule=rule,
                    field=field,
                    message=f"{rule.title}: “{text[hit[0] : hit[1]]}”",
                    quote=_quote(text, start, end),
                    span=hit,
                )
            )
    return findings


def _first_hit(rule: Rule, sentence: str, offset: int, ignored: list[tuple[int, int]]) -> tuple[int, int] | None:
    hits = []
    for pattern in rule.patterns:
        for match in pattern.finditer(sentence):
            begin, stop = match.start() + offset, match.end() + offset
            if not any(low <= begin and stop <= high for low, high in ignored):
                hits.append((begin, stop))
                break
    return min(hits) if hits else None


# --- The whole postmortem -------------------------------------------------------------------------

# Fields of the postmortem itself, in document order.
_DOCUMENT_FIELDS = ("title", "summary", "impact", "narrative", "went_well", "got_lucky", "open_questions")
# Children the checks read. A postmortem from `Postmortem.objects.for_detail()` already has them all,
# so checking it costs no query; a bare one costs one query per lookup, whatever the number of rows.
LINT_PREFETCH = ("timeline", "contributing_factors__factor", "action_items")


def check_postmortem(postmortem: Postmortem) -> list[Finding]:
    """Every rule over a postmortem: wording in document order, then structure. Never raises on content.

    The document fields are read from the object, so unsaved text can be checked as it is typed; a postmortem
    that was never saved has no timeline, factors or action items yet.
    """
    if postmortem.pk is None:
        events, factors, actions = [], [], []
    else:
        prefetch_related_objects([postmortem], *LINT_PREFETCH)
        events = list(postmortem.timeline.all())
        factors = list(postmortem.contributing_factors.all())
        actions = list(postmortem.action_items.all())

    findings: list[Finding] = []
    for name in _DOCUMENT_FIELDS:
        findings += check_text(name, getattr(postmortem, name))
    for event in events:
        findings += check_text(f"timeline.{event.pk}.text", event.text)
        findings += check_text(f"timeline.{event.pk}.why_it_made_sense", event.why_it_made_sense)
    for factor in factors:
        findings += check_text(f"contributing_factors.{factor.pk}.narrative", factor.narrative)
        findings += check_text(f"contributing_factors.{factor.pk}.why_it_made_sense", factor.why_it_made_sense)

    findings += _check_structure(postmortem, events, factors, actions)
    return findings


def _check_structure(postmortem: Postmortem, events: list, factors: list, actions: list) -> list[Finding]:
    findings: list[Finding] = []
    if not postmortem.impact.strip():
        findings.append(Finding(RULES_BY_ID["impact-empty"], "impact", "The impact section is empty."))

    # Unclassified imported factors have no role yet; they still describe a contributing condition.
    contributing = [f for f in factors if f.role != FactorRole.MITIGATOR]
    if len(contributing) < 2:
        findings.append(
            Finding(
                RULES_BY_ID["few-factors"],
                "contributing_factors",
                f"{len(contributing)} non-mitigating factor{'s' if len(contributing) != 1 else ''}; "
                "incidents usually need several conditions together.",
            )
        )
    if not any(f.role == FactorRole.MITIGATOR for f in factors):
        findings.append(
            Finding(RULES_BY_ID["no-mitigator"], "contributing_factors", "No factor has the mitigator role.")
        )

    for event in events:
        if event.kind == EventKind.DECISION and not event.why_it_made_sense.strip():
            findings.append(
                Finding(
                    RULES_BY_ID["decision-without-rationale"],
                    f"timeline.{event.pk}.why_it_made_sense",
                    "A decision has no 'why it made sense'.",
                    quote=_quote(event.text, 0, len(event.text)),
                )
            )

    for action in actions:
        if action.owner_id is None and action.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
            findings.append(
                Finding(
                    RULES_BY_ID["action-without-owner"],
                    f"action_items.{action.pk}.owner",
                    "An action item has no owner.",
                    quote=action.title,
                )
            )
    return findings
