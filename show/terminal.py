"""What the terminal shows: the project's own progress, results and problems. The libraries' chatter (native
log lines from MediaPipe/TFLite/absl, Python warnings, font-cache notices) goes to the run log instead, or is
not produced at all when there is no run log; `--verbose` shows everything.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TextIO

from tqdm import tqdm

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OWN = ("nightshift", "show", "dialogue", "voice", "avatar", "compliance", "console", "bench")
# Read by the native libraries when they load: above INFO/WARNING for glog (MediaPipe), TensorFlow Lite, absl.
QUIET_ENV = {"GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "2", "ABSL_MIN_LOG_LEVEL": "2"}
# Progress bars of the libraries' own (transformers "Loading weights"): the show has its own progress.
NO_BARS_ENV = {"HF_HUB_DISABLE_PROGRESS_BARS": "1"}
QUIET_WARNINGS = ("SymbolDatabase.GetPrototype",)  # protobuf's deprecation notice, printed by MediaPipe


class _Terminal(logging.Filter):
    """Lets through what a person at the terminal needs: what the command itself reports (`nightshift.*`:
    skips, results), problems of the show's own modules, and errors of anyone."""

    def __init__(self) -> None:
        super().__init__()
        self.command_level = logging.INFO  # WARNING while a progress bar reports instead (`run_log`)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "nightshift" or record.name.startswith("nightshift."):
            return record.levelno >= self.command_level
        own = record.name.split(".", 1)[0] in OWN
        return record.levelno >= (logging.WARNING if own else logging.ERROR)


class _BarSafe(logging.StreamHandler[TextIO]):
    """Writes a record above a progress bar that is being drawn, not into it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tqdm.write(self.format(record), file=self.stream)
        except Exception:
            self.handleError(record)


def configure(verbose: bool) -> None:
    """Logging for any command: everything with --verbose; else the show's own warnings and anyone's errors,
    and the native libraries are asked to keep their INFO and WARNING lines to themselves."""
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    handler = _BarSafe(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if verbose:
        root.setLevel(logging.DEBUG)
        return
    root.setLevel(logging.INFO)
    handler.addFilter(_Terminal())
    for key, value in {**QUIET_ENV, **NO_BARS_ENV}.items():
        os.environ.setdefault(key, value)
    for text in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=f".*{text}.*")


@contextlib.contextmanager
def run_log(path: Path, verbose: bool) -> Iterator[IO[str]]:
    """Everything logged, warned or printed to the process's stderr by any library goes into `path`; the
    terminal keeps the show's own output (yielded: write progress and results there). With `verbose` the
    terminal shows everything too, and the run log still keeps Python's log records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    with contextlib.ExitStack() as stack:
        log_file = stack.enter_context(path.open("a", encoding="utf-8", buffering=1))
        file_handler = logging.FileHandler(path, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(file_handler)
        stack.callback(file_handler.close)
        stack.callback(root.removeHandler, file_handler)
        yield sys.stderr if verbose else stack.enter_context(_libraries_into(log_file))


@contextlib.contextmanager
def _libraries_into(log_file: IO[str]) -> Iterator[IO[str]]:
    """Native writes to fd 2 and Python warnings go into `log_file`; yields the terminal, where the show's
    own output, its warnings and anyone's errors still go."""
    for key in QUIET_ENV:  # the run log keeps the native lines: let them be written
        if os.environ.get(key) == QUIET_ENV[key]:
            del os.environ[key]
    root = logging.getLogger()
    sys.stderr.flush()
    saved_fd = os.dup(2)
    terminal = os.fdopen(os.dup(saved_fd), "w", encoding="utf-8", errors="replace", buffering=1)
    saved_stderr = sys.stderr
    os.dup2(log_file.fileno(), 2)  # native code writes to fd 2: into the run log
    sys.stderr = terminal  # Python's own writes (tracebacks, the terminal handler) stay on the terminal
    filters = [f for h in root.handlers for f in h.filters if isinstance(f, _Terminal)]
    for f in filters:
        f.command_level = logging.WARNING  # the progress bar and the closing lines say how it went
    streams = [h for h in root.handlers if isinstance(h, logging.StreamHandler) and h.stream is saved_stderr]
    for h in streams:
        h.setStream(terminal)
    logging.captureWarnings(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")  # each library warning once, into the run log
            yield terminal
    finally:
        logging.captureWarnings(False)
        for f in filters:
            f.command_level = logging.INFO
        for h in streams:
            h.setStream(saved_stderr)
        sys.stderr = saved_stderr
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        terminal.close()
