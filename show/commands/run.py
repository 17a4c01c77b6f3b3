"""`nightshift run SHOW.yaml`: a live show with compliance built in.

Refuses to start (exit 2, with every reason) when the platform profile, the consent records or the
operator rules say no. Writes the audit log, a per-utterance latency trace and a run summary.
"""

from __future__ import annotations

import argparse
import logging
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import assets
from avatar.program import Program
from compliance.audit import AuditLog
from compliance.consent import ConsentRegistry, demo_registry
from compliance.gate import Gate
from compliance.labels import Labeller
from compliance.metadata import aigc_json, aigc_label
from compliance.presence import Presence
from compliance.profiles import get_profile
from compliance.slate import draw_slate
from dialogue.catalog import load_catalog
from dialogue.engine import DialogueEngine
from dialogue.errors import InputError
from dialogue.retrieval import Retriever
from dialogue.rundown import Rundown
from show.config import ShowConfig, load_show
from show.cores import one_thread_pools
from show.memory import freeze_loaded, limit_arenas
from show.operator import start_console, wants_console
from show.overlays import ProductCardLayer
from show.progress import ShowProgress
from show.runtime import Brain
from show.terminal import run_log
from show.wiring import comment_source, fallback_voice, model, recording, sinks, voice_file
from show.wiring import voice as build_voice

if TYPE_CHECKING:
    from avatar.sinks.base import Sink
    from voice.tts.base import TTSBackend

log = logging.getLogger("nightshift.run")

DEFAULT_PORTRAIT = "portraits/default.png"


def preflight(cfg: ShowConfig, portrait: str, voice_file: str | None, audit: AuditLog) -> None:
    """Profile, consent and operator checks before anything goes out; InputError with every reason."""
    profile = get_profile(cfg.platform, approval=cfg.operator.approval if cfg.operator.approval != "none" else None,
                          heartbeat_lapse_s=cfg.operator.heartbeat_lapse_s)
    registry = demo_registry()  # the bundled demo portrait's record is always known (never live)
    if cfg.consent:
        registry = ConsentRegistry([*registry.records, *ConsentRegistry.load(cfg.consent).records], cfg.consent)
    scope = "live" if cfg.live else ("recording" if cfg.outputs.mp4 or cfg.outputs.wav else "local")
    decisions = [registry.check(portrait, "portrait", scope),
                 registry.check_voice(cfg.voice.kind, voice_file, scope, declared_synthetic=cfg.voice.synthetic)]
    start = profile.check_start(live=cfg.live, unattended=cfg.operator.unattended,
                                # with the console on, the show starts held (slate up, silent) until
                                # an operator signs in and the heartbeats begin
                                operator_present=not profile.operator_required or wants_console(cfg),
                                consent=decisions)
    # with what each portrait and voice file was, by hash, and why it may (or may not) be used
    audit.append("show_start_check", {**start.to_audit(), "consent": [d.to_audit() for d in decisions]})
    if not start.ok:
        raise InputError(f"platform {cfg.platform}", "the show may not start: " + "; ".join(start.reasons))


def run_show(cfg: ShowConfig, *, out_dir: Path, prepare: Callable[[Brain], None] | None = None) -> dict[str, float]:
    """Run one show to its end; `prepare` may attach hooks to the Brain before it goes on air.

    Writes the audit log, summary.json, trace.jsonl (latency per line) and replies.jsonl (what became of
    every comment) into out_dir."""
    from avatar.animate import Animator
    from avatar.render import Renderer
    from avatar.rig import RigError, build_rig

    limit_arenas()  # before the show's threads start: a night's memory stays in few, trimmable arenas
    one_thread_pools()  # no helper pools spinning on the cores the model, the voice and the encoder need
    out_dir.mkdir(parents=True, exist_ok=True)
    audit = AuditLog(cfg.audit_log)
    catalog = load_catalog(cfg.catalog)
    lang = cfg.language or catalog.lang
    portrait = cfg.portrait or str(assets.path(DEFAULT_PORTRAIT))
    voice = build_voice(cfg)
    preflight(cfg, portrait, voice_file(voice), audit)
    profile = get_profile(cfg.platform, approval=cfg.operator.approval if cfg.operator.approval != "none" else None,
                          heartbeat_lapse_s=cfg.operator.heartbeat_lapse_s)
    try:
        rig = build_rig(portrait, size=cfg.outputs.size)
    except RigError as e:
        raise InputError(portrait, str(e)) from None
    renderer = Renderer(rig)
    animator = Animator(fps=cfg.outputs.fps)
    label = Labeller(lang, fps=cfg.outputs.fps)
    label_json = aigc_json(aigc_label(catalog.shop.name))
    program = Program(render=renderer.render, animator=animator, sinks=[*sinks(cfg.outputs, label_json)],
                      fps=cfg.outputs.fps, sample_rate=22050, realtime=cfg.clock == "realtime",
                      # a window and the speakers together: the picture waits out the sound card's latency
                      sync_to_sound_card=cfg.outputs.window and cfg.outputs.audio_device)

    rundown = Rundown(catalog, interval_s=cfg.pitch_interval_s)
    card = ProductCardLayer(catalog, rundown)  # the product being pitched (the operator may switch it)

    def overlay(frame: np.ndarray, pts: float) -> None:
        if program.slate:
            draw_slate(frame, lang)
        else:
            card.draw(frame)
        label(frame)

    program.overlay = overlay
    llm = model(cfg.model)
    engine = DialogueEngine(catalog, llm, Retriever.with_default_embedder(catalog), timeout_s=cfg.model.timeout_s,
                             first_sentence_s=cfg.model.first_sentence_s or None)
    presence = Presence(profile.heartbeat_lapse_s) if profile.operator_required else None
    gate = Gate(profile, audit, presence, promotions=[*catalog.promotions, *(f.a for f in catalog.faq)],
                catalog=catalog)
    fallback = fallback_voice(cfg.voice)
    brain = Brain(engine=engine, gate=gate, audit=audit, program=program, voice=voice, fallback_voice=fallback,
                  rundown=rundown, presence=presence, lang=lang)
    brain.health.reopen_recording = _recording_reopener(cfg, program, label_json)
    if prepare is not None:
        prepare(brain)
    brain.feed(comment_source(cfg, program, audit))  # the ingest prints its address and token once
    signal.signal(signal.SIGTERM, lambda *_: brain.stop())
    audit.append("show_start", {"platform": cfg.platform, "live": cfg.live, "catalog": cfg.catalog,
                                "portrait": portrait})
    console = start_console(cfg, brain) if wants_console(cfg) else None  # prints its address and token once
    _warm_up(engine, voice, lang)
    log.info("%d objects loaded before going on air are left out of garbage collection", freeze_loaded())
    program.start()
    started = time.monotonic()
    try:
        summary = brain.run(until_s=cfg.minutes * 60 if cfg.minutes else None,
                            stop_when_done=cfg.comments.replay is not None and console is None)
    except KeyboardInterrupt:
        summary = brain.summary
    finally:
        program.stop()
        if console is not None:
            console.close()
    if cfg.signing is not None:
        _sign_recordings(cfg, audit, catalog.shop.name)
    figures = summary.figures()
    figures["wall_s"] = round(time.monotonic() - started, 2)
    audit.append("show_end", figures)
    audit.close()
    summary.write(out_dir / "summary.json")
    brain.traces.write(out_dir / "trace.jsonl")
    brain.outcomes.write(out_dir / "replies.jsonl")
    return figures


