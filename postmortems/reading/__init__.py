"""Weekly postmortem reading: what each team reads, who gets the email, and the reading page's writes.

- `weeks`, `schedule`: ISO weeks, each team's local reading moment, and what the beat tick starts.
- `selection`: the 1-3 postmortems of a team's week, each with its reason.
- `rotation`, `prompts`: this week's facilitator and the discussion prompts.
- `digests`: creating a week's digest once, and who receives it.
- `delivery`: sending, at most once per person per week, with retries.
- `emails`: the HTML and plain-text email, and the signed unsubscribe link.
- `pages`: what the reading page shows a person, in a fixed number of queries.
- `services`: the reading page's writes (read receipts, reflections, preferences, library, admin).

docs/reading.md describes the feature and its guarantees.
"""
