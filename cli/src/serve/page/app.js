// convsms serve's page: a client of the JSON API (docs/serve.md) and its Server-Sent Events.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = {
  phones: JSON.parse(localStorage.getItem("convsms.phones") || "[]"),
  phone: localStorage.getItem("convsms.phone") || null,
  agent: localStorage.getItem("convsms.agent") || null,
  conversation: null,
  now: null,
  openEvents: new Set(),
};

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (method !== "GET" && body === undefined) body = {};
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  const type = r.headers.get("content-type") || "";
  const data = type.includes("json") ? await r.json() : await r.text();
  if (!r.ok) {
    const msg = data && data.error ? data.error.message : String(data);
    throw new Error(msg);
  }
  return data;
}

function say(where, text, ok) {
  const p = $(where);
  p.textContent = text || "";
  p.className = "feedback" + (text ? (ok ? " ok" : " bad") : "");
}

async function act(where, fn) {
  try {
    await fn();
    say(where, "");
  } catch (e) {
    say(where, e.message, false);
  }
  schedule();
}

const when = (iso) => (iso ? iso.replace("T", " ").replace(/\.\d+/, "").replace("Z", "") : "");

function savePhones() {
  localStorage.setItem("convsms.phones", JSON.stringify(state.phones));
  if (state.phone) localStorage.setItem("convsms.phone", state.phone);
}

// ---- delivery ticks, in words ----
function tick(status, code, words) {
  const s = String(status || "").toLowerCase();
  if (s === "failed" || s === "undelivered") {
    const why = code ? ` — ${code}${words ? ": " + words : ""}` : words ? ` — ${words}` : "";
    return el("span", { class: "tick failed", "data-status": s }, `✗ ${s}${why}`);
  }
  const marks = { delivered: "✓✓", read: "✓✓", sent: "✓", sending: "…", queued: "◷", accepted: "◷", pending: "◷", retrying: "↻", received: "", internal: "" };
  if (s === "received" || s === "internal") return null;
  return el("span", { class: "tick " + s, "data-status": s }, `${marks[s] ?? ""} ${s}`.trim());
}

function media(urls) {
  return (urls || []).map((u) =>
    /\.(png|jpe?g|gif|webp)(\?|$)/i.test(u) || u.includes("/api/now/attachment/")
      ? el("img", { src: u, alt: "image" })
      : el("a", { href: u }, u)
  );
}

// ---- phones ----
async function renderPhones(providers) {
  const tabs = $("#phone-tabs");
  tabs.replaceChildren(
    ...state.phones.map((p) =>
      el("button", {
        role: "tab", "aria-selected": String(p === state.phone), "data-phone": p,
        onclick: () => { state.phone = p; savePhones(); schedule(); },
      }, p)
    )
  );
  const sel = $("#provider");
  const current = sel.value;
  sel.replaceChildren(...providers.map((n) => el("option", { value: n }, n)));
  if (providers.includes(current)) sel.value = current;
  $("#phone").hidden = !state.phone;
  if (!state.phone) return;
  const { result } = await api("GET", `/api/handsets/${encodeURIComponent(state.phone)}/messages`);
  const shown = result.filter((m) => !sel.value || m.from === sel.value || m.to === sel.value);
  $("#thread").replaceChildren(
    ...shown.map((m) =>
      el("li", { class: m.direction === "sent" ? "mine" : "", "data-sid": m.sid },
        m.body, ...media(m.media),
        m.direction === "received" ? tick(m.status, m.error_code, m.error_message) : null)
    )
  );
}

async function addPhone(number) {
  const { result } = await api("GET", `/api/validate-number?number=${encodeURIComponent(number)}`);
  if (!result.valid) {
    say("#phone-feedback", `${number}: ${result.error || "not a valid phone number"}`, false);
    return;
  }
  say("#phone-feedback", `${result.e164} (${result.region})`, true);
  if (!state.phones.includes(result.e164)) state.phones.push(result.e164);
  state.phone = result.e164;
  savePhones();
  schedule();
}

async function text(body) {
  const image = $("#text-image").value.trim();
  await api("POST", `/api/handsets/${encodeURIComponent(state.phone)}/texts`, {
    to: $("#provider").value, body, media: image ? [image] : [],
  });
  $("#text-image").value = "";
}

