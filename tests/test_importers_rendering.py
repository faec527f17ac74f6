"""The import's renderer must give exactly what render_markdown gives, on Markdown and on plain prose."""

import random

import pytest

from postmortems.importers.rendering import BulkRenderer, plain_paragraphs
from postmortems.markdown import render_markdown

CASES = [
    "",
    "   ",
    "Plain sentence, with (some) punctuation: 50% of it / all?",
    "Two lines\nin one paragraph.\n\nAnd a second paragraph.",
    "\n\nLeading and trailing blank lines\n\n",
    "Ünïcödé prose — with “quotes” and an ellipsis…",
    "A line ending in two spaces  \nbreaks hard.",
    "1. a numbered\n2. list",
    "- a bullet\n- list",
    "# A heading",
    "Some *emphasis*, `code` and a [link](https://example.com).",
    "<script>alert(1)</script> and <b>bold</b>",
    "Fish & chips < 5 > 3",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```\ncode block\n```",
    "Text\n===",
    "A\u00a0non-breaking space",
    "snake_case_name and under_scores",
    "    indented code",
    "> a quote",
    "[ref]: https://example.com\nSee [ref].",
    "Line\r\nwith CRLF",
]


@pytest.mark.parametrize("text", CASES)
def test_bulk_renderer_matches_render_markdown(text):
    assert BulkRenderer()(text) == render_markdown(text)


def test_bulk_renderer_matches_render_markdown_on_generated_prose():
    rng = random.Random(20261122)
    render = BulkRenderer()
    pieces = list("abcXYZé日019 .,;:'\"?!()/%+=@$‘’“”–—…-") + ["\n", "\n\n", "  ", "*", "_", "`", "#", "<", "&", "["]
    plain = 0
    for _ in range(3000):
        lines = []
        for _ in range(rng.randint(1, 4)):
            lines.append(rng.choice("abcXYZé") + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))))
        text = rng.choice(["\n", "\n\n"]).join(lines)
        plain += plain_paragraphs(text) is not None
        assert render(text) == render_markdown(text), repr(text)
    assert plain > 100  # the shortcut was exercised, not only the full renderer


def test_plain_paragraphs_refuses_anything_markdown_might_interpret():
    assert plain_paragraphs("Fine prose.\n\nMore prose.") == [["Fine prose."], ["More prose."]]
    for text in ("- item", "2. item", "a *b*", "a_b", "x\n===", "a <b>", "trailing  ", "\tindented"):
        assert plain_paragraphs(text) is None
