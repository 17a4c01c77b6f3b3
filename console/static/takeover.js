// Takeover: the operator's webcam and microphone drive the host, over the console's socket.
// Camera: 15 frames a second, up to 640 px wide, as "NSV1" + JPEG. Mic: mono int16 chunks of 20 ms as
// "NSA1" + sample rate (uint32, little-endian) + PCM. The show tracks the face and plays the voice.
"use strict";
(() => {
  const ns = window.ns;
  const t = (k) => ns.t(k);
  const $ = (id) => document.getElementById(id);
  const FPS = 15, WIDTH = 640, QUALITY = 0.7, CHUNK_MS = 20;
  const VIDEO_BACKLOG = 256 * 1024, AUDIO_BACKLOG = 1024 * 1024;  // bytes waiting on the socket before dropping
  const CAMERA = [0x4e, 0x53, 0x56, 0x31], MIC = [0x4e, 0x53, 0x41, 0x31];  // "NSV1", "NSA1"
  const tk = (ns.takeover = { active: false, starting: false, framesSent: 0, chunksSent: 0, clickedAt: 0,
                              sentOnAt: 0, mic: "", error: "" });
  let stream = null, timer = null, audio = null, busy = false, seen = 0, attempt = 0;

  // -- the self-view and status, under the controls ------------------------------------------------
  const panel = document.createElement("div");
  panel.id = "takeover-panel";
  panel.dataset.testid = "takeover-panel";
  panel.style.cssText = "display:none;gap:8px;align-items:center;margin-top:8px;flex-wrap:wrap";
  const showPanel = (on) => { panel.style.display = on ? "flex" : "none"; };
  const video = document.createElement("video");
  video.id = "takeover-self";
  video.muted = true;
  video.playsInline = true;
  video.style.cssText = "width:120px;height:90px;object-fit:cover;transform:scaleX(-1);border-radius:6px;background:#000";
  const status = document.createElement("div");
  status.id = "takeover-status";
  status.dataset.testid = "takeover-status";
  const meter = document.createElement("div");
  meter.style.cssText = "width:80px;height:6px;background:#ddd;border-radius:3px;overflow:hidden";
  const bar = document.createElement("div");
  bar.style.cssText = "height:100%;width:0;background:#2a7";
  meter.appendChild(bar);
  panel.append(video, status, meter);
  $("takeover").parentElement.after(panel);
  const canvas = document.createElement("canvas");

  // -- out to the show -----------------------------------------------------------------------------
  function framed(magic, extra, payload) {
    const out = new Uint8Array(4 + extra + payload.byteLength);
    out.set(magic);
    out.set(new Uint8Array(payload.buffer || payload, payload.byteOffset || 0, payload.byteLength), 4 + extra);
    return out;
  }

  function grab() {
    if (busy || !tk.active || video.readyState < 2 || !video.videoWidth) return;
    busy = true;
    canvas.width = WIDTH;
    canvas.height = Math.round((WIDTH * video.videoHeight) / video.videoWidth / 2) * 2;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob(async (blob) => {
      try {
        if (blob && tk.active && ns.sendBinary(framed(CAMERA, 0, await blob.arrayBuffer()), VIDEO_BACKLOG)) {
          tk.framesSent += 1;
        }
      } finally { busy = false; }
    }, "image/jpeg", QUALITY);
  }

  function sendMic(pcm, rate) {
    if (!tk.active) return;
    const out = framed(MIC, 4, pcm);
    new DataView(out.buffer).setUint32(4, rate, true);
    if (ns.sendBinary(out, AUDIO_BACKLOG)) tk.chunksSent += 1;
  }

  async function openMic(s) {
    if (!s.getAudioTracks().length) return null;
    const ctx = new AudioContext();
    const src = ctx.createMediaStreamSource(s);
    const mute = ctx.createGain();  // the graph must reach the destination to run; nothing is heard
    mute.gain.value = 0;
    mute.connect(ctx.destination);
    let node = null;
    if (ctx.audioWorklet) {
      try {
        await ctx.audioWorklet.addModule("/static/mic-worklet.js");
        node = new AudioWorkletNode(ctx, "ns-mic", { channelCount: 1, channelCountMode: "explicit",
                                                     processorOptions: { chunk: Math.round((ctx.sampleRate * CHUNK_MS) / 1000) } });
        node.port.onmessage = (ev) => sendMic(new Int16Array(ev.data), ctx.sampleRate);
        tk.mic = "worklet";
      } catch (e) { node = null; }
    }
    if (!node) {  // older browsers: ScriptProcessorNode, 1024 samples (about 21 ms at 48 kHz)
      node = ctx.createScriptProcessor(1024, 1, 1);
      node.onaudioprocess = (ev) => {
        const f = ev.inputBuffer.getChannelData(0), pcm = new Int16Array(f.length);
        for (let i = 0; i < f.length; i++) { const v = Math.max(-1, Math.min(1, f[i])); pcm[i] = v < 0 ? v * 32768 : v * 32767; }
        sendMic(pcm, ctx.sampleRate);
      };
      tk.mic = "script";
    }
    src.connect(node);
    node.connect(mute);
    if (ctx.state === "suspended") await ctx.resume();
    return { ctx, src, node };
  }

  // -- start and stop ----------------------------------------------------------------------------------
  async function start() {
    const mine = ++attempt;  // a stop while the camera is still opening cancels this start
    tk.clickedAt = Date.now();
    tk.sentOnAt = 0;
    tk.starting = true;
    tk.error = "";
    paint(ns.state);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return fail(t("takeover_insecure"));
    let got;
    try {
      // the console plays no sound, so there is no echo to cancel: the voice goes out as it was said
      got = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
        audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    } catch (e) { return mine === attempt ? fail(`${t("takeover_denied")}: ${e.name || e}`) : undefined; }
    if (mine !== attempt) { got.getTracks().forEach((track) => track.stop()); return undefined; }
    stream = got;
    video.srcObject = stream;
    showPanel(true);
    try { await video.play(); } catch (e) { /* the frames still reach the canvas */ }
    if (mine !== attempt) return undefined;
    tk.active = true;
    tk.starting = false;
    timer = setInterval(grab, 1000 / FPS);  // the show starts tracking the face while the mic opens
    grab();
    let mic = null;
    try { mic = await openMic(got); } catch (e) { tk.error = t("takeover_no_mic"); }
    if (mine !== attempt) { if (mic) mic.ctx.close(); return undefined; }
    audio = mic;
    tk.sentOnAt = Date.now();
    ns.send({ type: "takeover", on: true });
    paint(ns.state);
  }

  function release() {
    attempt += 1;
    clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    if (audio) { audio.node.disconnect(); audio.src.disconnect(); audio.ctx.close(); audio = null; }
    video.srcObject = null;
    tk.active = tk.starting = false;
  }

  function fail(message) {
    release();
    tk.error = message;
    paint(ns.state);
  }

  function stop() {
    const was = tk.active;
    release();
    showPanel(false);
    if (was || (ns.state && ns.state.you_drive)) ns.send({ type: "takeover", on: false });
  }

  function toggle() {
    if (tk.active || tk.starting || (ns.state && ns.state.you_drive)) stop();
    else start();
  }

  // -- what the show says back ----------------------------------------------------------------------------
  function paint(s) {
    const btn = $("takeover");
    if (tk.starting) btn.textContent = t("takeover_starting");
    else if (tk.active) btn.textContent = t("takeover_end");
    const info = s && s.you_drive ? s.takeover : null;  // another console's takeover: the on-air line says so
    const parts = [];
    if (info) {
      parts.push(`${t("takeover_driver")}: ${info.operator}`);
      parts.push(t(info.face_visible ? "takeover_face" : "takeover_no_face"));
      if (info.first_frame_ms !== null) parts.push(`${t("takeover_first")} ${Math.round(info.first_frame_ms)} ${t("ms")}`);
      bar.style.width = `${Math.round(Math.min(1, info.voice_level * 2) * 100)}%`;
    }
    if (tk.error) parts.push(tk.error);
    status.textContent = parts.join(" · ");
    status.className = tk.error ? "bad" : "";
    if (tk.error && !tk.active) showPanel(true);
  }

  function render(s) {
    for (; seen < ns.results.length; seen++) {  // the show refused the takeover: close the camera
      const r = ns.results[seen];
      if (r.action === "takeover" && !r.outcome.ok && tk.active) fail(r.outcome.message);
    }
    const mine = s.you_drive;  // this console, not just this name
    if (tk.active && tk.sentOnAt && !mine && Date.now() - tk.sentOnAt > 2000) fail(t("takeover_ended"));  // ended elsewhere
    if (tk.active && mine && s.takeover.face_visible) window.dispatchEvent(new Event("input"));  // they are here
    paint(s);
  }

  window.nsTakeover = { toggle, render, start, stop };
})();
