"""Markdown rendering for bulk imports: the same HTML as `render_markdown`, many times cheaper per call.

`render_markdown` builds a new Markdown parser for every call (about 0.4 ms) and Python-Markdown then
takes another 0.1-0.5 ms per paragraph; an import of a thousand postmortems renders nine thousand fields.
Two savings, neither changing the output:

- the parser is built once and reset between documents (the reuse Python-Markdown documents), with the
  extension list and the nh3 allow-list taken from `postmortems.markdown`, so there is one configuration;
- plain prose (paragraphs of lines that start with a letter and hold only letters, digits, spaces and
  ordinary punctuation, nothing Markdown gives a meaning to) becomes `<p>` paragraphs with `<br>` line
  breaks directly, which is exactly what Python-Markdown with `nl2br` makes of it.

Everything else goes through the same nh3 sanitiser call as `render_markdown`. Plain prose cannot hold
a tag or an entity, and its HTML is already in nh3's canonical form. tests/test_importers_rendering.py
checks, on fixed and on generated texts, that the output is byte-identical to `render_markdown`.
If `render_markdown` learns to reuse its parser, this module can shrink to the plain-prose shortcut.
"""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3

from postmortems import markdown as config

# A line of plain prose: starts with a letter (so never a list, heading, quote or code block), ends with a
# visible character (so no hard break), and contains nothing inline Markdown or HTML would interpret.
_PLAIN_LINE = re.compile(r"[^\W\d_](?:[^\W_]|[ .,;:'\"?!()/%+=@$‘’“”–—…-])*(?<! )")
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def plain_paragraphs(text: str) -> list[list[str]] | None:
    """The text as paragraphs of lines, or None if anything in it might be Markdown."""
    stripped = text.strip("\n")
    paragraphs = [block.split("\n") for block in _PARAGRAPH_BREAK.split(stripped)]
    for lines in paragraphs:
        for line in lines:
            if not _PLAIN_LINE.fullmatch(line):
                return None
    return paragraphs


class BulkRenderer:
    """Not thread-safe: make one per import run (or per worker process)."""

    def __init__(self) -> None:
        self._md = markdown_lib.Markdown(extensions=config.EXTENSIONS, output_format="html")

    def __call__(self, text: str) -> str:
        if not text or not text.strip():
            return ""
        paragraphs = plain_paragraphs(text)
        if paragraphs is not None:
            # No <, > or & can be in it, so there is nothing to sanitise: this is already nh3's output.
            return "\n".join("<p>" + "<br>\n".join(lines) + "</p>" for lines in paragraphs)
        self._md.reset()
        html = self._md.convert(text)
        return nh3.clean(
            html,
            tags=config.ALLOWED_TAGS,
            attributes=config.ALLOWED_ATTRIBUTES,
            url_schemes=config.ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
