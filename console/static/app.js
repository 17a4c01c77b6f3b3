// The operator console: preview, feed, held lines, say-this, product, pause/stop, presence heartbeat
// (the takeover's webcam and mic: takeover.js).
// Every text from the show (viewer comments included) is set with textContent, never as HTML.
"use strict";
(() => {
  const S = window.NS_STRINGS;
  let lang = localStorage.getItem("ns_lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
  const t = (k) => (S[lang] && S[lang][k]) || S.en[k] || k;
  const $ = (id) => document.getElementById(id);
  const ns = (window.ns = { frames: 0, lastIndex: -1, state: null, results: [], heartbeats: 0, welcome: null,
                            connected: false, fps: 0, away: false, lastFrameAt: 0, stale: false });
  const STALE_MS = 2000;  // no preview frame for this long: the picture on the page is not the show's
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // -- the socket -----------------------------------------------------------------------------------
  let ws = null, backoff = 500;
  const send = (msg) => { if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg)); };
  // binary messages (takeover.js: camera frames, mic chunks); dropped while `limit` bytes wait to go out
  const sendBinary = (buf, limit) => {
    if (!ws || ws.readyState !== 1 || ws.bufferedAmount > limit) return false;
    ws.send(buf);
    return true;
  };
  Object.assign(ns, { send, sendBinary, t });

  function connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(`${proto}://${location.host}/ws`);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => { backoff = 500; ns.connected = true; ns.lastFrameAt = performance.now(); $("conn").hidden = true; };
    ws.onmessage = (ev) => (typeof ev.data === "string" ? onText(JSON.parse(ev.data)) : onFrame(ev.data));
    ws.onclose = (ev) => {
      ns.connected = false;
      if (ev.code === 4401 || ev.code === 4403) { location.href = "/"; return; }
      $("conn").hidden = false;
      $("conn").textContent = t("disconnected");
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 5000);
    };
  }

  function onText(msg) {
    if (msg.type === "welcome") {
      ns.welcome = msg;
      $("operator").textContent = msg.operator;
      beat(false);
    } else if (msg.type === "state") {  // the whole state: the first message after the welcome
      ns.state = msg.state;
      render(msg.state);
    } else if (msg.type === "changes") {  // then only the fields that changed
      if (!ns.state) return;
      Object.assign(ns.state, msg.changes);
      render(ns.state, new Set(Object.keys(msg.changes)));
    } else if (msg.type === "result") {
      ns.results.push(msg);
      const o = msg.outcome;
      let text = `${msg.action}: ${o.message}`;
      if (msg.action === "stop" && o.figures && o.figures.silent_after_ms !== undefined) {
        text = `${t("stop_done")} ${o.figures.silent_after_ms} ${t("ms")}`;
      }
      toast(text, !o.ok);
      if (msg.action === "say" && o.ok) $("say-text").value = "";
      if (window.nsForce) window.nsForce.result(msg);  // a refusal the operator may override (force.js)
    } else if (msg.type === "error") {
      toast(msg.message, true);
    }
  }

  // -- the preview: binary frames, header "NSF1" + index + pts ms + level, then a JPEG -------------------
  const MAGIC = 0x3146534e;
  let drawing = false, next = null;
  const shownAt = [];

  function onFrame(buf) {
    const dv = new DataView(buf);
    if (buf.byteLength < 16 || dv.getUint32(0, true) !== MAGIC) return;
    const frame = { index: dv.getUint32(4, true), pts: dv.getUint32(8, true), level: dv.getFloat32(12, true),
                    blob: new Blob([new Uint8Array(buf, 16)], { type: "image/jpeg" }) };
    $("level").style.width = `${Math.round(Math.min(1, frame.level) * 100)}%`;
    ns.lastFrameAt = performance.now();
    staleTick();
    if (drawing) { next = frame; return; }
    draw(frame);
  }

  async function draw(frame) {
    drawing = true;
    try {
      const bmp = await createImageBitmap(frame.blob);
      const c = $("preview");
      if (c.width !== bmp.width || c.height !== bmp.height) { c.width = bmp.width; c.height = bmp.height; }
      c.getContext("2d").drawImage(bmp, 0, 0);
      bmp.close();
      ns.frames += 1;
      ns.lastIndex = frame.index;
      send({ type: "frame_shown", index: frame.index });
      const now = performance.now();
      shownAt.push(now);
      while (shownAt.length && now - shownAt[0] > 2000) shownAt.shift();
      ns.fps = shownAt.length / 2;
    } catch (e) { /* a damaged frame is skipped */ }
    drawing = false;
    if (next) { const f = next; next = null; draw(f); }
  }

  // a show that stalls (stopped, swapping, its machine asleep) keeps the socket open and sends nothing:
  // the last picture would stay up as if live, so the page says it is frozen
  function staleTick() {
    const quiet = performance.now() - ns.lastFrameAt;
    const ended = ns.state && ns.state.mode === "ended";  // a show that ended sends no more frames
    const stale = ns.connected && !ended && ns.lastFrameAt > 0 && quiet >= STALE_MS;
    if (stale) $("stale").textContent = `${t("stale")} · ${t("stale_for")} ${Math.floor(quiet / 1000)} ${t("s")}`;
    if (stale !== ns.stale) {
      ns.stale = stale;
      $("stale").hidden = !stale;
    }
  }

  // -- state ------------------------------------------------------------------------------------------
  // `changed`: the names of the fields that changed (only their parts of the page are drawn again); none: all
  function render(s, changed) {
    const any = (...keys) => !changed || keys.some((k) => changed.has(k));
    if (any("mode", "lapsed", "presence", "on_duty")) {
      const mode = $("mode");
      mode.textContent = t(s.mode) + (s.lapsed ? ` · ${t("lapsed")}` : "");
      mode.className = `badge mode-${s.mode}`;
      $("presence").textContent = t(s.presence) + (s.on_duty.length ? ` · ${t("on_duty")}: ${s.on_duty.join(", ")}` : "");
      $("pause").disabled = s.mode !== "live";
      $("resume").disabled = s.mode === "live" || s.mode === "ended";
      $("stop").disabled = s.mode === "stopped" || s.mode === "ended";
    }
    $("fps").textContent = ns.fps.toFixed(0);
    const sec = Math.floor(s.on_air_s);
    $("onair").textContent = `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, "0")}`;
    const lat = s.preview_latency_ms || {};
    $("latency").textContent = lat.n ? `preview p50 ${lat.p50_ms} ms` : "";
    const tk = $("takeover");  // takeover.js may have relabelled it (starting…): set on every state
    const elsewhere = s.taking_over && !s.you_drive;  // another console drives: only it can hand back
    tk.disabled = !s.takeover_available || elsewhere;
    tk.title = !s.takeover_available ? t("takeover_soon") : elsewhere ? drivingText(s) : "";
    tk.textContent = t(s.you_drive ? "takeover_end" : "takeover");
    if (window.nsTakeover) window.nsTakeover.render(s);
    if (any("on_air", "taking_over", "you_drive", "takeover")) renderOnAir(s);
    if (any("products", "product", "pitch", "pitch_spoken")) renderProducts(s);
    if (any("pending")) renderPending(s.pending);
    if (any("queue", "queue_len")) renderQueue(s.queue, s.queue_len);
    if (any("comments")) renderKeyed($("comments"), s.comments, (c) => String(c.id), commentItem, 60, commentOutcome);
    if (any("room") && s.room) renderRoom(s.room);
    if (any("room_events") && s.room_events) renderKeyed($("room-events"), s.room_events, (e) => e.id, eventItem, 40, eventUpdate);
    if (any("audit")) renderKeyed($("audit"), s.audit, (a) => String(a.seq), auditItem, 80);
    if (any("summary")) renderSummary(s.summary);
    if (any("traces")) renderTraces(s.traces);
  }

  const fill = (key, user) => t(key).replace("{user}", user || "?");

  function drivingText(s) {
    const who = s.takeover ? s.takeover.operator : "";
    if (s.you_drive) return t("on_takeover_you");
    const me = ns.welcome && ns.welcome.operator;
    return fill("on_takeover", who) + (who === me ? ` ${t("another_console")}` : "");
  }

  // what the host is saying now, and why
  function renderOnAir(s) {
    const a = s.on_air;
    let why = t("on_silent"), line = "";
    if (a && a.kind === "takeover") why = drivingText(s);
    else if (a && a.kind === "answer") { why = fill("on_answer", a.user); line = a.text; }
    else if (a && a.kind === "pitch") { why = `${t("on_pitch")}${a.why ? `: ${a.why}` : ""}`; line = a.text; }
    else if (a && a.kind === "operator") { why = fill("on_operator", a.user); line = a.text; }
    else if (a && a.kind === "reaction") { why = t("on_reaction") + (a.why ? `: ${t(`k_${a.why}`)}` : ""); line = a.text; }
    else if (a) { why = t(`on_${a.kind}`); line = a.text; }
    $("on-air").className = `on-air on-air-${a ? a.kind : "silent"}`;
    $("on-air-why").textContent = why;
    $("on-air-text").textContent = line;
    $("on-air-text").title = a && a.kind === "answer" && a.why ? a.why : "";
    if (a && a.kind === "answer" && a.why) $("on-air-why").textContent = `${why}: “${a.why}”`;
  }

  function renderQueue(items, total) {
    $("queue-count").textContent = String(total);
    if (!items.length) { $("queue").replaceChildren(el("li", "empty", t("queue_empty"))); return; }
    $("queue").replaceChildren(...items.map((q) => {
      const li = el("li", "waiting");
      li.dataset.id = q.id;
      const head = el("div", "head");
      head.appendChild(el("b", "", q.user || "?"));
      if (q.intent) head.appendChild(el("span", "tag intent", q.intent));
      head.appendChild(el("span", "waited", `${t("waited")} ${Math.round(q.waited_s)} ${t("s")}`));
      li.append(head, el("div", "text", q.text));
      return li;
    }));
  }

  function renderProducts(s) {
    const box = $("products");
    box.replaceChildren(...s.products.map((p) => {
      const b = el("button", p.sku === s.product ? "chip active" : "chip", `${p.name} · ${p.price}`);
      b.type = "button";
      b.dataset.sku = p.sku;
      b.onclick = () => send({ type: "set_product", sku: p.sku });
      return b;
    }));
    $("pitch").replaceChildren(...s.pitch.map((line, i) => el("li", i < s.pitch_spoken ? "spoken" : "", line)));
  }

  function renderPending(lines) {
    const ul = $("pending");
    $("held-count").textContent = String(lines.length);
    const want = new Set(lines.map((l) => l.id));
    for (const li of [...ul.children]) if (!want.has(li.dataset.id)) li.remove();
    for (const line of lines) {
      if (ul.querySelector(`li[data-id="${CSS.escape(line.id)}"]`)) continue;
      ul.appendChild(heldItem(line));
    }
    if (!lines.length && !ul.children.length) ul.appendChild(el("li", "empty", t("none_held")));
  }

  function heldItem(line) {
    const li = el("li", "held");
    li.dataset.id = line.id;
    li.dataset.testid = "held";
    const asker = line.comment_user ? ` ${line.comment_user}` : "";
    if (line.comment_text) li.appendChild(el("div", "context", `${t("reply_to")}${asker}: ${line.comment_text}`));
    const text = el("div", "text", line.text);
    li.appendChild(text);
    li.appendChild(el("div", "reasons", line.reasons.join(" · ")));
    const row = el("div", "row");
    const btn = (key, cls, fn) => { const b = el("button", cls, t(key)); b.type = "button"; b.dataset.action = key; b.onclick = fn; row.appendChild(b); return b; };
    btn("approve", "ok", () => send({ type: "approve", id: line.id }));
    btn("edit", "", () => {
      const area = el("textarea", "edit-text");
      area.value = line.text;
      area.maxLength = 500;
      text.replaceWith(area);
      row.replaceChildren();
      btn("save", "ok", () => send({ type: "edit", id: line.id, text: area.value }));
      btn("cancel", "", () => { li.replaceWith(heldItem(line)); });
      area.focus();
    });
    btn("reject", "danger-soft", () => send({ type: "reject", id: line.id }));
    li.appendChild(row);
    return li;
  }

  function renderKeyed(ul, items, key, make, keep, update) {
    const have = new Map([...ul.children].map((li) => [li.dataset.key, li]));
    for (const item of items) {
      const k = key(item);
      if (have.has(k)) { if (update) update(have.get(k), item); continue; }
      const li = make(item);
      li.dataset.key = k;
      ul.prepend(li);
    }
    while (ul.children.length > keep) ul.lastElementChild.remove();
  }

  function commentItem(c) {
    const li = el("li", c.skip ? "comment skipped" : "comment");
    const head = el("div", "head");
    head.appendChild(el("b", "", c.user || "?"));
    const chip = (text, cls) => head.appendChild(el("span", `tag ${cls}`, text));
    if (c.intent) chip(c.intent, "intent");
    if (c.lang) chip(c.lang, "lang");
    if (c.skip) chip(`${t("skip")}: ${c.skip}`, "skip");
    for (const f of c.flags) if (!f.startsWith("lang:") && !f.startsWith("intent:")) chip(f, "flag");
    li.appendChild(head);
    li.appendChild(el("div", "text", c.text));
    li.appendChild(el("div", "outcome"));
    commentOutcome(li, c);
    return li;
  }

  // what became of a comment: waiting, replied, skipped or held, with the reason
  function commentOutcome(li, c) {
    const box = li.querySelector(".outcome");
    const text = c.outcome ? t(`outcome_${c.outcome}`) + (c.why ? `: ${c.why}` : "") : "";
    if (box.textContent === text) return;
    box.textContent = text;
    box.className = `outcome ${c.outcome ? `outcome-${c.outcome}` : ""}`;
    li.dataset.outcome = c.outcome || "";
  }

  // -- the room: likes and other events counted, bursts of joins one row each, gifts and orders, reactions said --
  const num = (n) => Number(n).toLocaleString(lang === "zh" ? "zh-CN" : "en-US");
  const fillIn = (key, parts) => t(key).replace(/\{(\w+)\}/g, (_, k) => (parts[k] === undefined ? "" : String(parts[k])));
  const many = (key, n) => t(Number(n) === 1 && (S[lang] || S.en)[`${key}_one`] ? `${key}_one` : key);  // "1 order"
  const reason = (why) => (S[lang] && S[lang][`why_${why}`]) || S.en[`why_${why}`] || why;
  const TALLY = ["join", "follow", "share", "gift", "order"];

  function renderRoom(r) {
    $("likes").textContent = `♥ ${num(r.likes)} ${t("likes")}`;
    const tally = TALLY.filter((k) => r.received[k]).map((k) => `${num(r.received[k])} ${many(`n_${k}`, r.received[k])}`);
    if (r.reactions) tally.push(fillIn(r.reactions === 1 ? "n_reactions_one" : "n_reactions", { n: num(r.reactions), covered: num(r.covered) }));
    $("room-tally").textContent = tally.join(" · ");
    const skipped = Object.entries(r.skipped).sort((a, b) => b[1] - a[1]).map(([why, n]) => `${reason(why)} ${num(n)}`);
    $("room-skipped").textContent = skipped.length ? `${t("events_skipped")}: ${skipped.join(" · ")}` : "";
  }

  function eventText(e) {
    const who = e.users.join(lang === "zh" ? "、" : ", ") || "?";
    const more = e.count - e.users.length;
    if (e.kind === "gift") return fillIn("ev_gift", { user: who, item: e.item || "?", n: num(e.count), value: e.value ? ` · ${fillIn("ev_worth", { v: e.value })}` : "" });
    if (e.kind === "order") return fillIn("ev_order", { user: who, item: e.item || "?", n: num(e.count), value: e.value ? ` · ${e.value}` : "" });
    if (e.kind === "reaction") return `“${e.text}”`;
    return fillIn(`ev_${e.kind}`, { names: who + (more > 0 ? ` +${num(more)}` : "") });
  }

  function eventMeta(e) {
    if (e.kind === "reaction") {
      const what = fillIn("ev_covered", { n: num(e.count), kind: many(`k_${e.covers}`, e.count) });
      return [what, e.batched ? fillIn("ev_batched", { n: num(e.batched) }) : "", e.outcome ? t(`ev_${e.outcome}`) : ""]
        .filter(Boolean).join(" · ") + (e.why ? `: ${e.why}` : "");
    }
    if (!e.outcome) return "";
    return t(`ev_${e.outcome}`) + (e.why ? `: ${reason(e.why)}` : "");
  }

  function eventItem(e) {
    const li = el("li", `event event-${e.kind}`);
    li.dataset.kind = e.kind;
    li.append(el("div", "line"), el("div", "meta"));
    eventUpdate(li, e);
    return li;
  }

  // a burst grows, a reaction held is said, a gift is thanked: the row is written again
  function eventUpdate(li, e) {
    const line = eventText(e), meta = eventMeta(e);
    if (li.querySelector(".line").textContent !== line) li.querySelector(".line").textContent = line;
    if (li.querySelector(".meta").textContent !== meta) li.querySelector(".meta").textContent = meta;
    li.dataset.outcome = e.outcome || "";
  }

  function auditItem(a) {
    const li = el("li", `audit-${a.kind}`);
    const time = new Date(a.ts * 1000).toLocaleTimeString();
    li.appendChild(el("span", "when", `#${a.seq} ${time}`));
    li.appendChild(el("b", "", ` ${a.kind} `));
    li.appendChild(el("span", "detail", a.detail));
    return li;
  }

  function renderSummary(sum) {
    $("summary").replaceChildren(...Object.entries(sum).flatMap(([k, v]) => [el("dt", "", k), el("dd", "", Number.isInteger(v) ? String(v) : v.toFixed(1))]));
  }

  function renderTraces(traces) {
    const stages = ["first_sentence", "gated", "first_audio", "mouth_open"];
    const head = el("tr");
    ["kind", "text", "sentence", "gated", "audio", "mouth"].forEach((h) => head.appendChild(el("th", "", h)));
    const rows = traces.slice().reverse().map((tr) => {
      const row = el("tr");
      row.appendChild(el("td", "", tr.kind));
      row.appendChild(el("td", "text", tr.text));
      stages.forEach((s) => row.appendChild(el("td", "num", tr.ms[s] === undefined ? "" : String(tr.ms[s]))));
      return row;
    });
    $("traces").replaceChildren(head, ...rows);
  }

  let toastTimer = null;
  function toast(text, bad) {
    const box = $("toast");
    box.textContent = text;
    box.className = bad ? "toast show bad" : "toast show";
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.className = "toast"; }, 4000);
  }

  // -- presence: heartbeats while the operator is active; "are you there?" when idle ----------------------
  let lastInput = Date.now(), lastBeat = 0, promptedAt = 0;
  const activity = () => { if (!promptedAt && !ns.away) lastInput = Date.now(); };
  ["pointerdown", "keydown", "touchstart", "wheel", "mousemove", "input"].forEach((ev) =>
    window.addEventListener(ev, activity, { passive: true, capture: true }));

  function beat(confirmed) {
    send({ type: "heartbeat", confirmed });
    lastBeat = Date.now();
    ns.heartbeats += 1;
  }

  function presenceTick() {
    const w = ns.welcome;
    if (!w || !ns.connected) return;
    const now = Date.now();
    if (!promptedAt && !ns.away && now - lastInput >= w.idle_prompt_s * 1000) {
      promptedAt = now;
      $("idle-text").textContent = t("idle_q");
      $("idle").hidden = false;
    }
    if (promptedAt && now - promptedAt >= w.idle_answer_s * 1000) {
      promptedAt = 0;
      ns.away = true;
      send({ type: "away" });
      $("idle-text").textContent = t("idle_gone");
    }
    if (!ns.away && now - lastBeat >= w.heartbeat_s * 1000) beat(false);
  }

  $("idle-yes").onclick = () => {
    promptedAt = 0;
    ns.away = false;
    lastInput = Date.now();
    $("idle").hidden = true;
    beat(true);
  };

  // -- controls -----------------------------------------------------------------------------------------
  $("pause").onclick = () => send({ type: "pause" });
  $("resume").onclick = () => send({ type: "resume" });
  $("stop").onclick = () => { ns.stopClickedAt = Date.now(); send({ type: "stop" }); };
  $("takeover").onclick = () => window.nsTakeover && window.nsTakeover.toggle();
  $("say").onclick = () => {
    const text = $("say-text").value.trim();
    if (text) send({ type: "say", text });
  };
  $("lang-toggle").onclick = () => {
    lang = lang === "en" ? "zh" : "en";
    localStorage.setItem("ns_lang", lang);
    applyLang();
  };

  function applyLang() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
    $("lang-toggle").textContent = lang === "en" ? "中文" : "English";
    $("pending").replaceChildren();
    if (ns.state) render(ns.state);
  }

  applyLang();
  connect();
  setInterval(presenceTick, 500);
  setInterval(staleTick, 250);
})();