// ---- the agent's workspace ----
async function renderWorkspace() {
  const { result: agents } = await api("GET", "/api/agents");
  const sel = $("#agent");
  sel.replaceChildren(...agents.map((a) => el("option", { value: a.user_name }, a.user_name)));
  if (!agents.some((a) => a.user_name === state.agent)) state.agent = agents.length ? agents[0].user_name : null;
  if (!state.agent) return;
  sel.value = state.agent;
  const me = agents.find((a) => a.user_name === state.agent);
  if (document.activeElement !== $("#presence")) $("#presence").value = me.presence;
  if (document.activeElement !== $("#capacity")) $("#capacity").value = me.sms_capacity ?? "";
  const enc = encodeURIComponent(state.agent);
  const [{ result: offers }, { result: ongoing }] = await Promise.all([
    api("GET", `/api/agents/${enc}/inbox`),
    api("GET", `/api/agents/${enc}/ongoing`),
  ]);
  $("#inbox").replaceChildren(
    ...(offers.length ? offers.map((o) =>
      el("li", { "data-offer": o.interaction },
        el("span", { class: "grow" }, o.interaction, " ",
          el("span", { class: "muted" }, countdown(o.offer_expires_at))),
        el("button", { onclick: () => act("#workspace-feedback", () => api("POST", `/api/agents/${enc}/offers/${o.interaction}/accept`)) }, "Accept"),
        el("button", { onclick: () => act("#workspace-feedback", () => api("POST", `/api/agents/${enc}/offers/${o.interaction}/reject`)) }, "Reject"))
    ) : [el("li", { class: "muted" }, "no offers")])
  );
  const unread = ongoing.filter((o) => o.new_message).length;
  $("#indicator").hidden = unread === 0;
  $("#indicator").textContent = unread;
  $("#ongoing").replaceChildren(
    ...(ongoing.length ? ongoing.map((o) =>
      el("li", { "data-ongoing": o.interaction },
        o.new_message ? el("span", { class: "dot", title: "new message" }) : null,
        el("button", { class: "grow", onclick: () => { state.conversation = o.interaction; schedule(); } }, o.interaction))
    ) : [el("li", { class: "muted" }, "nothing ongoing")])
  );
  if (!state.conversation && ongoing.length) state.conversation = ongoing[0].interaction;
  await renderConversation();
}

function countdown(expires) {
  if (!expires || !state.now) return "";
  const s = Math.round((Date.parse(expires) - Date.parse(state.now)) / 1000);
  if (s <= 0) return "offer expired";
  return `offer expires in ${Math.floor(s / 60)}m ${s % 60}s (virtual)`;
}

async function renderConversation() {
  const box = $("#conversation");
  if (!state.conversation) { box.hidden = true; return; }
  let i;
  try {
    ({ result: i } = await api("GET", `/api/interactions/${state.conversation}`));
  } catch (e) { box.hidden = true; return; }
  box.hidden = false;
  $("#conv-title").textContent = `${i.number} · ${i.requester_phone || ""}`;
  const who = i.opened_for && i.opened_for.name ? ` · for ${i.opened_for.table} ${i.opened_for.name}` : "";
  $("#conv-state").textContent = `${i.active ? "open" : "closed"} · ${i.state} · assigned to ${i.assigned_to || "nobody"}${who}`;
  $("#conv-messages").replaceChildren(
    ...i.messages.map((m) => {
      const cls = m.author_kind === "system" ? "system" : m.direction === "outbound" ? "mine" : "";
      const who = m.author_kind === "agent" ? m.author : m.author_kind.replace("_", " ");
      return el("li", { class: cls, "data-seq": m.seq },
        m.author_kind === "system" ? null : el("strong", {}, who + ": "),
        m.body, ...media(m.media),
        m.direction === "outbound" ? tick(m.status, m.error_code, m.error_message) : null);
    })
  );
}

async function reply(close) {
  const body = $("#reply-body").value;
  await api("POST", `/api/agents/${encodeURIComponent(state.agent)}/replies`, { interaction: state.conversation, body, close });
  $("#reply-body").value = "";
}

function requester() {
  const table = $("#compose-table").value;
  const name = $("#compose-name").value.trim();
  return table && name ? { table, name } : undefined;
}

