#!/usr/bin/env python3
"""Conformance checks of `convsms sim` driven by the official twilio-python SDK (tests/sdk/requirements.txt).

Run by tests/sdk.rs against a fresh `convsms sim --port 0`; also runs by hand against a running
`convsms sim` (defaults match its defaults):

    SIM_BASE_URL=http://127.0.0.1:4010 target/sdk-venv/bin/python tests/sdk/sdk_python.py

Environment: SIM_BASE_URL, SIM_ACCOUNT_SID, SIM_AUTH_TOKEN, SIM_NUMBERS (comma-separated, at least
two numbers the account owns). Leave TWILIO_EDGE / TWILIO_REGION unset (reference §11.1).

Prints one line per check ("ok   NAME" or "FAIL NAME: why"), then "python-sdk: N passed, N failed";
exits 1 when any check failed. Section numbers (§) refer to shared/reference/twilio-messaging.md.
"""

import base64
import datetime
import http.server
import json
import os
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

import twilio
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

BASE = os.environ.get("SIM_BASE_URL", "http://127.0.0.1:4010").rstrip("/")
ACCOUNT_SID = os.environ.get("SIM_ACCOUNT_SID", "AC00000000000000000000000000000001")
AUTH_TOKEN = os.environ.get("SIM_AUTH_TOKEN", "0123456789abcdef0123456789abcdef")
NUMBERS = os.environ.get("SIM_NUMBERS", "+14155550100,+14155550101").split(",")
FROM, FROM2 = NUMBERS[0], NUMBERS[1]

# HOOK(delivery lifecycle): the control endpoint that applies every pending status transition now.
# The brief names POST {base}/_sim/flush; change it here if the delivery work exposes another one.
FLUSH_PATH = "/_sim/flush"
FINAL = {"delivered", "undelivered", "failed", "canceled"}

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def client(token=AUTH_TOKEN):
    # A non-empty `environment` keeps the SDK from reading os.environ (§11.1).
    c = Client(ACCOUNT_SID, token, environment={"TWILIO_ACCOUNT_SID": ACCOUNT_SID})
    c.api.base_url = BASE
    return c


CLIENT = client()


# The README's custom HTTP client: the SDK builds absolute URLs on api.twilio.com and
# messaging.twilio.com; this one sends them to the simulator, messaging.twilio.com under the
# `/messaging` path prefix of its base URL.
class SimHttpClient(TwilioHttpClient):
    HOSTS = {"https://api.twilio.com": BASE, "https://messaging.twilio.com": BASE + "/messaging"}

    def request(self, method, url, *args, **kwargs):
        for host, to in self.HOSTS.items():
            if url.startswith(host + "/"):
                url = to + url[len(host):]
        return super().request(method, url, *args, **kwargs)


def sim_client(username=ACCOUNT_SID, password=AUTH_TOKEN):
    """A client through SimHttpClient, with the account SID or an API key (SK…) and its secret."""
    return Client(
        username,
        password,
        ACCOUNT_SID,
        http_client=SimHttpClient(),
        environment={"TWILIO_ACCOUNT_SID": ACCOUNT_SID},
    )


# --- small loopback HTTP servers the checks need -------------------------------------------------


class Recorder:
    """A loopback HTTP server: serves the PNG on GET/HEAD, records every POST (status callbacks)."""

    def __init__(self):
        self.posts = []
        self.gets = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _png(self, with_body):
                with recorder.lock:
                    recorder.gets.append((self.command, self.path))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                if with_body:
                    self.wfile.write(PNG)

            def do_GET(self):
                self._png(True)

            def do_HEAD(self):
                self._png(False)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                with recorder.lock:
                    recorder.posts.append(
                        {"path": self.path, "headers": dict(self.headers.items()), "body": body}
                    )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def callbacks(self):
        with self.lock:
            return list(self.posts)


SERVER = Recorder()


# --- helpers --------------------------------------------------------------------------------------


