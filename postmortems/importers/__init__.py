"""Importing postmortems: Markdown with front matter, Markdown in the common section template, and our JSON.

`import_postmortems` is the entry point; `read_paths` and `read_upload` turn files into its input.
See docs/import-export.md for the formats.
"""

from postmortems.importers.problems import Problem
from postmortems.importers.service import ImportReport, import_postmortems
from postmortems.importers.sources import FORMATS, SourceFile, read_paths, read_upload

__all__ = ["FORMATS", "ImportReport", "Problem", "SourceFile", "import_postmortems", "read_paths", "read_upload"]
