"""Errors that mean "the user's input is wrong": the CLI turns them into exit code 2."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: names the file (and line or field) and says what is wrong."""

    def __init__(self, source: str, what: str) -> None:
        super().__init__(f"{source}: {what}")
        self.source = source
        self.what = what
