"""The `nightshift` command: parses arguments and hands each subcommand to its module.

Exit codes: 0 done, 2 bad input (message names file/line/field), 1 internal error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from compliance.audit import AuditWriteError
from dialogue.errors import InputError
from show import terminal

__version__ = "0.1.0"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nightshift", description="AI live-shop host engine (labelled as AI).")
    p.add_argument("--version", action="version", version=f"nightshift {__version__}")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="log everything, the libraries' own messages too (they go to the run log otherwise)")
    sub = p.add_subparsers(dest="cmd", required=True)

    d = sub.add_parser("demo", help="run the bundled demo shop through a comment replay")
    d.add_argument("--out", default="out/demo", help="output folder (default: out/demo)")
    d.add_argument("--minutes", type=float, default=None, help="stop the replay after N minutes of show time")
    d.add_argument("--model", default=None, help="a GGUF file instead of the bundled SmolLM2")
    d.add_argument("--no-video", action="store_true", help="audio and text only (skip rendering the host)")

    r = sub.add_parser("run", help="run a live show from SHOW.yaml")
    r.add_argument("show", help="the show's configuration file")
    r.add_argument("--out", default=None, help="folder for the summary and trace (default: next to the audit log)")
    r.add_argument("--lan", action="store_true", help="serve the operator console on the LAN (0.0.0.0), not only here")

    a = sub.add_parser("answer", help="answer a JSONL file of comments, one JSONL line out per comment")
    a.add_argument("--catalog", required=True)
    a.add_argument("--comments", required=True, help="JSONL file, or - for stdin")
    a.add_argument("--out", required=True, help="JSONL file, or - for stdout")
    _add_model_args(a)

    s = sub.add_parser("say", help="speak a text into a WAV file")
    s.add_argument("text")
    s.add_argument("--out", required=True, help="FILE.wav for speech, FILE.mp4 for a talking clip")
    s.add_argument("--voice", default="piper", help="piper | espeak | coqui")
    s.add_argument("--lang", default=None, help="en | zh | ... (default: guessed from the text)")
    s.add_argument("--voice-model", default=None, help="Coqui model directory, or a Piper .onnx voice")
    s.add_argument("--portrait", default=None, help="portrait image for a talking clip (default: the demo host)")

    rg = sub.add_parser("rig", help="find the face rig in a portrait and draw what was found")
    rg.add_argument("image")
    rg.add_argument("--out", required=True, help="PREVIEW.png")
    rg.add_argument("--size", default="720x1280", help="output canvas WIDTHxHEIGHT (default 720x1280)")

    au = sub.add_parser("audit", help="check the audit log")
    au_sub = au.add_subparsers(dest="audit_cmd", required=True)
    av = au_sub.add_parser("verify", help="check the hash chain of an audit log; exit 0 if intact, 1 if not")
    av.add_argument("log")

    from show.commands.bench import add_bench_parser

    b = add_bench_parser(sub)
    _add_model_args(b, catalog=False)

    from show.commands.consent import add_consent_parser

    add_consent_parser(sub)
    for command in sub.choices.values():  # `nightshift demo --verbose` as well as `nightshift --verbose demo`
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                             help="log everything, the libraries' own messages too")
    return p


def _add_model_args(p: argparse.ArgumentParser, catalog: bool = True) -> None:
    p.add_argument("--model", default=None, help="a GGUF file (llama.cpp), or a directory (transformers)")
    p.add_argument("--llm", default=None, help="llama_cpp | openai | transformers (default: from --model)")
    p.add_argument("--llm-url", default=None, help="base URL of an OpenAI-compatible server")
    p.add_argument("--no-llm", action="store_true", help="catalog templates only, no language model")


# Arguments that name a file or folder; "-" means stdin/stdout and is left as it is.
_PATH_ARGS = ("out", "catalog", "comments", "model", "voice_model", "portrait", "image", "show", "log", "json",
              "registry")


def absolute_paths(args: argparse.Namespace, cwd: Path | None = None) -> argparse.Namespace:
    """Every path given on the command line, made absolute against the working directory it was typed in.

    A relative path means "here" to the person typing it, wherever a command later writes it down (a
    generated SHOW.yaml resolves its own paths against its own folder)."""
    here = cwd or Path.cwd()
    for name in _PATH_ARGS:
        value = getattr(args, name, None)
        if isinstance(value, str) and value and value != "-":
            path = Path(value).expanduser()
            setattr(args, name, str(path if path.is_absolute() else here / path))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = absolute_paths(_parser().parse_args(argv))
    terminal.configure(args.verbose)
    try:
        if args.cmd == "answer":
            from show.commands.answer import run_answer

            return run_answer(args)
        if args.cmd == "say":
            from show.commands.say import run_say

            return run_say(args)
        if args.cmd == "demo":
            from show.commands.demo import run_demo

            return run_demo(args)
        if args.cmd == "rig":
            from show.commands.rig import run_rig

            return run_rig(args)
        if args.cmd == "run":
            from show.commands.run import run_run

            return run_run(args)
        if args.cmd == "audit":
            from show.commands.audit import run_audit_verify

            return run_audit_verify(args)
        if args.cmd == "consent":
            from show.commands.consent import run_consent

            return run_consent(args)
        if args.cmd == "bench":
            from show.commands.bench import run_bench_command

            return run_bench_command(args)
    except InputError as e:
        print(f"nightshift: {e}", file=sys.stderr)
        return 2
    except AuditWriteError as e:  # e.g. a full disk: nothing may go on that the log cannot record
        print(f"nightshift: the audit log cannot be written, so the show cannot go on: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())