async function openCompose() {
  const body = { for: requester() };
  if (state.conversation && !body.for) body.interaction = state.conversation;
  const r = await api("POST", `/api/agents/${encodeURIComponent(state.agent)}/compose`, body);
  const f = r.form || {};
  $("#compose-from").replaceChildren(...(f.from_choices || []).map((n) => el("option", { value: n }, n)));
  if (f.from) $("#compose-from").value = f.from;
  if (f.to) $("#compose-to").value = f.to;
  let notice = f.ongoing ? `ongoing conversation ${f.ongoing}: the message goes into it` : "no ongoing conversation";
  if (body.for && $("#compose-to").value) {
    const v = await api("POST", `/api/agents/${encodeURIComponent(state.agent)}/compose/validate`, { to: $("#compose-to").value, for: body.for });
    const w = v.validation && v.validation.result && v.validation.result.message;
    if (w) notice += ` · warning: ${w}`;
  }
  say("#compose-notice", notice, true);
}

async function sendCompose() {
  const r = await api("POST", `/api/agents/${encodeURIComponent(state.agent)}/compose`, {
    body: $("#compose-body").value, from: $("#compose-from").value || undefined,
    to: $("#compose-to").value || undefined, for: requester(),
  });
  const s = r.sent || {};
  say("#compose-notice", `sent in ${s.interaction}${s.warning ? " · warning: " + s.warning : ""}${s.provider_error ? " · Twilio refused it: " + s.provider_error : ""}`, !s.provider_error);
  if (s.interaction) state.conversation = s.interaction;
  $("#compose-body").value = "";
}

// ---- the timeline ----
async function renderTimeline() {
  const { result } = await api("GET", "/api/timeline?limit=300");
  const f = $("#timeline-filter").value.trim().toLowerCase();
  const shown = result.filter((e) => !f || JSON.stringify(e).toLowerCase().includes(f)).reverse();
  $("#timeline").replaceChildren(
    ...shown.map((e, k) => {
      const key = `${e.at}|${e.kind}|${e.message_sid || ""}|${e.detail}`;
      const li = el("li", { tabindex: "0", "data-kind": e.kind },
        el("time", {}, when(e.at)), el("span", { class: "kind " + e.kind }, e.kind.replace(/_/g, " ")),
        e.interaction ? el("strong", {}, e.interaction + " ") : null,
        e.message_sid ? el("code", { class: "muted" }, e.message_sid + " ") : null, e.detail);
      const toggle = () => { state.openEvents.has(key) ? state.openEvents.delete(key) : state.openEvents.add(key); schedule(); };
      li.addEventListener("click", toggle);
      li.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(); } });
      if (state.openEvents.has(key)) {
        li.append(el("pre", {}, e.request ? JSON.stringify(e.request, null, 2) : "(no wire request: " + e.kind.replace(/_/g, " ") + ")"));
      }
      return li;
    })
  );
}

// ---- refresh, live ----
let pending = null;
function schedule() {
  if (pending) return;
  pending = setTimeout(async () => {
    pending = null;
    try { await refresh(); } catch (e) { say("#workspace-feedback", e.message, false); }
  }, 50);
}

async function refresh() {
  const [{ result: t }, { result: handsets }, { result: numbers }] = await Promise.all([
    api("GET", "/api/time"),
    api("GET", "/api/handsets"),
    api("GET", "/api/now/table/sys_cs_provider_number?sysparm_fields=number"),
  ]);
  state.now = t.now;
  $("#now").textContent = when(t.now);
  $("#now").setAttribute("datetime", t.now);
  for (const h of handsets) if (!state.phones.includes(h)) state.phones.push(h);
  if (!state.phone && state.phones.length) state.phone = state.phones[0];
  savePhones();
  await Promise.all([renderPhones(numbers.map((n) => n.number)), renderWorkspace(), renderTimeline()]);
  document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
}

// ---- wiring ----
document.querySelectorAll(".advance button[data-by], .advance button[data-to]").forEach((b) =>
  b.addEventListener("click", () => act("#workspace-feedback", () =>
    api("POST", "/api/time/advance", b.dataset.by ? { by: b.dataset.by } : { to: b.dataset.to }))));
