"""Where import input comes from: files and folders on disk, uploaded files and zip archives.

Everything becomes a `SourceFile` (a name and its text) before parsing, so the command, the API and
the upload page share one import path.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMATS = ("auto", "frontmatter", "sections", "json")

# Files in a folder that are about the repository, not incidents: skipped when walking a folder.
_REPOSITORY_FILES = re.compile(
    r"^(readme|license|licence|copying|changelog|contributing|code_of_conduct|security|notice|authors)\b", re.I
)
_TEMPLATE = re.compile(r"\btemplate\b", re.I)
_TEXT_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".txt", ".json", ".text"}
# A real extension is short and alphanumeric; "Kubernetes v1.2 upgrade" has none, only a dot in the title.
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}")

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # per import through the web or the API
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_BYTES = 200 * 1024 * 1024


@dataclass
class SourceFile:
    """One input file: its name as the person knows it, and its text (None when it could not be read)."""

    name: str
    text: str | None
    error: str = ""


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


def decode(name: str, raw: bytes) -> SourceFile:
    """UTF-8 (with or without a byte-order mark); anything else is reported, not guessed."""
    try:
        return SourceFile(name, raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return SourceFile(name, None, f"not UTF-8 text (byte {exc.start})")


def skip_reason(name: str) -> str | None:
    """Why a file met while walking a folder is not a postmortem, or None to import it."""
    base = PurePosixPath(name).name
    if base.startswith("."):
        return "hidden file"
    if _REPOSITORY_FILES.match(base):
        return "repository file (README, LICENSE, ...)"
    if _TEMPLATE.search(base):
        return "looks like a template; name the file itself to import it"
    suffix = PurePosixPath(base).suffix
    if _EXTENSION.fullmatch(suffix) and suffix.lower() not in _TEXT_SUFFIXES:
        return f"not a Markdown or JSON file ({suffix})"
    return None


def read_paths(paths: Iterable[str | Path]) -> tuple[list[SourceFile], list[Skipped]]:
    """Files named on the command line are always read; folders are walked recursively, in name order."""
    files: list[SourceFile] = []
    skipped: list[Skipped] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts[:-1]):
                    continue
                reason = skip_reason(child.name)
                if reason:
                    skipped.append(Skipped(str(child), reason))
                else:
                    files.extend(_read_file(child))
        elif path.is_file():
            files.extend(_read_file(path, explicit=True))
        else:
            files.append(SourceFile(str(path), None, "no such file or folder"))
    return files, skipped


def _read_file(path: Path, explicit: bool = False) -> list[SourceFile]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [SourceFile(str(path), None, f"cannot read: {exc.strerror or exc}")]
    if zipfile.is_zipfile(io.BytesIO(raw)) and path.suffix.lower() == ".zip":
        return list(read_zip(str(path), raw))
    return [decode(str(path), raw)]


def read_upload(name: str, raw: bytes) -> list[SourceFile]:
    """An uploaded file; a .zip is opened and its members imported as if they were a folder."""
    if name.lower().endswith(".zip"):
        return list(read_zip(name, raw))
    return [decode(name, raw)]


def read_zip(name: str, raw: bytes) -> Iterator[SourceFile]:
    """Members of a zip archive, with limits so a small archive cannot expand into gigabytes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        yield SourceFile(name, None, f"not a readable zip archive ({exc})")
        return
    if len(members) > MAX_ZIP_MEMBERS:
        yield SourceFile(name, None, f"zip archive has {len(members)} files; the limit is {MAX_ZIP_MEMBERS}")
        return
    if sum(info.file_size for info in members) > MAX_ZIP_BYTES:
        yield SourceFile(name, None, f"zip archive expands to more than {MAX_ZIP_BYTES // 2**20} MB")
        return
    for info in sorted(members, key=lambda i: i.filename):
        inner = PurePosixPath(info.filename)
        if any(part.startswith(".") or part == "__MACOSX" for part in inner.parts) or skip_reason(inner.name):
            continue
        try:
            yield decode(f"{name}/{info.filename}", archive.read(info))
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            yield SourceFile(f"{name}/{info.filename}", None, f"cannot read from the archive ({exc})")


def detect_format(source: SourceFile) -> str:
    """JSON by extension or first character, front matter by a leading `---` line, else the section template."""
    text = source.text or ""
    stripped = text.lstrip()
    if source.name.lower().endswith(".json") or stripped.startswith(("{", "[")):
        return "json"
    if text.startswith("---") and text[3:4] in ("\n", "\r", " ", ""):
        return "frontmatter"
    return "sections"
