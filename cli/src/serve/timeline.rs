//! The timeline: every wire event as it happens (an inbound webhook the engine answered, a send
//! to Twilio, a StatusCallback), recorded at the virtual time into `x_convsms_serve_event` by two
//! hooks on the stack ([`provider_hook`], [`app_hook`]) and told to Server-Sent Events
//! subscribers; the engine's own events (timers fired, work items offered, system messages) are
//! read from its tables ([`convsms::store::Tx::engine_events`]); the API's actions from the
//! journal. [`read`] merges the three in virtual-time order.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use convsms::clock::{Clock, ManualClock};
use convsms::provider::{DeliveryState, OutboundSms, ProviderError, SentSms, SmsProvider};
use convsms::store::SqliteStore;
use convsms::web::{INBOUND_PATH, STATUS_PATH};
use tokio::sync::broadcast;
use twilio_wire::sid::MessageSid;
use twilio_wire::webhook::{InboundMessage, StatusCallback};

use super::runner::Notice;
use crate::check::world::{AppHook, ProviderHook};

/// The largest webhook body the recorder reads (Twilio's forms are a few KB; an MMS with ten
/// media URLs stays far below).
const FORM_LIMIT: usize = 256 * 1024;

/// Records one wire event and tells the subscribers; a failure to record is logged, never
/// fails the request it describes.
fn record(
    store: &SqliteStore,
    notices: &broadcast::Sender<Notice>,
    at: DateTime<Utc>,
    kind: &str,
    sid: Option<&str>,
    detail: &str,
    request: &serde_json::Value,
) {
    let raw = request.to_string();
    match store.write(|tx| tx.event_append(at, kind, sid, detail, Some(&raw))) {
        Ok(seq) => {
            let _ = notices.send(Notice {
                kind: "wire",
                data: serde_json::json!({
                    "seq": seq, "at": at, "kind": kind, "message_sid": sid, "detail": detail,
                    "request": request,
                }),
            });
        }
        Err(e) => tracing::error!("recording a timeline event: {e}"),
    }
}

/// Wraps the provider port: each send is recorded as `send_out` (From, To, body, the SID or the
/// provider's refusal).
pub fn provider_hook(notices: broadcast::Sender<Notice>) -> ProviderHook {
    Box::new(move |inner, store, clock| {
        Arc::new(Recording {
            inner,
            store: store.clone(),
            clock: clock.clone(),
            notices,
        })
    })
}

struct Recording {
    inner: Arc<dyn SmsProvider>,
    store: Arc<SqliteStore>,
    clock: ManualClock,
    notices: broadcast::Sender<Notice>,
}

#[async_trait::async_trait]
impl SmsProvider for Recording {
    async fn send(&self, sms: &OutboundSms) -> Result<SentSms, ProviderError> {
        let out = self.inner.send(sms).await;
        let media = match sms.media_urls.len() {
            0 => String::new(),
            n => format!(" with {n} media"),
        };
        let what = format!("from {} to {}: {:?}{media}", sms.from, sms.to, sms.body);
        let (sid, detail, answer) = match &out {
            Ok(sent) => (
                Some(sent.sid.to_string()),
                format!("{what} → {}", sent.status),
                serde_json::json!({ "sid": sent.sid.to_string(), "status": sent.status.to_string(),
                    "num_segments": sent.num_segments }),
            ),
            Err(e) => (
                None,
                format!("{what} → refused: {e}"),
                serde_json::json!({ "error": e.to_string() }),
            ),
        };
        let request = serde_json::json!({
            "method": "POST",
            "url": "/2010-04-01/Accounts/{AccountSid}/Messages.json",
            "form": {
                "From": sms.from.to_string(), "To": sms.to.to_string(), "Body": sms.body,
                "MediaUrl": sms.media_urls, "StatusCallback": sms.status_callback,
            },
            "answer": answer,
        });
        record(
            &self.store,
            &self.notices,
            self.clock.now(),
            "send_out",
            sid.as_deref(),
            &detail,
            &request,
        );
        out
    }

    async fn fetch_state(&self, sid: &MessageSid) -> Result<DeliveryState, ProviderError> {
        self.inner.fetch_state(sid).await
    }

    /// Recorded as `list_sent`: the engine looking in Twilio's list for a send whose answer was
    /// lost, and what it found there.
    async fn created_since(
        &self,
        from: &convsms::domain::phone::E164,
        to: &convsms::domain::phone::E164,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<convsms::provider::ProviderMessage>, ProviderError> {
        let out = self.inner.created_since(from, to, since).await;
        let what = format!(
            "messages from {from} to {to} created since {}",
            since.format("%Y-%m-%d %H:%M:%S UTC")
        );
        let (detail, answer) = match &out {
            Ok(found) => {
                let sids: Vec<String> = found.iter().map(|m| m.sid.to_string()).collect();
                (
                    format!(
                        "{what} → {} found{}",
                        found.len(),
                        match sids.is_empty() {
                            true => String::new(),
                            false => format!(" ({})", sids.join(", ")),
                        }
                    ),
                    serde_json::json!({ "found": sids }),
                )
            }
            Err(e) => (
                format!("{what} → refused: {e}"),
                serde_json::json!({ "error": e.to_string() }),
            ),
        };
        let request = serde_json::json!({
            "method": "GET",
            "url": "/2010-04-01/Accounts/{AccountSid}/Messages.json",
            "query": { "From": from.to_string(), "To": to.to_string() },
            "answer": answer,
        });
        record(
            &self.store,
            &self.notices,
            self.clock.now(),
            "list_sent",
            None,
            &detail,
            &request,
        );
        out
    }

    async fn set_number_sms_url(
        &self,
        number: &convsms::domain::phone::E164,
        sms_url: &str,
    ) -> Result<(), ProviderError> {
        self.inner.set_number_sms_url(number, sms_url).await
    }
}

/// Wraps the engine's app: each inbound webhook (`webhook_in`) and StatusCallback
/// (`status_callback`) is recorded with what the engine answered.
pub fn app_hook(notices: broadcast::Sender<Notice>, wrap: super::ApiMount) -> AppHook {
    Box::new(move |app, store, clock| {
        let store = store.clone();
        let clock = clock.clone();
        let recorded = app.layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                let store = store.clone();
                let clock = clock.clone();
                let notices = notices.clone();
                async move { recorder(req, next, &store, &clock, &notices).await }
            },
        ));
        wrap(recorded)
    })
}

