//! The inspector: `GET /` on the simulator is an HTML page for a person with a browser, showing
//! what the simulated Twilio holds and did, newest first: the account (numbers and where their
//! texts go, API keys without secrets, Messaging Services), the faults in force, the messages
//! (direction, parties, text, segments, status and its history), every webhook and
//! status-callback delivery attempt (URL, parameters, `X-Twilio-Signature`, idempotency token,
//! the app's answer and how long it took) and the debugger log.
//!
//! * Plain server-rendered HTML (maud, every value escaped), no script: it refreshes itself every
//!   2 seconds (`<meta http-equiv="refresh">`), and a strict `Content-Security-Policy`
//!   (`default-src 'none'; style-src 'unsafe-inline'`) forbids any script, frame or fetch.
//! * Like every route of the served app it answers only requests addressed to a loopback name
//!   (`Host`, see [`crate::loopback`]); it changes nothing.
//! * What it shows is bounded: the newest [`SHOWN`] messages, deliveries and debugger events.
//!   The status history and the deliveries come from the [`Journal`], which keeps the newest
//!   [`JOURNAL_CAP`] status changes and delivery attempts (a message whose changes have left the
//!   journal shows its current status only). Delivery durations are measured with tokio's clock
//!   (`tokio::time::Instant`); the instants shown are the simulator's clock.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};
use twilio_wire::message::{Direction, MessageStatus};
use twilio_wire::sid::MessageSid;

use crate::faults::Rule;
use crate::state::SimState;
use crate::{phone_numbers, Core, FaultScope};

/// How many status changes and delivery attempts the journal keeps (each).
pub(crate) const JOURNAL_CAP: usize = 5_000;
/// How many messages, deliveries and debugger events the page shows (each).
pub(crate) const SHOWN: usize = 100;
/// The longest answer body shown, in characters.
const ANSWER_CHARS: usize = 300;

/// One status change of a message.
#[derive(Clone, Debug)]
struct StatusChange {
    sid: MessageSid,
    from: MessageStatus,
    to: MessageStatus,
    error: Option<u32>,
    at: DateTime<Utc>,
}

/// One delivery attempt of an inbound webhook or a status callback.
#[derive(Clone, Debug)]
pub(crate) struct Delivery {
    /// `inbound webhook` or `status callback`.
    pub(crate) kind: &'static str,
    /// The message it is about.
    pub(crate) sid: MessageSid,
    /// `POST` or `GET`.
    pub(crate) method: &'static str,
    /// The URL as configured (with any connection-override fragment).
    pub(crate) url: String,
    /// 1 for the first attempt, then retries.
    pub(crate) attempt: u32,
    /// The form, in sending order (shared with the attempt that sent it).
    pub(crate) params: crate::webhook::Form,
    /// `X-Twilio-Signature`.
    pub(crate) signature: String,
    /// `I-Twilio-Idempotency-Token`.
    pub(crate) token: String,
    /// The app's HTTP status and the start of its body, or why there was no answer.
    pub(crate) outcome: Result<(u16, String), String>,
    /// When it was sent, by the simulator's clock.
    pub(crate) at: DateTime<Utc>,
    /// How long it took.
    pub(crate) took: Duration,
}

/// The newest status changes and delivery attempts (a field of [`SimState`]; `/_sim/reset`
/// empties it with the rest of the state).
#[derive(Debug, Default)]
pub(crate) struct Journal {
    statuses: VecDeque<StatusChange>,
    deliveries: VecDeque<Delivery>,
}

impl Journal {
    /// Records that message `sid` went from `from` to `to` at `at` (with `error`).
    pub(crate) fn status(
        &mut self,
        sid: MessageSid,
        from: MessageStatus,
        to: MessageStatus,
        error: Option<u32>,
        at: DateTime<Utc>,
    ) {
        crate::state::push_bounded(
            &mut self.statuses,
            StatusChange {
                sid,
                from,
                to,
                error,
                at,
            },
            JOURNAL_CAP,
        );
    }

    /// Records a delivery attempt.
    pub(crate) fn delivery(&mut self, mut delivery: Delivery) {
        if let Ok((_, body)) = &mut delivery.outcome {
            if body.chars().count() > ANSWER_CHARS {
                *body = body.chars().take(ANSWER_CHARS).chain(['…']).collect();
            }
        }
        crate::state::push_bounded(&mut self.deliveries, delivery, JOURNAL_CAP);
    }
}

