// "Say anyway": a line the catalog check refused (say-this, or an edit of a held line) may still be spoken,
// only after the operator types why; the show's audit log records the reason with their name. A line that
// moderation blocked (forbidden words, medical claims, the AI persona) offers no such button.
"use strict";
(() => {
  Object.assign(window.NS_STRINGS.en, {
    say_anyway: "Say anyway", force_cancel: "Cancel", force_title: "Not in the catalog.",
    force_reason: "Why must this be said? (recorded with your name)",
  });
  Object.assign(window.NS_STRINGS.zh, {
    say_anyway: "仍然播出", force_cancel: "取消", force_title: "与商品资料不符。",
    force_reason: "为什么必须这样说？（连同你的名字记入审计记录）",
  });
  const ns = window.ns;
  const make = (tag, cls, text) => {
    const e = document.createElement(tag);
    e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // the refusal with its reasons, a reason input and the "Say anyway" button (enabled once a reason is typed)
  function forceBox(message, go) {
    const box = make("div", "force-box");
    box.dataset.testid = "force-box";
    box.setAttribute("role", "alert");
    box.appendChild(make("p", "force-title", ns.t("force_title")));
    box.appendChild(make("p", "force-why", message));
    const input = make("input", "force-reason");
    Object.assign(input, { type: "text", maxLength: 200, placeholder: ns.t("force_reason") });
    input.dataset.testid = "force-reason";
    const row = make("div", "row");
    const anyway = make("button", "danger-soft", ns.t("say_anyway"));
    Object.assign(anyway, { type: "button", disabled: true });
    anyway.dataset.testid = "say-anyway";
    const cancel = make("button", "", ns.t("force_cancel"));
    cancel.type = "button";
    input.oninput = () => { anyway.disabled = !input.value.trim(); };
    anyway.onclick = () => { if (input.value.trim()) go(input.value.trim()); };
    cancel.onclick = () => box.remove();
    row.append(anyway, cancel);
    box.append(input, row);
    return box;
  }

  const clearSay = () => document.querySelectorAll("#say-force").forEach((e) => e.remove());

  // called with every action's result
  function result(msg) {
    const o = msg.outcome;
    if (msg.action === "say") {
      clearSay();
      if (o.ok || !o.forceable) return;
      const box = forceBox(o.message, (reason) =>
        ns.send({ type: "say", text: document.getElementById("say-text").value.trim(), force: true, reason }));
      box.id = "say-force";
      document.getElementById("say").after(box);
    } else if (msg.action === "edit" && o.id) {
      const li = document.querySelector(`#pending li[data-id="${CSS.escape(o.id)}"]`);
      if (!li) return;
      li.querySelectorAll(".force-box").forEach((e) => e.remove());
      const area = li.querySelector("textarea");
      if (o.ok || !o.forceable || !area) return;
      li.appendChild(forceBox(o.message, (reason) =>
        ns.send({ type: "edit", id: o.id, text: area.value, force: true, reason })));
    }
  }

  document.getElementById("say-text").addEventListener("input", clearSay);  // a changed line is checked again
  window.nsForce = { result };
})();