def flush():
    """Asks the simulator to apply due status transitions; returns the HTTP status (404: none)."""
    # The control API takes JSON only (a cross-site page cannot send it without a preflight).
    req = urllib.request.Request(
        BASE + FLUSH_PATH,
        data=b"",
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with NO_PROXY.open(req, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def wait_final(sid, seconds=10.0):
    """Flushes and polls until message `sid` is in a final status; returns the fetched message."""
    deadline = time.monotonic() + seconds
    while True:
        code = flush()
        m = CLIENT.messages(sid).fetch()
        if m.status in FINAL:
            return m
        if time.monotonic() > deadline:
            raise AssertionError(
                "%s is still '%s' after %.0f s: no delivery lifecycle (POST %s answered %s)"
                % (sid, m.status, seconds, FLUSH_PATH, code)
            )
        time.sleep(0.2)


def settle(sid, seconds=10.0):
    """Like wait_final, but never fails: returns the status reached (update and delete want a
    final status, and are tried anyway so their own failure shows)."""
    try:
        return wait_final(sid, seconds).status
    except AssertionError:
        return CLIENT.messages(sid).fetch().status


def inbound(from_, to, body):
    """A handset texts the account through the control API; returns its JSON answer."""
    req = urllib.request.Request(
        BASE + "/_sim/inbound",
        data=json.dumps({"from": from_, "to": to, "body": body}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with NO_PROXY.open(req, timeout=10) as r:
        return json.loads(r.read())


def form(body):
    return {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}


def posts_to(path, seconds=5.0, at_least=1):
    """The POSTs the recorder got at `path` (path and query), waiting until there are some."""
    deadline = time.monotonic() + seconds
    while True:
        calls = [p for p in SERVER.callbacks() if p["path"] == path]
        if len(calls) >= at_least or time.monotonic() > deadline:
            return calls
        time.sleep(0.1)


def send(to, body="hello", from_=None, **kw):
    return CLIENT.messages.create(to=to, from_=from_ or FROM, body=body, **kw)


def expect_error(status, code, call):
    try:
        call()
    except TwilioRestException as e:
        assert (e.status, e.code) == (status, code), "got HTTP %s code %s (%s), wanted HTTP %s code %s" % (
            e.status,
            e.code,
            e.msg,
            status,
            code,
        )
        return e
    raise AssertionError("no TwilioRestException; wanted HTTP %s code %s" % (status, code))


# --- the checks -----------------------------------------------------------------------------------

CHECKS = []


def check(name):
    def register(fn):
        CHECKS.append((name, fn))
        return fn

    return register


@check("create")
def _():
    m = send("+14155552671", "hello from python")
    assert m.sid.startswith("SM") and len(m.sid) == 34, m.sid
    assert m.status == "queued", m.status
    assert m.direction == "outbound-api", m.direction
    assert (m.to, m.from_, m.body) == ("+14155552671", FROM, "hello from python")
    assert m.account_sid == ACCOUNT_SID
    assert m.num_segments == "1" and m.num_media == "0", (m.num_segments, m.num_media)
    assert isinstance(m.date_created, datetime.datetime) and m.date_created.tzinfo is not None
    assert m.date_sent is None, m.date_sent
    assert m.error_code is None and m.price is None


@check("fetch")
def _():
    created = send("+14155552671", "fetch me")
    m = CLIENT.messages(created.sid).fetch()
    assert m.sid == created.sid
    assert (m.to, m.from_, m.body, m.direction) == (created.to, created.from_, "fetch me", "outbound-api")
    assert m.uri == "/2010-04-01/Accounts/%s/Messages/%s.json" % (ACCOUNT_SID, created.sid), m.uri
    assert m.date_created == created.date_created
    assert m.api_version == "2010-04-01"


LIST_TO = "+14155552672"
LIST_SIDS = []


@check("list across pages (page_size=2, 5 messages)")
def _():
    LIST_SIDS.extend(send(LIST_TO, "list %d" % i).sid for i in range(5))
    got = CLIENT.messages.list(to=LIST_TO, page_size=2)
    assert sorted(m.sid for m in got) == sorted(LIST_SIDS), [m.sid for m in got]
    sizes = []
    page = CLIENT.messages.page(to=LIST_TO, page_size=2)
    while page is not None:
        sizes.append(len(list(page)))
        page = page.next_page()
    assert sizes == [2, 2, 1], sizes


@check("list order: newest first")
def _():
    got = [m.sid for m in CLIENT.messages.list(to=LIST_TO, page_size=2)]
    assert got == list(reversed(LIST_SIDS)), got


@check("list filters To and From")
def _():
    to = "+14155552673"
    mine = sorted(send(to, "from two %d" % i, from_=FROM2).sid for i in range(2))
    send(to, "from one")
    assert sorted(m.sid for m in CLIENT.messages.list(from_=FROM2)) == mine
    assert sorted(m.sid for m in CLIENT.messages.list(to=to, from_=FROM2)) == mine
    assert len(CLIENT.messages.list(to=to)) == 3
    assert CLIENT.messages.list(to="+14155552699") == []


@check("list filters DateSent, DateSent<, DateSent>")
def _():
    assert len(LIST_SIDS) == 5, "needs the list check's messages"
    sent = [wait_final(sid) for sid in LIST_SIDS]
    for m in sent:
        assert m.date_sent is not None, "%s is %s without date_sent" % (m.sid, m.status)
    day = sent[0].date_sent.strftime("%Y-%m-%d")
    on_day = {m.sid for m in CLIENT.messages.list(to=LIST_TO, date_sent=day)}
    assert sent[0].sid in on_day, (day, on_day)
    assert CLIENT.messages.list(to=LIST_TO, date_sent_before="2000-01-01") == []
    after = CLIENT.messages.list(to=LIST_TO, date_sent_after=datetime.datetime(2000, 1, 1))
    assert sorted(m.sid for m in after) == sorted(LIST_SIDS), [m.sid for m in after]
    later = sent[0].date_sent + datetime.timedelta(days=2)
    assert CLIENT.messages.list(to=LIST_TO, date_sent_after=later.strftime("%Y-%m-%d")) == []


@check("update: redact Body=''")
def _():
    m = send("+14155552674", "secret")
    status = settle(m.sid)
    try:
        updated = CLIENT.messages(m.sid).update(body="")
    except TwilioRestException as e:
        raise AssertionError("update of a '%s' message: HTTP %s code %s %s" % (status, e.status, e.code, e.msg))
    assert updated.sid == m.sid and updated.body == "", (updated.sid, updated.body)
    assert CLIENT.messages(m.sid).fetch().body == ""


@check("delete: remove() -> True, then 20404")
def _():
    m = send("+14155552674", "delete me")
    status = settle(m.sid)
    try:
        assert CLIENT.messages(m.sid).delete() is True
    except TwilioRestException as e:
        raise AssertionError("delete of a '%s' message: HTTP %s code %s %s" % (status, e.status, e.code, e.msg))
    expect_error(404, 20404, lambda: CLIENT.messages(m.sid).fetch())


TO = "+14155552675"
for _name, _status, _code, _call in [
    ("21211 invalid To", 400, 21211, lambda: send("+6512")),
    ("21212 invalid From", 400, 21212, lambda: send(TO, from_="Apple")),
    ("21602 no Body", 400, 21602, lambda: CLIENT.messages.create(to=TO, from_=FROM)),
    ("21603 no From", 400, 21603, lambda: CLIENT.messages.create(to=TO, body="hi")),
    ("21604 no To", 400, 21604, lambda: CLIENT.messages.create(to="", from_=FROM, body="hi")),
    ("21606 From not owned", 400, 21606, lambda: send(TO, from_="+14155552698")),
    ("21617 Body over 1600", 400, 21617, lambda: send(TO, "a" * 1601)),
    ("21620 bad MediaUrl", 400, 21620, lambda: send(TO, media_url=["ftp://x.test/a.png"])),
    (
        "21623 11 MediaUrl",
        400,
        21623,
        lambda: send(TO, media_url=["%s/%d.png" % (SERVER.base, i) for i in range(11)]),
    ),
    ("20003 bad credentials", 401, 20003, lambda: client("wrong-token").messages.create(to=TO, from_=FROM, body="hi")),
    ("20404 unknown SID", 404, 20404, lambda: CLIENT.messages("SM" + "f" * 32).fetch()),
]:
    check("error " + _name)(lambda s=_status, c=_code, f=_call: expect_error(s, c, f))


@check("num_segments: GSM-7 over 160 chars")
def _():
    assert send(TO, "1" * 160).num_segments == "1"
    assert send(TO, "1" * 161).num_segments == "2"
    assert send(TO, "1" * 307).num_segments == "3"


@check("num_segments: UCS-2")
def _():
    assert send(TO, "\U0001f61c" + "1" * 68).num_segments == "1"
    assert send(TO, "\U0001f61c" + "1" * 69).num_segments == "2"
    assert send(TO, "\u00e1" * 71).num_segments == "2"


@check("media: MediaUrl on a loopback PNG server, num_media, MM SID, media list")
def _():
    url = SERVER.base + "/pixel.png"
    m = send("+14155552676", "picture", media_url=[url])
    assert m.sid.startswith("MM"), m.sid
    assert m.num_media == "1", m.num_media
    media = CLIENT.messages(m.sid).media.list()
    assert len(media) == 1, media
    me = media[0]
    assert me.sid.startswith("ME") and len(me.sid) == 34, me.sid
    assert me.parent_sid == m.sid, me.parent_sid
    assert me.content_type == "image/png", me.content_type
    assert CLIENT.messages(m.sid).media(me.sid).fetch().sid == me.sid


@check("StatusCallback: X-Twilio-Signature accepted by RequestValidator")
def _():
    url = SERVER.base + "/status?check=python"
    m = send("+14155552677", "track me", status_callback=url)
    wait_final(m.sid)
    deadline = time.monotonic() + 5
    while not [p for p in SERVER.callbacks() if p["path"] == "/status?check=python"]:
        assert time.monotonic() < deadline, "no status callback arrived at %s" % url
        time.sleep(0.1)
    time.sleep(0.3)  # let the last callbacks of the lifecycle arrive
    calls = [p for p in SERVER.callbacks() if p["path"] == "/status?check=python"]
    validator = RequestValidator(AUTH_TOKEN)
    statuses = []
    for call in calls:
        params = {k: v[0] for k, v in urllib.parse.parse_qs(call["body"], keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in call["headers"].items()}
        sig = headers.get("x-twilio-signature")
        assert sig, "no X-Twilio-Signature: %s" % headers
        assert validator.validate(url, params, sig), "signature rejected: %s %s" % (sig, params)
        assert not RequestValidator("another-token").validate(url, params, sig)
        assert not validator.validate(url, dict(params, MessageStatus="tampered"), sig)
        assert params.get("MessageSid") == m.sid and params.get("AccountSid") == ACCOUNT_SID, params
        assert params.get("SmsSid") == m.sid and params.get("SmsStatus") == params.get("MessageStatus"), params
        assert headers.get("content-type", "").startswith("application/x-www-form-urlencoded"), headers
        statuses.append(params["MessageStatus"])
    final = CLIENT.messages(m.sid).fetch().status
    assert statuses[-1] == final, (statuses, final)
    assert "queued" not in statuses, statuses  # no callback for the initial status (§3)


KEY = {}


@check("API key: created with the Auth Token (secret shown once), sends with the key")
def _():
    admin = sim_client()
    key = admin.new_keys.create(friendly_name="python sdk")
    assert key.sid.startswith("SK") and len(key.sid) == 34, key.sid
    assert len(key.secret) == 32 and key.secret.isalnum(), key.secret
    assert admin.keys(key.sid).fetch().friendly_name == "python sdk"
    by_key = sim_client(key.sid, key.secret)
    m = by_key.messages.create(to="+14155552678", from_=FROM, body="sent with an API key")
    assert (m.status, m.account_sid, m.from_) == ("queued", ACCOUNT_SID, FROM), (m.status, m.account_sid)
    assert by_key.messages(m.sid).fetch().body == "sent with an API key"
    KEY.update(sid=key.sid, secret=key.secret)


@check("API key: renamed, listed, cannot manage keys, deleted -> 20003")
def _():
    assert KEY, "needs the key of the previous check"
    admin = sim_client()
    assert admin.keys(KEY["sid"]).update(friendly_name="renamed").friendly_name == "renamed"
    assert KEY["sid"] in [k.sid for k in admin.keys.list()]
    by_key = sim_client(KEY["sid"], KEY["secret"])
    expect_error(401, 20003, lambda: by_key.new_keys.create(friendly_name="not with a key"))
    assert admin.keys(KEY["sid"]).delete() is True
    expect_error(401, 20003, lambda: by_key.messages.create(to="+14155552678", from_=FROM, body="revoked"))


@check("IncomingPhoneNumbers: update SmsUrl, an inbound message arrives there, signed")
def _():
    c = sim_client()
    numbers = c.incoming_phone_numbers.list(phone_number=FROM2)
    assert [n.phone_number for n in numbers] == [FROM2], [n.phone_number for n in numbers]
    pn = numbers[0]
    assert pn.sid.startswith("PN") and pn.capabilities["sms"], (pn.sid, pn.capabilities)
    url = SERVER.base + "/inbound?check=python"
    updated = c.incoming_phone_numbers(pn.sid).update(sms_url=url, sms_method="POST")
    assert (updated.sms_url, updated.sms_method) == (url, "POST")
    assert c.incoming_phone_numbers(pn.sid).fetch().sms_url == url
    answer = inbound("+14155552679", FROM2, "hello python app")
    assert answer["http_status"] == 200, answer
    calls = posts_to("/inbound?check=python")
    assert len(calls) == 1, calls
    params = form(calls[0]["body"])
    assert (params["Body"], params["To"], params["From"]) == ("hello python app", FROM2, "+14155552679")
    assert params["MessageSid"] == answer["sid"] and params["AccountSid"] == ACCOUNT_SID
    sig = {k.lower(): v for k, v in calls[0]["headers"].items()}["x-twilio-signature"]
    assert RequestValidator(AUTH_TOKEN).validate(url, params, sig), "signature rejected"


@check("Messaging Service: create, add a sender, send through it, its status callback")
def _():
    c = sim_client()
    status = SERVER.base + "/service-status?check=python"
    service = c.messaging.v1.services.create(friendly_name="python pool", status_callback=status)
    assert service.sid.startswith("MG") and service.status_callback == status, service.sid
    pn = c.incoming_phone_numbers.list(phone_number=FROM)[0]
    sender = c.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=pn.sid)
    assert (sender.sid, sender.phone_number) == (pn.sid, FROM)
    assert [p.sid for p in c.messaging.v1.services(service.sid).phone_numbers.list()] == [pn.sid]
    assert service.sid in [s.sid for s in c.messaging.v1.services.list()]
    m = c.messages.create(messaging_service_sid=service.sid, to="+14155552680", body="through the pool")
    assert (m.status, m.messaging_service_sid) == ("accepted", service.sid), (m.status, m.messaging_service_sid)
    final = wait_final(m.sid)
    assert (final.from_, final.status) == (FROM, "delivered"), (final.from_, final.status)
    calls = posts_to("/service-status?check=python", at_least=3)
    got = []
    for call in calls:
        params = form(call["body"])
        sig = {k.lower(): v for k, v in call["headers"].items()}["x-twilio-signature"]
        assert RequestValidator(AUTH_TOKEN).validate(status, params, sig), "signature rejected"
        assert (params["MessageSid"], params["MessagingServiceSid"]) == (m.sid, service.sid), params
        got.append(params["MessageStatus"])
    assert got[0] == "queued" and got[-1] == "delivered", got


def main():
    print("twilio-python %s against %s" % (twilio.__version__, BASE))
    failed = 0
    for name, fn in CHECKS:
        try:
            fn()
            print("ok   %s" % name, flush=True)
        except Exception as e:  # noqa: BLE001 - report every check, then fail
            failed += 1
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
            traceback.print_exc(file=sys.stderr)
    print("python-sdk: %d passed, %d failed" % (len(CHECKS) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
