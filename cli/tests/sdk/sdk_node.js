#!/usr/bin/env node
// Conformance checks of `convsms sim` driven by the official twilio-node SDK (tests/sdk/package.json,
// installed with `npm ci` in tests/sdk/).
//
// Run by tests/sdk.rs against a fresh `convsms sim --port 0`; also runs by hand against a running
// `convsms sim` (defaults match its defaults):
//
//     SIM_BASE_URL=http://127.0.0.1:4010 node tests/sdk/sdk_node.js
//
// Environment: SIM_BASE_URL, SIM_ACCOUNT_SID, SIM_AUTH_TOKEN, SIM_NUMBERS (comma-separated, at least
// two numbers the account owns). Leave TWILIO_EDGE / TWILIO_REGION unset (reference §11.2).
//
// Prints one line per check ("ok   NAME" or "FAIL NAME: why"), then "node-sdk: N passed, N failed";
// exits 1 when any check failed. Section numbers (§) refer to shared/reference/twilio-messaging.md.
"use strict";

const assert = require("node:assert/strict");
const http = require("node:http");
const twilio = require("twilio");
const RestException = require("twilio/lib/base/RestException").default;
const sdkVersion = require("twilio/package.json").version;

const BASE = (process.env.SIM_BASE_URL || "http://127.0.0.1:4010").replace(/\/+$/, "");
const ACCOUNT_SID = process.env.SIM_ACCOUNT_SID || "AC00000000000000000000000000000001";
const AUTH_TOKEN = process.env.SIM_AUTH_TOKEN || "0123456789abcdef0123456789abcdef";
const [FROM, FROM2] = (process.env.SIM_NUMBERS || "+14155550100,+14155550101").split(",");

// HOOK(delivery lifecycle): the control endpoint that applies every pending status transition now.
// The brief names POST {base}/_sim/flush; change it here if the delivery work exposes another one.
const FLUSH_PATH = "/_sim/flush";
const FINAL = new Set(["delivered", "undelivered", "failed", "canceled"]);

// A 1x1 transparent PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

function makeClient(token = AUTH_TOKEN) {
  const c = twilio(ACCOUNT_SID, token, { autoRetry: false });
  c.api.baseUrl = BASE;
  return c;
}
const client = makeClient();

// The README's custom HTTP client: the SDK builds absolute URLs on api.twilio.com and
// messaging.twilio.com; this one sends them to the simulator, messaging.twilio.com under the
// `/messaging` path prefix of its base URL.
const HOSTS = [
  ["https://api.twilio.com", BASE],
  ["https://messaging.twilio.com", BASE + "/messaging"],
];
class SimRequestClient extends twilio.RequestClient {
  request(opts) {
    const [host, to] = HOSTS.find(([h]) => opts.uri.startsWith(h + "/")) || ["", ""];
    return super.request(host ? { ...opts, uri: to + opts.uri.slice(host.length) } : opts);
  }
}

// A client through SimRequestClient, with the account SID or an API key (SK…) and its secret.
function simClient(username = ACCOUNT_SID, password = AUTH_TOKEN) {
  return twilio(username, password, { accountSid: ACCOUNT_SID, httpClient: new SimRequestClient() });
}

// --- a loopback HTTP server: the PNG on GET/HEAD, every POST recorded (status callbacks) -----------

const posts = [];
const server = http.createServer((req, res) => {
  if (req.method === "GET" || req.method === "HEAD") {
    res.writeHead(200, { "Content-Type": "image/png", "Content-Length": PNG.length });
    res.end(req.method === "GET" ? PNG : undefined);
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    posts.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200, { "Content-Length": 0 });
    res.end();
  });
});
let SERVER = "";

// --- helpers -----------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function flush() {
  // The control API takes JSON only (a cross-site page cannot send it without a preflight).
  const r = await fetch(BASE + FLUSH_PATH, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
  });
  await r.arrayBuffer();
  return r.status;
}

async function waitFinal(sid, seconds = 10) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const code = await flush();
    const m = await client.messages(sid).fetch();
    if (FINAL.has(m.status)) return m;
    if (Date.now() > deadline) {
      throw new assert.AssertionError({
        message: `${sid} is still '${m.status}' after ${seconds} s: no delivery lifecycle (POST ${FLUSH_PATH} answered ${code})`,
      });
    }
    await sleep(200);
  }
}