async fn recorder(
    req: Request,
    next: Next,
    store: &SqliteStore,
    clock: &ManualClock,
    notices: &broadcast::Sender<Notice>,
) -> Response {
    let path = req.uri().path().to_owned();
    if path != INBOUND_PATH && path != STATUS_PATH {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let signature = parts
        .headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return Response::builder()
                .status(413)
                .body(Body::from("webhook form larger than 256 KiB"))
                .unwrap_or_default()
        }
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status().as_u16();
    let request = serde_json::json!({
        "method": "POST",
        "url": path,
        "headers": { "X-Twilio-Signature": signature },
        "form": params.iter().cloned().collect::<std::collections::BTreeMap<String, String>>(),
        "answer": { "status": status },
        "signature_check": match status {
            403 => "refused: the engine found the X-Twilio-Signature wrong (HTTP 403)",
            _ if signature.is_none() => "no X-Twilio-Signature",
            _ => "valid: HMAC-SHA1 of the URL and the sorted form with the auth token matches",
        },
    });
    let (kind, sid, detail) = if path == INBOUND_PATH {
        match InboundMessage::from_params(&params) {
            Ok(m) => (
                "webhook_in",
                Some(m.message_sid.to_string()),
                format!(
                    "from {} to {}: {:?}{} → HTTP {status}",
                    m.from,
                    m.to,
                    m.body,
                    match m.media.len() {
                        0 => String::new(),
                        n => format!(" with {n} media"),
                    }
                ),
            ),
            Err(e) => (
                "webhook_in",
                None,
                format!("unreadable form ({e}) → HTTP {status}"),
            ),
        }
    } else {
        match StatusCallback::from_params(&params) {
            Ok(c) => (
                "status_callback",
                Some(c.message_sid.to_string()),
                format!(
                    "{}{} → HTTP {status}",
                    c.message_status,
                    c.error_code
                        .as_ref()
                        .map(|e| format!(" (error {e})"))
                        .unwrap_or_default()
                ),
            ),
            Err(e) => (
                "status_callback",
                None,
                format!("unreadable form ({e}) → HTTP {status}"),
            ),
        }
    };
    record(
        store,
        notices,
        clock.now(),
        kind,
        sid.as_deref(),
        &detail,
        &request,
    );
    response
}

/// One line of the timeline.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Entry {
    /// The virtual time.
    pub at: DateTime<Utc>,
    /// `action` (a journaled step), `webhook_in`, `send_out`, `list_sent` (a look in Twilio's
    /// list after a lost answer), `status_callback`, `timer_fired`, `work_item_offered` or
    /// `system_message`.
    pub kind: String,
    /// The interaction it concerns, when known (`IMS0001001`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction: Option<String>,
    /// The MessageSid it concerns, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_sid: Option<String>,
    /// What happened, in words.
    pub detail: String,
    /// The request as it went on the wire (wire events only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<serde_json::Value>,
}

/// The `limit` latest entries of the timeline, oldest first; within one virtual instant, in
/// the order they happen (the action, the webhook, the engine's events, sends, callbacks), each
/// kind in the order it was recorded.
///
/// # Errors
/// The store fails.
pub fn read(store: &SqliteStore, limit: i64) -> anyhow::Result<Vec<Entry>> {
    store.read(|tx| {
        let mut all = vec![];
        for j in tx.journal_latest(limit)? {
            all.push(Entry {
                at: j.at,
                kind: "action".into(),
                interaction: None,
                message_sid: None,
                detail: j.step,
                request: None,
            });
        }
        for e in tx.events_latest(limit)? {
            all.push(Entry {
                at: e.at,
                kind: e.kind,
                interaction: None,
                message_sid: e.message_sid,
                detail: e.detail,
                request: e.request.and_then(|r| serde_json::from_str(&r).ok()),
            });
        }
        for (at, kind, number, detail) in tx.engine_events(limit)? {
            all.push(Entry {
                at,
                kind,
                interaction: Some(number),
                message_sid: None,
                detail,
                request: None,
            });
        }
        // Within one virtual instant, the order things happen in: the action, the webhook it
        // caused, the engine's decisions, what it sent, Twilio's answers.
        let rank = |kind: &str| match kind {
            "action" => 0,
            "webhook_in" => 1,
            "timer_fired" => 2,
            "work_item_offered" => 3,
            "system_message" => 4,
            "send_out" | "list_sent" => 5,
            _ => 6,
        };
        all.sort_by_key(|e| (e.at, rank(&e.kind)));
        let skip = all.len().saturating_sub(limit.max(0) as usize);
        Ok::<_, anyhow::Error>(all.into_iter().skip(skip).collect())
    })
}