document.querySelectorAll('input[name="api-fault"], input[name="list-fault"]').forEach((r) =>
  r.addEventListener("change", () => act("#workspace-feedback", () => api("POST", "/api/steps", { step: "Given " + r.value }))));
document.querySelectorAll(".faults button").forEach((b) =>
  b.addEventListener("click", () => act("#workspace-feedback", () => api("POST", "/api/steps", { step: b.dataset.step }))));
$("#optout").addEventListener("change", (e) => act("#workspace-feedback", () =>
  api("POST", "/api/steps", { step: `Given Twilio's own opt-out handling is ${e.target.checked ? "on" : "off"}` })));
$("#advance-to-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const to = $("#advance-to").value.trim();
  act("#workspace-feedback", async () => { await api("POST", "/api/time/advance", { to }); $("#advance-to").value = ""; });
});
$("#add-phone").addEventListener("submit", (e) => { e.preventDefault(); addPhone($("#new-phone").value.trim()).catch((x) => say("#phone-feedback", x.message, false)); });
$("#text-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const body = $("#text-body").value;
  act("#phone-feedback", async () => { await text(body); $("#text-body").value = ""; });
});
$("#text-body").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("#text-form").requestSubmit(); } });
document.querySelectorAll("[data-keyword]").forEach((b) => b.addEventListener("click", () => act("#phone-feedback", () => text(b.dataset.keyword))));
$("#provider").addEventListener("change", schedule);
$("#agent").addEventListener("change", (e) => { state.agent = e.target.value; state.conversation = null; localStorage.setItem("convsms.agent", state.agent); schedule(); });
$("#presence").addEventListener("change", (e) => act("#workspace-feedback", () =>
  api("POST", `/api/agents/${encodeURIComponent(state.agent)}/presence`, { presence: e.target.value })));
$("#capacity").addEventListener("change", (e) => act("#workspace-feedback", () =>
  api("POST", `/api/agents/${encodeURIComponent(state.agent)}/capacity`, { capacity: Number(e.target.value) })));
$("#reply-form").addEventListener("submit", (e) => { e.preventDefault(); act("#workspace-feedback", () => reply(false)); });
$("#reply-close").addEventListener("click", () => act("#workspace-feedback", () => reply(true)));
$("#close").addEventListener("click", () => act("#workspace-feedback", () =>
  api("POST", `/api/agents/${encodeURIComponent(state.agent)}/close`, { interaction: state.conversation })));
$("#transfer").addEventListener("click", () => act("#workspace-feedback", () => {
  const body = { interaction: state.conversation };
  body[$("#transfer-kind").value === "queue" ? "to_queue" : "to_agent"] = $("#transfer-to").value.trim();
  return api("POST", `/api/agents/${encodeURIComponent(state.agent)}/transfer`, body);
}));
$("#leave").addEventListener("click", () => act("#workspace-feedback", () =>
  api("POST", `/api/agents/${encodeURIComponent(state.agent)}/leave`, { interaction: state.conversation })));
$("#case-card").addEventListener("click", () => act("#workspace-feedback", () =>
  api("POST", `/api/agents/${encodeURIComponent(state.agent)}/case-card`, { case: $("#case-number").value.trim(), interaction: state.conversation })));
$("#relink").addEventListener("click", () => act("#workspace-feedback", () =>
  api("POST", `/api/interactions/${encodeURIComponent(state.conversation)}/relink`,
    { to: { table: $("#relink-table").value, name: $("#relink-name").value.trim() } })));
$("#case-state-form").addEventListener("submit", (e) => {
  e.preventDefault();
  act("#workspace-feedback", () =>
    api("POST", `/api/cases/${encodeURIComponent($("#case-state-number").value.trim())}/state`,
      { state: $("#case-state").value.trim() }));
});
$("#compose-open").addEventListener("click", () => act("#workspace-feedback", openCompose));
$("#compose-form").addEventListener("submit", (e) => { e.preventDefault(); act("#workspace-feedback", sendCompose); });
$("#timeline-filter").addEventListener("input", schedule);

const events = new EventSource("/api/events");
["step", "wire", "time"].forEach((k) => events.addEventListener(k, schedule));
events.onopen = schedule;
schedule();
