"""What an import found wrong (errors) or worth knowing (warnings), each naming the file and the place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One message about one file: `where` is a line ("line 12"), a key ("key 'factors[1].role'") or empty."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}" if self.where else f"{self.file}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "where": self.where, "message": self.message}


class Locator:
    """Turns a key path such as `factors[1].role` into a place a person can find in the file.

    The base class only names the key; front matter overrides `line_of` to point at the line.
    """

    def line_of(self, path: str) -> int | None:
        return None

    def where(self, path: str) -> str:
        if not path:
            return ""
        line = self.line_of(path)
        return f"line {line} ({path})" if line else f"key '{path}'"


NO_LOCATOR = Locator()


def split_path(path: str) -> list[str | int]:
    """`factors[1].role` -> ["factors", 1, "role"]."""
    parts: list[str | int] = []
    for chunk in path.split("."):
        name, _, rest = chunk.partition("[")
        if name:
            parts.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            parts.append(int(index))
            rest = rest.removeprefix("[")
    return parts
