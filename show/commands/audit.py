"""`nightshift audit verify LOG`: 0 when the chain is intact, 1 naming the first bad line, 2 if unreadable."""

from __future__ import annotations

import argparse
from pathlib import Path

from compliance.audit import verify
from dialogue.errors import InputError


def run_audit_verify(args: argparse.Namespace) -> int:
    path = Path(args.log)
    if not path.is_file():
        raise InputError(str(path), "no such audit log")
    r = verify(path)
    if r.ok:
        print(f"{path}: intact, {r.entries} entries")
        return 0
    where = f"line {r.bad_line}" if r.bad_line else "the log"
    print(f"{path}: BROKEN at {where}: {r.reason} ({r.entries} entries verified before it)")
    return 1
