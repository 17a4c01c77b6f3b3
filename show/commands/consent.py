"""`nightshift consent add|list|revoke`: the consent records a show reads (its `consent:` file).

`add` writes one record per file (portrait, voice) with the file's SHA-256; `list` prints every record with
its status (valid, expired, revoked) and whether its file still has the hash the person agreed to; `revoke`
appends a revocation, so the history stays. Relative paths are kept relative to the consent file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from pathlib import Path

from compliance.consent import ConsentRecord, ConsentRegistry, Kind, asset_digest
from dialogue.errors import InputError

DEFAULT_REGISTRY = "consent.yaml"  # what a show reads when SHOW.yaml beside it names no consent file


def add_consent_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `consent` subcommand and its three actions."""
    c = sub.add_parser("consent", help="consent records for a real person's face and voice")
    c_sub = c.add_subparsers(dest="consent_cmd", required=True)
    registry = argparse.ArgumentParser(add_help=False)
    registry.add_argument("--registry", default=DEFAULT_REGISTRY,
                          help=f"the consent file (default: {DEFAULT_REGISTRY}, which a SHOW.yaml beside it reads)")
    add = c_sub.add_parser("add", parents=[registry], help="record a person's consent for a portrait and/or voice")
    add.add_argument("--person", required=True, help="who agreed")
    add.add_argument("--portrait", default=None, help="the exact portrait image the show uses")
    add.add_argument("--voice", default=None, help="the voice model the show uses (Piper .onnx, Coqui folder)")
    add.add_argument("--scope", required=True, choices=["local", "recording", "live"], help="the widest use agreed")
    add.add_argument("--expires", required=True, help="the last day the consent covers, YYYY-MM-DD")
    add.add_argument("--note", default="", help="e.g. where the signed form is kept")
    c_sub.add_parser("list", parents=[registry], help="every record, its status and whether its file still matches")
    rv = c_sub.add_parser("revoke", parents=[registry], help="record that a person withdrew consent (kept as history)")
    rv.add_argument("--person", required=True)
    rv.add_argument("--portrait", default=None, help="revoke only for this portrait file")
    rv.add_argument("--voice", default=None, help="revoke only for this voice file")
    rv.add_argument("--note", default="", help="e.g. how the withdrawal arrived")


def run_consent(args: argparse.Namespace) -> int:
    path = Path(args.registry)
    if args.consent_cmd == "add":
        return _add(args, path)
    if args.consent_cmd == "revoke":
        return _revoke(args, path)
    return _list(path)


def _date(value: str, flag: str) -> dt.date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(flag, f"{value!r} is not a date as YYYY-MM-DD") from None


def _person(value: str) -> str:
    if not value.strip():
        raise InputError("--person", "give the person's name")
    return value.strip()


def _open(path: Path) -> ConsentRegistry:
    return ConsentRegistry.load(path) if path.exists() else ConsentRegistry([], str(path))


def _files(args: argparse.Namespace) -> list[tuple[Kind, Path, str]]:
    """(kind, file, sha256) for each of --portrait and --voice given; InputError naming the option."""
    out: list[tuple[Kind, Path, str]] = []
    kinds: tuple[Kind, ...] = ("portrait", "voice")
    for kind in kinds:
        given = getattr(args, kind)
        if not given:
            continue
        p = Path(given)
        if not p.exists():
            raise InputError(f"--{kind}", f"{given}: no such file")
        if kind == "portrait":
            _check_image(p)
        try:
            out.append((kind, p, asset_digest(p)))
        except OSError as e:
            raise InputError(f"--{kind}", f"{given}: cannot read: {e.strerror or e}") from None
    return out


def _check_image(p: Path) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(p) as im:
            im.verify()
    except (OSError, UnidentifiedImageError, SyntaxError):
        raise InputError("--portrait", f"{p}: not an image") from None