/// The route: `GET /`.
pub(crate) fn router() -> Router<Arc<Core>> {
    Router::new().route("/", get(page))
}

async fn page(State(core): State<Arc<Core>>) -> impl IntoResponse {
    let markup = {
        let state = core.state();
        render(&core, &state)
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        markup.into_string(),
    )
}

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}\
    h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}\
    table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:3px 6px;\
    text-align:left;vertical-align:top}th{background:#f4f4f4}code,pre{font:12px ui-monospace,monospace}\
    pre{white-space:pre-wrap;margin:0}.bad{color:#b00020}.ok{color:#1b5e20}.muted{color:#777}";

/// A duration in milliseconds with one decimal.
fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `t` as the page shows instants: `2023-08-24 05:01:45 UTC`.
fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A fault rule in words: `+14155552671: {"kind":"timeout"} (p = 0.5)`.
fn rule<K: serde::Serialize>(r: &Rule<K>) -> String {
    let scope = match &r.scope {
        FaultScope::Global => "every message".to_owned(),
        FaultScope::Number(n) => n.clone(),
    };
    let kind = serde_json::to_string(&r.kind).unwrap_or_default();
    format!("{scope}: {kind} ({})", r.strikes)
}

fn render(core: &Core, state: &SimState) -> Markup {
    let mut history: HashMap<&MessageSid, Vec<&StatusChange>> = HashMap::new();
    for change in &state.journal.statuses {
        history.entry(&change.sid).or_default().push(change);
    }
    let numbers = phone_numbers::all(&core.account_sid, state);
    let keys = core.keys.all();
    let api_rules = core.api_faults.rules();
    let list_rules = core.list_faults.rules();
    let faults: Vec<(&str, String)> = api_rules
        .iter()
        .map(|r| ("create API", rule(r)))
        .chain(list_rules.iter().map(|r| ("message list", rule(r))))
        .chain(
            state
                .faults
                .webhook
                .iter()
                .map(|r| ("inbound webhook", rule(r))),
        )
        .chain(
            state
                .faults
                .callback
                .iter()
                .map(|r| ("status callback", rule(r))),
        )
        .collect();
    let errors = state.debugger();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="refresh" content="2";
                title { "Simulated Twilio: " (core.account_sid) }
                style { (STYLE) }
            }
            body {
                main {
                    h1 { "Simulated Twilio" }
                    p.muted {
                        "Account " code { (core.account_sid) } " at " code { (core.base_url) }
                        ". This page refreshes every 2 seconds; newest first, at most " (SHOWN)
                        " of each."
                    }
                    section #account {
                        h2 { "Numbers, keys and Messaging Services" }
                        table {
                            tr { th { "number" } th { "SID" } th { "texts go to" } th { "capabilities" } }
                            @for n in &numbers {
                                tr {
                                    td { (n.phone_number) " " span.muted { (n.friendly_name) } }
                                    td { code { (n.sid) } }
                                    td {
                                        @if n.sms_url.is_empty() {
                                            span.muted { (state.sms_url().unwrap_or("(no SMS URL)")) " (simulator-wide)" }
                                        } @else {
                                            code { (n.sms_url) }
                                        }
                                    }
                                    td {
                                        @let c = n.capabilities;
                                        (if c.sms { "SMS " } else { "" })
                                        (if c.mms { "MMS " } else { "" })
                                        (if c.voice { "voice " } else { "" })
                                        (if c.fax { "fax" } else { "" })
                                    }
                                }
                            }
                        }
                        p {
                            "API keys: "
                            @if keys.is_empty() { span.muted { "none" } }
                            @for k in &keys { code { (k.sid) } " " (k.friendly_name) "; " }
                        }
                        @for s in state.services.summaries(&core.account_sid) {
                            p { "Messaging Service " code { (s.0) } " " (s.1) ": senders " (s.2.join(", ")) }
                        }
                    }
                    section #faults {
                        h2 { "Faults in force" }
                        @if faults.is_empty() {
                            p.muted { "none" }
                        } @else {
                            ul { @for (family, r) in &faults { li { (family) " — " (r) } } }
                        }
                    }
                    section #messages {
                        h2 { "Messages" }
                        table {
                            tr {
                                th { "SID" } th { "direction" } th { "from → to" } th { "body" }
                                th { "segments" } th { "status and history" }
                            }
                            @for r in state.records().rev().take(SHOWN) {
                                @let m = &r.message;
                                tr data-sid=(m.sid) {
                                    td { code { (m.sid) } }
                                    td { (direction(m.direction)) }
                                    td {
                                        @match (&m.from, &m.messaging_service_sid) {
                                            (Some(from), _) => (from),
                                            // A scheduled service send has no sender yet.
                                            (None, Some(service)) => (service),
                                            (None, None) => "",
                                        }
                                        " → " (m.to)
                                    }
                                    td { (m.body) }
                                    td { (m.num_segments) }
                                    td {
                                        strong class=(if m.error_code.is_some() { "bad" } else { "ok" }) {
                                            (m.status)
                                            @if let Some(code) = m.error_code { " " (code) }
                                        }
                                        @if let Some(changes) = history.get(&m.sid) {
                                            br;
                                            span.muted.history {
                                                (changes[0].from) " " (m.date_created.format("%H:%M:%S"))
                                                @for c in changes {
                                                    " → " (c.to)
                                                    @if let Some(code) = c.error { " (" (code) ")" }
                                                    " " (c.at.format("%H:%M:%S"))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    section #deliveries {
                        h2 { "Webhook and status-callback deliveries" }
                        table {
                            tr {
                                th { "when" } th { "what" } th { "request" } th { "answer" } th { "took" }
                            }
                            @for d in state.journal.deliveries.iter().rev().take(SHOWN) {
                                tr data-kind=(d.kind) {
                                    td { (when(d.at)) }
                                    td { (d.kind) " for " code { (d.sid) } @if d.attempt > 1 { " (attempt " (d.attempt) ")" } }
                                    td {
                                        (d.method) " " code { (d.url) }
                                        details {
                                            summary { (d.params.len()) " parameters, signature " code { (d.signature) } }
                                            pre {
                                                "X-Twilio-Signature: " (d.signature) "\n"
                                                "I-Twilio-Idempotency-Token: " (d.token) "\n\n"
                                                @for (name, value) in d.params.iter() { (name) "=" (value) "\n" }
                                            }
                                        }
                                    }
                                    td {
                                        @match &d.outcome {
                                            Ok((status, body)) => {
                                                strong class=(if (200..300).contains(status) { "ok" } else { "bad" }) { "HTTP " (status) }
                                                @if !body.is_empty() { pre { (body) } }
                                            }
                                            Err(why) => { strong.bad { (why) } }
                                        }
                                    }
                                    td { (ms(d.took)) }
                                }
                            }
                        }
                    }
                    section #errors {
                        h2 { "Debugger log" }
                        @if errors.is_empty() {
                            p.muted { "no errors" }
                        } @else {
                            table {
                                tr { th { "when" } th { "code" } th { "what" } th { "message" } th { "URL" } }
                                @for e in errors.iter().rev().take(SHOWN) {
                                    tr {
                                        td { (when(e.at)) }
                                        td.bad { (e.code) }
                                        td { (e.message) }
                                        td { @if let Some(sid) = &e.sid { code { (sid) } } }
                                        td { @if let Some(url) = &e.url { code { (url) } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A direction as Twilio writes it.
fn direction(d: Direction) -> &'static str {
    match d {
        Direction::Inbound => "inbound",
        Direction::OutboundApi => "outbound-api",
        Direction::OutboundCall => "outbound-call",
        Direction::OutboundReply => "outbound-reply",
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use chrono::{DateTime, TimeDelta, Utc};

    use crate::test_support::*;
    use crate::{CallbackFault, FaultScope, SimClock, SimConfig, Simulator, WebhookFault};

    const SHOP: &str = "+14155550100";
    const HANDSET: &str = "+14155552671";

    /// A clock the test moves.
    struct Moving(Mutex<DateTime<Utc>>);
    impl SimClock for Moving {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    async fn page(sim: &Simulator) -> String {
        reqwest::get(format!("{}/", sim.base_url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_page_shows_messages_history_deliveries_errors_and_faults_escaped() {
        let app = start_receiver(
            200,
            "<Response><Message>Thanks &amp; bye</Message></Response>",
        )
        .await;
        let clock = Arc::new(Moving(Mutex::new(t0())));
        let sim = Simulator::start(
            SimConfig {
                numbers: vec![SHOP.into()],
                sms_url: Some(format!("{}/sms", app.base)),
                ..SimConfig::for_tests()
            },
            clock.clone(),
        )
        .await
        .unwrap();
        let key = sim.create_key("<b>ci</b>");
        sim.send_inbound(HANDSET, SHOP, "<script>alert(1)</script>", &[])
            .await
            .unwrap();
        let status_url = format!("{}/status", app.base);
        let created: serde_json::Value = post_form(
            &sim,
            &format!(
                "To=%2B14155552671&From=%2B14155550100&Body=tracked&StatusCallback={}",
                form_urlencoded::byte_serialize(status_url.as_bytes()).collect::<String>()
            ),
        )
        .await
        .json()
        .await
        .unwrap();
        let tracked = created["sid"].as_str().unwrap().to_owned();
        sim.set_callback_fault(
            FaultScope::Number(HANDSET.into()),
            Some(CallbackFault::Duplicate),
            0.5,
        );
        sim.set_webhook_fault(FaultScope::Global, Some(WebhookFault::ServerError), 1.0);
        sim.send_inbound(HANDSET, SHOP, "lost", &[]).await.unwrap();
        sim.set_webhook_fault(FaultScope::Global, None, 1.0);
        sim.set_api_fault(
            FaultScope::Global,
            Some(crate::ApiFault::RateLimit),
            crate::Strikes::Next(2),
        );

        let resp = reqwest::get(format!("{}/", sim.base_url())).await.unwrap();
        assert_eq!(resp.status(), 200);
        let csp = resp.headers()["content-security-policy"].to_str().unwrap();
        assert_eq!(csp, "default-src 'none'; style-src 'unsafe-inline'");
        let html = resp.text().await.unwrap();
        assert!(
            html.contains(r#"<meta http-equiv="refresh" content="2">"#),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script"), "every value is escaped");
        assert!(html.contains(key.key.sid.as_str()) && html.contains("&lt;b&gt;ci&lt;/b&gt;"));
        assert!(!html.contains(&key.secret), "no secret on the page");
        assert!(html.contains("Thanks &amp; bye"), "the TwiML reply");
        assert!(
            html.contains("Thanks &amp;amp; bye"),
            "the app's answer as it came"
        );
        assert!(html.contains("inbound webhook for"));
        assert!(html.contains("X-Twilio-Signature: "));
        assert!(html.contains("injected fault: HTTP 500"), "{html}");
        assert!(
            html.contains(
                "+14155552671: {&quot;kind&quot;:&quot;duplicate&quot;} (probability 0.5)"
            ),
            "{html}"
        );
        assert!(
            html.contains("every message: {&quot;kind&quot;:&quot;rate_limit&quot;} (the next 2)"),
            "{html}"
        );
        assert!(html.contains("11200"), "the debugger log");

        sim.clear_api_faults();

        // Time passes: the tracked message's history, and its callbacks, signed.
        sim.set_callback_fault(FaultScope::Number(HANDSET.into()), None, 1.0);
        *clock.0.lock().unwrap() = t0() + TimeDelta::seconds(10);
        sim.run_due().await;
        let html = page(&sim).await;
        let row = html
            .split("<tr data-sid=\"")
            .find(|r| r.starts_with(&tracked))
            .unwrap();
        assert!(
            // The default timetable (`DeliveryTiming::REALISTIC`): +0.5 s, +1 s, +2.5 s.
            row.contains("queued 05:01:45 → sending 05:01:45 → sent 05:01:46 → delivered 05:01:47"),
            "{row}"
        );
        assert!(html.contains("status callback for"), "{html}");

        // A scheduled Messaging Service send has no sender yet: its service stands in.
        let service = crate::test_support::pool(&sim, SHOP);
        let later: serde_json::Value = post_form(
            &sim,
            &format!(
                "To=%2B14155552671&MessagingServiceSid={}&Body=later&ScheduleType=fixed&SendAt=2023-08-25T05%3A01%3A45Z",
                service.sid.as_str()
            ),
        )
        .await
        .json()
        .await
        .unwrap();
        let html = page(&sim).await;
        let row = html
            .split("<tr data-sid=\"")
            .find(|r| r.starts_with(later["sid"].as_str().unwrap()))
            .unwrap();
        assert!(
            row.contains(&format!("{} → +14155552671", service.sid.as_str())),
            "{row}"
        );

        // Like every route, a foreign Host is refused.
        let refused = reqwest::Client::new()
            .get(format!("{}/", sim.base_url()))
            .header("Host", "evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        sim.shutdown().await;
    }
}