// Like waitFinal, but never fails: update and delete want a final status, and are tried anyway.
async function settle(sid, seconds = 10) {
  try {
    return (await waitFinal(sid, seconds)).status;
  } catch (e) {
    if (!(e instanceof assert.AssertionError)) throw e;
    return (await client.messages(sid).fetch()).status;
  }
}

// A handset texts the account through the control API; its JSON answer.
async function inbound(from, to, body) {
  const r = await fetch(BASE + "/_sim/inbound", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ from, to, body }),
  });
  return r.json();
}

// The POSTs the local server got at `path` (path and query), waiting until there are `atLeast`.
async function postsTo(path, atLeast = 1, seconds = 5) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const calls = posts.filter((p) => p.path === path);
    if (calls.length >= atLeast || Date.now() > deadline) return calls;
    await sleep(100);
  }
}

function send(to, body = "hello", from = FROM, extra = {}) {
  return client.messages.create({ to, from, body, ...extra });
}

async function expectError(status, code, call) {
  let err;
  try {
    await call();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `no RestException; wanted HTTP ${status} code ${code}`);
  assert.ok(err instanceof RestException, `${err && err.constructor.name}: ${err && err.message}`);
  assert.deepEqual(
    [err.status, err.code],
    [status, code],
    `got HTTP ${err.status} code ${err.code} (${err.message}), wanted HTTP ${status} code ${code}`,
  );
  assert.equal(err.moreInfo, `https://www.twilio.com/docs/errors/${code}`);
}

function sorted(xs) {
  return [...xs].sort();
}

// --- the checks ----------------------------------------------------------------------------------------

const CHECKS = [];
const check = (name, fn) => CHECKS.push([name, fn]);