def _warm_up(engine: DialogueEngine, voice: TTSBackend, lang: str) -> None:
    """Run each model once before going on air, so the first viewer does not wait for lazy loading."""
    started = time.monotonic()
    engine.triager.retriever.retrieve("how much is it?")
    try:
        voice.synthesize("Hello.", lang)
    except Exception as e:  # a broken voice shows itself on the first line, where the fallback takes over
        log.warning("voice warm-up failed: %s", e)
    log.info("models warmed up in %.1f s", time.monotonic() - started)


def _sign_recordings(cfg: ShowConfig, audit: AuditLog, producer: str) -> None:
    """Embed C2PA content credentials in every finished MP4 of the show (the first file and its sequels)."""
    from compliance.provenance import ProvenanceError, sign_c2pa

    assert cfg.signing is not None
    if not cfg.outputs.mp4:
        return
    first = Path(cfg.outputs.mp4)
    for path in [first, *sorted(first.parent.glob(f"{first.stem}-[0-9]*{first.suffix}"))]:
        if not path.exists():
            continue
        try:
            sign_c2pa(path, cfg.signing.cert, cfg.signing.key, label=aigc_label(producer), alg=cfg.signing.alg)
            audit.append("c2pa_signed", {"file": str(path)})
        except ProvenanceError as e:  # the recording stays as it was, labelled by its AIGC tag
            log.error("%s", e)
            audit.append("c2pa_failed", {"file": str(path), "error": str(e)[:300]})


MIN_FREE_BYTES = 256 << 20  # room needed before a recording that stopped on a full disk starts again


def _recording_reopener(cfg: ShowConfig, program: Program, label_json: str) -> Callable[[list[Sink]], bool]:
    """A recording that stopped (a full disk) goes on in a new file, show-2.mp4, … once there is room."""
    import shutil

    parts = [1]

    def reopen(failed: list[Sink]) -> bool:
        if not cfg.outputs.mp4 or not failed:
            return bool(not failed)
        first = Path(cfg.outputs.mp4)
        try:
            free = shutil.disk_usage(first.parent).free
        except OSError:
            return False
        if free < MIN_FREE_BYTES:
            return False
        parts[0] += 1
        path = first.with_name(f"{first.stem}-{parts[0]}{first.suffix}")
        sink = recording(path, label_json, origin_s=program.now_s)
        frame = program.last_frame
        h, w = (frame.shape[:2] if frame is not None else (cfg.outputs.size[1], cfg.outputs.size[0]))
        try:
            sink.open(w, h, program.fps, program.rate)
        except Exception as e:
            log.error("cannot start a new recording %s: %s", path, e)
            return False
        program.sinks.append(sink)
        log.warning("recording continues in %s", path)
        return True

    return reopen


def run_run(args: argparse.Namespace) -> int:
    cfg = load_show(args.show)
    if getattr(args, "lan", False):
        cfg.console.host = "0.0.0.0"
    out_dir = Path(args.out) if args.out else Path(cfg.audit_log).parent
    with run_log(out_dir / "run.log", verbose=bool(getattr(args, "verbose", False))) as term:
        bound = cfg.minutes * 60 if cfg.minutes else None
        progress = ShowProgress(Path(args.show).stem, bound, term)
        try:
            figures = run_show(cfg, out_dir=out_dir, prepare=progress.attach)
        finally:
            progress.close()
    print("run summary: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    print(f"records in {out_dir}/: summary.json, trace.jsonl, replies.jsonl; the audit log {cfg.audit_log}; "
          f"the libraries' own messages in {out_dir / 'run.log'}")
    return 0