def _relative(file: Path, registry: Path) -> str:
    """The file's path as the consent file will know it: relative to the consent file's folder."""
    return os.path.relpath(file.resolve(), registry.resolve().parent)


def _add(args: argparse.Namespace, path: Path) -> int:
    person = _person(args.person)
    expires = _date(args.expires, "--expires")
    if expires < dt.date.today():
        raise InputError("--expires", f"{expires.isoformat()} has already passed")
    files = _files(args)
    if not files:
        raise InputError("--portrait", "give the --portrait FILE and/or the --voice FILE the person agreed to")
    reg = _open(path)
    for kind, file, digest in files:
        reg.records.append(ConsentRecord(person=person, kind=kind, sha256=digest, scope=args.scope,
                                         expires=expires, asset=_relative(file, path), note=args.note))
    _save(reg, path)
    for kind, file, digest in files:
        print(f"{path}: {person} agreed to {args.scope} use of the {kind} {file} until {expires.isoformat()} "
              f"(sha256 {digest[:12]}…)")
    return 0


def _save(reg: ConsentRegistry, path: Path) -> None:
    try:
        reg.save(path)
    except OSError as e:
        raise InputError(str(path), f"cannot write the consent file: {e.strerror or e}") from None


def _revoke(args: argparse.Namespace, path: Path) -> int:
    person = _person(args.person)
    if not path.exists():
        raise InputError(str(path), "no consent file here (nightshift consent add makes one)")
    reg = ConsentRegistry.load(path)
    only = {(kind, digest) for kind, _file, digest in _files(args)}
    mine = [r for r in reg.records if r.person.casefold() == person.casefold() and not r.revoked
            and (not only or (r.kind, r.sha256) in only)]
    if not mine:
        what = " for that file" if only else ""
        raise InputError("--person", f"no consent record of {person}{what} in {path}")
    today = dt.date.today()
    added: dict[tuple[str, str], ConsentRecord] = {}
    for r in mine:
        if reg.status(r, today) != "revoked" and (r.kind, r.sha256) not in added:
            added[(r.kind, r.sha256)] = ConsentRecord(person=r.person, kind=r.kind, sha256=r.sha256, revoked=True,
                                                      revoked_on=today, asset=r.asset, note=args.note)
    if not added:
        print(f"{path}: {person}'s consent was already revoked")
        return 0
    reg.records.extend(added.values())
    _save(reg, path)
    for rec in added.values():
        print(f"{path}: {person} revoked consent for the {rec.kind} {rec.asset or rec.sha256[:12]}")
    return 0


def _file_state(rec: ConsentRecord, registry: Path) -> str:
    """Whether the file the record names still has the hash the person agreed to."""
    if not rec.asset:
        return "no file named"
    p = Path(rec.asset)
    p = p if p.is_absolute() else registry.parent / p
    try:
        return "matches" if asset_digest(p) == rec.sha256 else "CHANGED"
    except OSError:
        return "missing"


def _list(path: Path) -> int:
    if not path.exists():
        raise InputError(str(path), "no consent file here (nightshift consent add makes one)")
    reg = ConsentRegistry.load(path)
    today = dt.date.today()
    revoked_on = {(r.kind, r.sha256): r.revoked_on for r in reg.records if r.revoked}
    rows = [("PERSON", "KIND", "SCOPE", "EXPIRES", "STATUS", "FILE", "HASH")]
    for r in reg.records:
        if r.revoked:
            continue
        status = reg.status(r, today)
        if status == "revoked" and revoked_on.get((r.kind, r.sha256)):
            status += f" {revoked_on[(r.kind, r.sha256)]}"
        scope = f"{r.widest.name.lower()} (public domain)" if r.public_domain else str(r.scope)
        rows.append((r.person, r.kind, scope, r.expires.isoformat() if r.expires else "-", status,
                     r.asset or "-", _file_state(r, path)))
    if len(rows) == 1:
        print(f"{path}: no consent records")
        return 0
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0