check("create", async () => {
  const m = await send("+14155552671", "hello from node");
  assert.match(m.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(m.status, "queued");
  assert.equal(m.direction, "outbound-api");
  assert.deepEqual([m.to, m.from, m.body], ["+14155552671", FROM, "hello from node"]);
  assert.equal(m.accountSid, ACCOUNT_SID);
  assert.deepEqual([m.numSegments, m.numMedia], ["1", "0"]);
  assert.ok(m.dateCreated instanceof Date && !isNaN(m.dateCreated), String(m.dateCreated));
  assert.equal(m.dateSent, null);
  assert.equal(m.errorCode, null);
});

check("fetch", async () => {
  const created = await send("+14155552671", "fetch me");
  const m = await client.messages(created.sid).fetch();
  assert.equal(m.sid, created.sid);
  assert.deepEqual([m.to, m.from, m.body, m.direction], [created.to, created.from, "fetch me", "outbound-api"]);
  assert.equal(m.uri, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${created.sid}.json`);
  assert.equal(m.dateCreated.getTime(), created.dateCreated.getTime());
  assert.equal(m.apiVersion, "2010-04-01");
});

const LIST_TO = "+14155552672";
const LIST_SIDS = [];

check("list across pages (pageSize=2, 5 messages)", async () => {
  for (let i = 0; i < 5; i++) LIST_SIDS.push((await send(LIST_TO, `list ${i}`)).sid);
  const got = await client.messages.list({ to: LIST_TO, pageSize: 2 });
  assert.deepEqual(sorted(got.map((m) => m.sid)), sorted(LIST_SIDS));
  const sizes = [];
  let page = await client.messages.page({ to: LIST_TO, pageSize: 2 });
  while (page) {
    sizes.push(page.instances.length);
    page = await page.nextPage();
  }
  assert.deepEqual(sizes, [2, 2, 1]);
});

check("list order: newest first", async () => {
  const got = await client.messages.list({ to: LIST_TO, pageSize: 2 });
  assert.deepEqual(
    got.map((m) => m.sid),
    [...LIST_SIDS].reverse(),
  );
});

check("list filters To and From", async () => {
  const to = "+14155552673";
  const mine = sorted([(await send(to, "from two 0", FROM2)).sid, (await send(to, "from two 1", FROM2)).sid]);
  await send(to, "from one");
  assert.deepEqual(sorted((await client.messages.list({ from: FROM2 })).map((m) => m.sid)), mine);
  assert.deepEqual(sorted((await client.messages.list({ to, from: FROM2 })).map((m) => m.sid)), mine);
  assert.equal((await client.messages.list({ to })).length, 3);
  assert.deepEqual(await client.messages.list({ to: "+14155552699" }), []);
});

check("list filters DateSent, DateSent<, DateSent>", async () => {
  assert.equal(LIST_SIDS.length, 5, "needs the list check's messages");
  const sent = [];
  for (const sid of LIST_SIDS) sent.push(await waitFinal(sid));
  for (const m of sent) assert.ok(m.dateSent instanceof Date, `${m.sid} is ${m.status} without dateSent`);
  const day = sent[0].dateSent.toISOString().slice(0, 10);
  const onDay = (await client.messages.list({ to: LIST_TO, dateSent: day })).map((m) => m.sid);
  assert.ok(onDay.includes(sent[0].sid), `${day}: ${onDay}`);
  assert.deepEqual(await client.messages.list({ to: LIST_TO, dateSentBefore: "2000-01-01" }), []);
  const after = await client.messages.list({ to: LIST_TO, dateSentAfter: new Date(Date.UTC(2000, 0, 1)) });
  assert.deepEqual(sorted(after.map((m) => m.sid)), sorted(LIST_SIDS));
  const later = new Date(sent[0].dateSent.getTime() + 2 * 86400e3).toISOString().slice(0, 10);
  assert.deepEqual(await client.messages.list({ to: LIST_TO, dateSentAfter: later }), []);
});

check("update: redact Body=''", async () => {
  const m = await send("+14155552674", "secret");
  const status = await settle(m.sid);
  let updated;
  try {
    updated = await client.messages(m.sid).update({ body: "" });
  } catch (e) {
    throw new assert.AssertionError({
      message: `update of a '${status}' message: HTTP ${e.status} code ${e.code} ${e.message}`,
    });
  }
  assert.deepEqual([updated.sid, updated.body], [m.sid, ""]);
  assert.equal((await client.messages(m.sid).fetch()).body, "");
});

check("delete: remove() -> true, then 20404", async () => {
  const m = await send("+14155552674", "delete me");
  const status = await settle(m.sid);
  let removed;
  try {
    removed = await client.messages(m.sid).remove();
  } catch (e) {
    throw new assert.AssertionError({
      message: `delete of a '${status}' message: HTTP ${e.status} code ${e.code} ${e.message}`,
    });
  }
  assert.equal(removed, true);
  await expectError(404, 20404, () => client.messages(m.sid).fetch());
});

const TO = "+14155552675";
for (const [name, status, code, call] of [
  ["21211 invalid To", 400, 21211, () => send("+6512")],
  ["21212 invalid From", 400, 21212, () => send(TO, "hi", "Apple")],
  ["21602 no Body", 400, 21602, () => client.messages.create({ to: TO, from: FROM })],
  ["21603 no From", 400, 21603, () => client.messages.create({ to: TO, body: "hi" })],
  ["21604 no To", 400, 21604, () => client.messages.create({ to: "", from: FROM, body: "hi" })],
  ["21606 From not owned", 400, 21606, () => send(TO, "hi", "+14155552698")],
  ["21617 Body over 1600", 400, 21617, () => send(TO, "a".repeat(1601))],
  ["21620 bad MediaUrl", 400, 21620, () => send(TO, "hi", FROM, { mediaUrl: ["ftp://x.test/a.png"] })],
  [
    "21623 11 MediaUrl",
    400,
    21623,
    () => send(TO, "hi", FROM, { mediaUrl: Array.from({ length: 11 }, (_, i) => `${SERVER}/${i}.png`) }),
  ],
  [
    "20003 bad credentials",
    401,
    20003,
    () => makeClient("wrong-token").messages.create({ to: TO, from: FROM, body: "hi" }),
  ],
  ["20404 unknown SID", 404, 20404, () => client.messages("SM" + "f".repeat(32)).fetch()],
]) {
  check(`error ${name}`, () => expectError(status, code, call));
}

check("numSegments: GSM-7 over 160 chars", async () => {
  assert.equal((await send(TO, "1".repeat(160))).numSegments, "1");
  assert.equal((await send(TO, "1".repeat(161))).numSegments, "2");
  assert.equal((await send(TO, "1".repeat(307))).numSegments, "3");
});

check("numSegments: UCS-2", async () => {
  assert.equal((await send(TO, "\u{1F61C}" + "1".repeat(68))).numSegments, "1");
  assert.equal((await send(TO, "\u{1F61C}" + "1".repeat(69))).numSegments, "2");
  assert.equal((await send(TO, "\u00e1".repeat(71))).numSegments, "2");
});

check("media: MediaUrl on a loopback PNG server, numMedia, MM SID, media list", async () => {
  const m = await send("+14155552676", "picture", FROM, { mediaUrl: [`${SERVER}/pixel.png`] });
  assert.match(m.sid, /^MM[0-9a-f]{32}$/);
  assert.equal(m.numMedia, "1");
  const media = await client.messages(m.sid).media.list();
  assert.equal(media.length, 1);
  const me = media[0];
  assert.match(me.sid, /^ME[0-9a-f]{32}$/);
  assert.equal(me.parentSid, m.sid);
  assert.equal(me.contentType, "image/png");
  assert.equal((await client.messages(m.sid).media(me.sid).fetch()).sid, me.sid);
});

check("StatusCallback: X-Twilio-Signature accepted by twilio.validateRequest", async () => {
  const path = "/status?check=node";
  const url = SERVER + path;
  const m = await send("+14155552677", "track me", FROM, { statusCallback: url });
  await waitFinal(m.sid);
  const deadline = Date.now() + 5000;
  while (!posts.some((p) => p.path === path)) {
    assert.ok(Date.now() < deadline, `no status callback arrived at ${url}`);
    await sleep(100);
  }
  await sleep(300); // let the last callbacks of the lifecycle arrive
  const statuses = [];
  for (const call of posts.filter((p) => p.path === path)) {
    const params = Object.fromEntries(new URLSearchParams(call.body));
    const sig = call.headers["x-twilio-signature"];
    assert.ok(sig, `no X-Twilio-Signature: ${JSON.stringify(call.headers)}`);
    assert.ok(twilio.validateRequest(AUTH_TOKEN, sig, url, params), `signature rejected: ${sig} ${call.body}`);
    assert.ok(!twilio.validateRequest("another-token", sig, url, params));
    assert.ok(!twilio.validateRequest(AUTH_TOKEN, sig, url, { ...params, MessageStatus: "tampered" }));
    assert.equal(params.MessageSid, m.sid);
    assert.equal(params.AccountSid, ACCOUNT_SID);
    assert.equal(params.SmsSid, m.sid);
    assert.equal(params.SmsStatus, params.MessageStatus);
    assert.match(call.headers["content-type"] || "", /^application\/x-www-form-urlencoded/);
    statuses.push(params.MessageStatus);
  }
  const final = (await client.messages(m.sid).fetch()).status;
  assert.equal(statuses[statuses.length - 1], final, `${statuses} vs ${final}`);
  assert.ok(!statuses.includes("queued"), `${statuses}`); // no callback for the initial status (§3)
});

const KEY = {};

check("API key: created with the Auth Token (secret shown once), sends with the key", async () => {
  const admin = simClient();
  const key = await admin.newKeys.create({ friendlyName: "node sdk" });
  assert.match(key.sid, /^SK[0-9a-f]{32}$/);
  assert.match(key.secret, /^[A-Za-z0-9]{32}$/);
  assert.equal((await admin.keys(key.sid).fetch()).friendlyName, "node sdk");
  const byKey = simClient(key.sid, key.secret);
  const m = await byKey.messages.create({ to: "+14155552678", from: FROM, body: "sent with an API key" });
  assert.deepEqual([m.status, m.accountSid, m.from], ["queued", ACCOUNT_SID, FROM]);
  assert.equal((await byKey.messages(m.sid).fetch()).body, "sent with an API key");
  Object.assign(KEY, { sid: key.sid, secret: key.secret });
});

check("API key: renamed, listed, cannot manage keys, deleted -> 20003", async () => {
  assert.ok(KEY.sid, "needs the key of the previous check");
  const admin = simClient();
  assert.equal((await admin.keys(KEY.sid).update({ friendlyName: "renamed" })).friendlyName, "renamed");
  assert.ok((await admin.keys.list()).some((k) => k.sid === KEY.sid));
  const byKey = simClient(KEY.sid, KEY.secret);
  await expectError(401, 20003, () => byKey.newKeys.create({ friendlyName: "not with a key" }));
  assert.equal(await admin.keys(KEY.sid).remove(), true);
  await expectError(401, 20003, () => byKey.messages.create({ to: "+14155552678", from: FROM, body: "revoked" }));
});

check("IncomingPhoneNumbers: update SmsUrl, an inbound message arrives there, signed", async () => {
  const c = simClient();
  const numbers = await c.incomingPhoneNumbers.list({ phoneNumber: FROM2 });
  assert.deepEqual(
    numbers.map((n) => n.phoneNumber),
    [FROM2],
  );
  const pn = numbers[0];
  assert.match(pn.sid, /^PN[0-9a-f]{32}$/);
  assert.equal(pn.capabilities.sms, true);
  const path = "/inbound?check=node";
  const url = SERVER + path;
  const updated = await c.incomingPhoneNumbers(pn.sid).update({ smsUrl: url, smsMethod: "POST" });
  assert.deepEqual([updated.smsUrl, updated.smsMethod], [url, "POST"]);
  assert.equal((await c.incomingPhoneNumbers(pn.sid).fetch()).smsUrl, url);
  const answer = await inbound("+14155552679", FROM2, "hello node app");
  assert.equal(answer.http_status, 200, JSON.stringify(answer));
  const calls = await postsTo(path);
  assert.equal(calls.length, 1);
  const params = Object.fromEntries(new URLSearchParams(calls[0].body));
  assert.deepEqual([params.Body, params.To, params.From], ["hello node app", FROM2, "+14155552679"]);
  assert.deepEqual([params.MessageSid, params.AccountSid], [answer.sid, ACCOUNT_SID]);
  assert.ok(twilio.validateRequest(AUTH_TOKEN, calls[0].headers["x-twilio-signature"], url, params));
});

check("Messaging Service: create, add a sender, send through it, its status callback", async () => {
  const c = simClient();
  const path = "/service-status?check=node";
  const status = SERVER + path;
  const service = await c.messaging.v1.services.create({ friendlyName: "node pool", statusCallback: status });
  assert.match(service.sid, /^MG[0-9a-f]{32}$/);
  assert.equal(service.statusCallback, status);
  const [pn] = await c.incomingPhoneNumbers.list({ phoneNumber: FROM });
  const sender = await c.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: pn.sid });
  assert.deepEqual([sender.sid, sender.phoneNumber], [pn.sid, FROM]);
  const pool = await c.messaging.v1.services(service.sid).phoneNumbers.list();
  assert.deepEqual(
    pool.map((p) => p.sid),
    [pn.sid],
  );
  assert.ok((await c.messaging.v1.services.list()).some((x) => x.sid === service.sid));
  const m = await c.messages.create({ messagingServiceSid: service.sid, to: "+14155552680", body: "through the pool" });
  assert.deepEqual([m.status, m.messagingServiceSid], ["accepted", service.sid]);
  const final = await waitFinal(m.sid);
  assert.deepEqual([final.from, final.status], [FROM, "delivered"]);
  const got = [];
  for (const call of await postsTo(path, 3)) {
    const params = Object.fromEntries(new URLSearchParams(call.body));
    assert.ok(twilio.validateRequest(AUTH_TOKEN, call.headers["x-twilio-signature"], status, params));
    assert.deepEqual([params.MessageSid, params.MessagingServiceSid], [m.sid, service.sid]);
    got.push(params.MessageStatus);
  }
  assert.deepEqual([got[0], got[got.length - 1]], ["queued", "delivered"], `${got}`);
});

async function main() {
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  SERVER = `http://127.0.0.1:${server.address().port}`;
  console.log(`twilio-node ${sdkVersion} against ${BASE}`);
  let failed = 0;
  for (const [name, fn] of CHECKS) {
    try {
      await fn();
      console.log(`ok   ${name}`);
    } catch (e) {
      failed += 1;
      const why = String(e && e.message).split("\n")[0];
      console.log(`FAIL ${name}: ${e && e.constructor.name}: ${why}`);
      console.error(e);
    }
  }
  console.log(`node-sdk: ${CHECKS.length - failed} passed, ${failed} failed`);
  server.close();
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
