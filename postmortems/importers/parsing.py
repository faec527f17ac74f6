"""Stage one of an import: read every file into checked `PostmortemIn`s, touching no database.

Because nothing here needs the database, large imports split the files across worker processes.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from postmortems.importers.documents import clean_document, unstorable_text
from postmortems.importers.frontmatter import FrontMatterLocator, parse_front_matter
from postmortems.importers.jsonformat import parse_json
from postmortems.importers.problems import NO_LOCATOR, Locator, Problem
from postmortems.importers.records import PostmortemIn
from postmortems.importers.rendering import BulkRenderer
from postmortems.importers.sections import file_name_parts, parse_sections
from postmortems.importers.sources import SourceFile, detect_format

# Below this many files, starting processes costs more than it saves.
PARALLEL_THRESHOLD = 400
# Files per chunk: parsed, checked and written together; big enough that per-chunk queries do not matter.
CHUNK_SIZE = 100


@dataclass
class CatalogEntry:
    file: str
    path: str
    data: dict[str, Any]


@dataclass
class Parsed:
    postmortems: list[PostmortemIn] = field(default_factory=list)
    catalog: dict[str, list[CatalogEntry]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # labels of files or documents that could not be read

    def extend(self, other: Parsed) -> None:
        self.postmortems += other.postmortems
        for part, entries in other.catalog.items():
            self.catalog.setdefault(part, []).extend(entries)
        self.errors += other.errors
        self.warnings += other.warnings
        self.failed += other.failed


def parse_source(source: SourceFile, fmt: str, publish: bool, render: BulkRenderer) -> Parsed:
    """One file, any format: its postmortems (a JSON file may hold many), or what is wrong with it."""
    out = Parsed()
    if source.text is None:
        out.errors.append(Problem(source.name, "", source.error or "could not be read"))
        out.failed.append(source.name)
        return out
    if unstorable_text(source.text) is not None:
        message = "contains a NUL character or an unpaired surrogate; is it a text file?"
        out.errors.append(Problem(source.name, "", message))
        out.failed.append(source.name)
        return out
    escapes = "\\" in source.text
    kind = detect_format(source) if fmt == "auto" else fmt
    if kind == "json":
        bundle = parse_json(source.name, source.text)
        if isinstance(bundle, Problem):
            out.errors.append(bundle)
            out.failed.append(source.name)
            return out
        out.errors += bundle.problems
        out.failed += [f"{source.name} {problem.where}" for problem in bundle.problems]
        for part, entries in bundle.catalog.items():
            out.catalog[part] = [CatalogEntry(source.name, f"catalog.{part}[{i}]", e) for i, e in enumerate(entries)]
        for data, prefix in bundle.documents:
            _clean(out, data, source.name, render, publish, path_prefix=prefix, escapes=escapes)
        return out
    if kind == "frontmatter":
        parsed = parse_front_matter(source.name, source.text)
        if isinstance(parsed, Problem):
            out.errors.append(parsed)
            out.failed.append(source.name)
            return out
        data, locator = parsed
        if not data.get("key"):
            data = {**data, "key": file_name_parts(source.name)[0]}
        _clean(out, data, source.name, render, publish, locator=locator, escapes=escapes)
        return out
    parsed_sections = parse_sections(source.name, source.text)
    if isinstance(parsed_sections, Problem):
        out.errors.append(parsed_sections)
        out.failed.append(source.name)
        return out
    data, warnings = parsed_sections
    _clean(out, data, source.name, render, publish, warnings=warnings, escapes=False)
    return out


def _clean(out: Parsed, data: dict[str, Any], file: str, render: BulkRenderer, publish: bool, **kwargs: Any) -> None:
    pm, errors, warnings = clean_document(data, file=file, render=render, publish=publish, **kwargs)
    out.errors += errors
    out.warnings += warnings
    if pm is None:
        out.failed.append(f"{file} {kwargs.get('path_prefix', '')}".strip())
    else:
        out.postmortems.append(pm)


def _parse_chunk(sources: list[SourceFile], fmt: str, publish: bool) -> Parsed:
    render = BulkRenderer()
    out = Parsed()
    for source in sources:
        out.extend(parse_source(source, fmt, publish, render))
    return out


# Set just before the worker processes fork, so they read the files' text from memory they inherit
# instead of having it pickled to them.
_FORKED_SOURCES: list[SourceFile] = []


def _parse_range(start: int, end: int, fmt: str, publish: bool) -> Parsed:
    """Worker side: parse some files; locators are dropped (they hold the text) and re-attached in the parent."""
    render = BulkRenderer()
    out = Parsed()
    for index in range(start, end):
        part = parse_source(_FORKED_SOURCES[index], fmt, publish, render)
        for pm in part.postmortems:
            pm.locator, pm.source_index = NO_LOCATOR, index
        out.extend(part)
    return out


def parse_chunks(
    sources: list[SourceFile], *, fmt: str, publish: bool, workers: int = 0, size: int = CHUNK_SIZE
) -> Iterator[Parsed]:
    """The files parsed a chunk at a time, in order: in this process, or in `workers` worker processes.

    With workers, the next chunks are parsed while the caller works on the one it has (writes it), so
    parsing and writing overlap. Small imports are parsed here whatever `workers` says.
    """
    global _FORKED_SOURCES
    starts = list(range(0, len(sources), size))
    if workers < 1 or len(sources) < PARALLEL_THRESHOLD:
        for start in starts:
            yield _parse_chunk(sources[start : start + size], fmt, publish)
        return
    ends = [min(start + size, len(sources)) for start in starts]
    # fork: the children inherit the loaded Django apps and the files; they never touch the database.
    context = multiprocessing.get_context("fork")
    _FORKED_SOURCES = sources
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = pool.map(_parse_range, starts, ends, [fmt] * len(starts), [publish] * len(starts))
            for part in parts:
                for pm in part.postmortems:
                    pm.locator = locator_for(sources[pm.source_index], fmt)
                yield part
    finally:
        _FORKED_SOURCES = []


def parse_all(sources: list[SourceFile], *, fmt: str, publish: bool, workers: int = 0) -> Parsed:
    """Every file in one `Parsed` (for callers that want everything at once)."""
    out = Parsed()
    for part in parse_chunks(sources, fmt=fmt, publish=publish, workers=workers):
        out.extend(part)
    return out


def locator_for(source: SourceFile, fmt: str) -> Locator:
    """The locator parsing would have made for this file: lines for front matter, key paths otherwise."""
    kind = detect_format(source) if fmt == "auto" else fmt
    return FrontMatterLocator(source.text or "") if kind == "frontmatter" else NO_LOCATOR
