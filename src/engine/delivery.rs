//! Delivery: handing messages to the provider and following them to a final status (PROVIDER-2,
//! PROVIDER-3).
//!
//! - **Dispatch**: `queue_outbound` writes a message as `pending` inside the use case's
//!   transaction; after it commits, `dispatch` sends it and records the provider's answer.
//! - **Retries**: a temporary refusal leaves it `retrying`; [`Engine::retry_due`] (from
//!   [`Engine::tick`]) tries again, [`RETRY_BACKOFF_SECS`] doubling, up to [`MAX_SEND_ATTEMPTS`].
//! - **Lost answers**: a failure that does not say the message was not created (a 5xx, no
//!   answer) is followed by a look at the provider's list; a message found there is the send's,
//!   and it is not sent again.
//! - **Status callbacks**: [`Engine::handle_status`] applies Twilio's StatusCallback, forward only.
//! - **Reconciliation**: [`Engine::reconcile_stale`] (from [`Engine::tick`]) fetches the status of
//!   messages silent for [`RECONCILE_AFTER_SECS`], in case a callback was dropped.

use chrono::{DateTime, Duration, Utc};
use twilio_wire::message::MessageStatus;
use twilio_wire::sid::MessageSid;

use crate::domain::delivery::{DeliveryStatus, Direction};
use crate::domain::model::*;
use crate::engine::core::{Engine, EngineConfig};
use crate::error::Error;
use crate::provider::{DeliveryState, OutboundSms, ProviderError, ProviderMessage};
use crate::store::Tx;

/// A delivery status callback, as the provider posted it (Twilio §3.1), already authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusReport {
    /// The MessageSid (`SM`/`MM` + 32 hex).
    pub sid: MessageSid,
    /// `MessageStatus` (Twilio §3): queued, sending, sent, delivered, undelivered, failed, ...
    pub status: MessageStatus,
    /// `ErrorCode` on failed and undelivered messages (30003, 30005, ...).
    pub error_code: Option<i64>,
    /// `ErrorMessage`, when the provider sends one.
    pub error_message: Option<String>,
}

pub(super) struct PendingSend {
    message: SysId,
    /// Attempts already made.
    attempts: i64,
    sms: OutboundSms,
}

/// What became of one send [`Engine::dispatch`] made.
pub(super) struct Dispatched {
    /// The provider's refusal; `None` when it took the message.
    pub error: Option<ProviderError>,
    /// When a retryable refusal left the message `retrying`: its next attempt (UTC).
    pub retry_at: Option<DateTime<Utc>>,
}

/// At most this many attempts are made to hand a message to the provider.
pub const MAX_SEND_ATTEMPTS: i64 = 5;

/// The wait before the first retry, in seconds; it doubles for each further attempt.
pub const RETRY_BACKOFF_SECS: i64 = 30;

/// How long, in seconds, a message may sit in queued/sending/sent before the engine asks the
/// provider for its status.
pub const RECONCILE_AFTER_SECS: i64 = 600;

/// How far before a send, in seconds, its message may have been created by the provider's
/// clock (the provider's `date_created` against the engine's clock: skew allowed).
pub const LOST_CREATE_SKEW_SECS: i64 = 60;

/// Twilio's "The requested resource was not found" (HTTP 404), as a fetch of a message the
/// account has no record of answers.
const UNKNOWN_TO_THE_PROVIDER: u32 = 20404;

impl Engine {
    /// Sends pending messages one by one and records each answer; returns what became of each.
    ///
    /// A retryable refusal ([`ProviderError::is_retryable`]: unreachable, 5xx, 429) leaves the
    /// message `retrying` with its next attempt [`RETRY_BACKOFF_SECS`] × 2^(attempt − 1) later, up to
    /// [`MAX_SEND_ATTEMPTS`] attempts; [`Engine::tick`] makes the attempt. Any other refusal, or the
    /// last attempt's, leaves it `failed` with the provider's code (PROVIDER-2). Nothing is dropped.
    /// Before either, a failure that may have created the message (a 5xx, no answer read) is
    /// followed by a look at the provider's list (`find_lost_create`): a message found there
    /// is recorded as this send's, with its MessageSid and status, and not sent again; the
    /// attempt counts once, and the caller is told of no error.
    pub(super) async fn dispatch(
        &self,
        pending: Vec<PendingSend>,
    ) -> Result<Vec<Dispatched>, Error> {
        let mut out = Vec::with_capacity(pending.len());
        for p in pending {
            let started = self.clock.now();
            let result = self.provider.send(&p.sms).await;
            let mut found = None;
            if let Err(e) = &result {
                if e.may_have_created() {
                    found = self.find_lost_create(&p.sms, started, e).await?;
                }
            }
            let now = self.clock.now();
            let mut retry_at = None;
            self.store.write(|tx| -> Result<(), Error> {
                if let Some(m) = &found {
                    let status = DeliveryStatus::from_twilio(m.status)
                        .unwrap_or(DeliveryStatus::Queued);
                    let error = m
                        .error_code
                        .map(|c| (Some(i64::from(c)), m.error_message.as_deref().unwrap_or("")));
                    tx.record_send(&p.message, Some(&m.sid), status, error, now)?;
                    return Ok(());
                }
                match &result {
                    Ok(sent) => {
                        let status = DeliveryStatus::from_twilio(sent.status).unwrap_or_else(|| {
                            tracing::warn!(sid = %sent.sid, status = %sent.status,
                                "the provider answered a send with a status that is not an \
                                 outbound one; recorded as queued");
                            DeliveryStatus::Queued
                        });
                        tx.record_send(&p.message, Some(&sent.sid), status, None, now)?;
                        tracing::debug!(message = %p.message, sid = %sent.sid, %status, "sent");
                    }
                    Err(e) => {
                        let text = match e {
                            ProviderError::Rejected { message, .. } => message.clone(),
                            ProviderError::Unavailable(_) => e.to_string(),
                        };
                        // An unreachable provider gives no code: none is recorded, not 0.
                        let error = (e.code().map(i64::from), text.as_str());
                        let attempt = p.attempts + 1;
                        if e.is_retryable() && attempt < MAX_SEND_ATTEMPTS {
                            let wait = RETRY_BACKOFF_SECS << (attempt - 1);
                            let at = now + Duration::seconds(wait);
                            tx.schedule_retry(&p.message, error, at, now)?;
                            retry_at = Some(at);
                            tracing::info!(message = %p.message, attempt, wait_secs = wait,
                                error = %e, "send refused for now; retrying");
                        } else {
                            tx.record_send(
                                &p.message,
                                None,
                                DeliveryStatus::Failed,
                                Some(error),
                                now,
                            )?;
                            tracing::info!(message = %p.message, attempt, error = %e, "send failed");
                        }
                    }
                }
                Ok(())
            })?;
            out.push(Dispatched {
                // A send whose message was found went out: nothing to tell.
                error: result.err().filter(|_| found.is_none()),
                retry_at,
            });
        }
        Ok(out)
    }

    /// The message the provider created for `sms` although its send failed with `error` (one
    /// that may have created it: [`ProviderError::may_have_created`]), by the provider's list
    /// ([`crate::provider::SmsProvider::created_since`]) from [`LOST_CREATE_SKEW_SECS`] before
    /// `started`: the oldest from its number to its handset with its body and number of media
    /// that no transcript row holds (its MessageSid unknown to the store). `None` when there is
    /// none, or the provider cannot be asked (logged; the send is then retried as usual, and
    /// may reach the handset twice).
    ///
    /// # Errors
    /// [`Error::Store`].
    async fn find_lost_create(
        &self,
        sms: &OutboundSms,
        started: DateTime<Utc>,
        error: &ProviderError,
    ) -> Result<Option<ProviderMessage>, Error> {
        let since = started - Duration::seconds(LOST_CREATE_SKEW_SECS);
        let listed = match self.provider.created_since(&sms.from, &sms.to, since).await {
            Ok(listed) => listed,
            Err(e) => {
                tracing::warn!(from = %sms.from, to = %sms.to, error = %e,
                    "a send failed in a way that may have created the message, and the \
                     provider's list cannot say; the send is retried and may go twice");
                return Ok(None);
            }
        };
        let same: Vec<ProviderMessage> = listed
            .into_iter()
            .filter(|m| m.body == sms.body && m.num_media == sms.media_urls.len())
            .collect();
        if same.is_empty() {
            return Ok(None);
        }
        let found = self.store.read(|tx| -> Result<_, Error> {
            for m in same {
                if tx.message_by_sid(&m.sid)?.is_none() {
                    return Ok(Some(m));
                }
            }
            Ok(None)
        })?;
        if let Some(m) = &found {
            tracing::info!(sid = %m.sid, from = %sms.from, to = %sms.to, %error,
                "the send failed but the provider had created the message; it is the send's \
                 and is not sent again");
        }
        Ok(found)
    }

    /// Sends messages queued inside a transaction that has committed.
    pub(super) async fn send_pending(&self, pending: Vec<PendingSend>) -> Result<(), Error> {
        self.dispatch(pending).await.map(|_| ())
    }

    /// Sends again the messages in `retrying` whose next attempt is due at `now`; returns how many
    /// were attempted. Called by [`Engine::tick`].
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn retry_due(&self, now: DateTime<Utc>) -> Result<usize, Error> {
        let config = self.settings();
        let pending = self.store.read(|tx| -> Result<Vec<PendingSend>, Error> {
            let mut pending = vec![];
            for row in tx.due_retries(now)? {
                let Some(i) = tx.interaction_by_sys_id(&row.interaction)? else {
                    continue;
                };
                let (Some(to), Some(from)) = (i.requester_phone, i.provider_phone) else {
                    continue;
                };
                pending.push(PendingSend {
                    message: row.message,
                    attempts: row.attempts,
                    sms: OutboundSms {
                        from,
                        to,
                        body: row.body,
                        media_urls: row.media.into_iter().map(|m| m.url).collect(),
                        status_callback: config.status_callback.clone(),
                    },
                });
            }
            Ok(pending)
        })?;
        let retried = pending.len();
        self.dispatch(pending).await?;
        Ok(retried)
    }

    /// Asks the provider for the status of every message unchanged in queued/sending/sent for
    /// [`RECONCILE_AFTER_SECS`] and applies the answer as a StatusCallback would; returns how many
    /// moved forward. A provider that cannot answer now is asked again at a later tick. One that
    /// has no record of the message (HTTP 404, Twilio 20404: deleted, or a simulator restarted
    /// without its messages) never will: the message settles as `failed` with error 20404 and a
    /// text that says its fate is unknown, rather than waiting in `sent` for ever. Called by
    /// [`Engine::tick`].
    ///
    /// # Errors
    /// [`Error::Store`].
    pub async fn reconcile_stale(&self, now: DateTime<Utc>) -> Result<usize, Error> {
        let stale = self
            .store
            .read(|tx| tx.stale_in_flight(now - Duration::seconds(RECONCILE_AFTER_SECS)))?;
        let mut reconciled = 0;
        for sid in stale {
            let state = match self.provider.fetch_state(&sid).await {
                Ok(state) => state,
                Err(ProviderError::Rejected {
                    http_status: 404,
                    code: UNKNOWN_TO_THE_PROVIDER,
                    ..
                }) => {
                    tracing::warn!(%sid, "reconciliation: the provider has no record of the \
                        message (20404); it settles as failed, its delivery unknown");
                    DeliveryState {
                        status: MessageStatus::Failed,
                        error_code: Some(UNKNOWN_TO_THE_PROVIDER),
                        error_message: Some(
                            "The provider has no record of this message (Twilio error 20404): \
                             whether it reached the handset is unknown."
                                .to_owned(),
                        ),
                    }
                }
                Err(e) => {
                    tracing::info!(%sid, error = %e, "reconciliation: the provider did not \
                        answer; asking again at a later tick");
                    continue;
                }
            };
            let changed = self.handle_status(StatusReport {
                sid: sid.clone(),
                status: state.status,
                error_code: state.error_code.map(i64::from),
                error_message: state.error_message,
            })?;
            if changed {
                reconciled += 1;
            } else {
                self.store.write(|tx| tx.touch_message(&sid, now))?;
            }
        }
        Ok(reconciled)
    }

    /// Applies a delivery status callback (PROVIDER-3): the message with this MessageSid takes the
    /// reported status if it moves forward ([`DeliveryStatus::advances_to`]); a late, duplicated or
    /// out-of-order report changes nothing. Returns whether the status changed.
    ///
    /// A MessageSid the engine does not know is ignored (`Ok(false)`): it is not one of ours. So is
    /// a status that says nothing about an outbound SMS (`receiving`, `received`, `read`).
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn handle_status(&self, report: StatusReport) -> Result<bool, Error> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let Some((message, current)) = tx.message_by_sid(&report.sid)? else {
                tracing::debug!(sid = %report.sid, "status callback for a message that is not ours");
                return Ok(false);
            };
            let Some(reported) = DeliveryStatus::from_twilio(report.status) else {
                tracing::debug!(sid = %report.sid, status = %report.status,
                    "status callback with a status that is not an outbound one");
                return Ok(false);
            };
            if !current.advances_to(reported) {
                tracing::debug!(sid = %report.sid, %current, %reported,
                    "late, duplicated or out-of-order status; kept the current one");
                return Ok(false);
            }
            let error = report
                .error_code
                .map(|c| (c, report.error_message.as_deref().unwrap_or("")));
            tx.set_message_status(&message, reported, error, now)?;
            tracing::debug!(sid = %report.sid, from = %current, to = %reported, "status moved");
            Ok(true)
        })
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn queue_outbound(
    tx: &Tx<'_>,
    i: &Interaction,
    kind: AuthorKind,
    author: Option<&str>,
    body: &str,
    media: &[Media],
    config: &EngineConfig,
    now: DateTime<Utc>,
) -> Result<PendingSend, Error> {
    let (Some(to), Some(from)) = (i.requester_phone.clone(), i.provider_phone.clone()) else {
        unreachable!("SMS interactions always have both phones");
    };
    let message = tx.insert_message(
        &i.sys_id,
        Direction::Outbound,
        kind,
        author,
        body,
        media,
        None,
        DeliveryStatus::Pending,
        now,
    )?;
    Ok(PendingSend {
        message,
        attempts: 0,
        sms: OutboundSms {
            from,
            to,
            body: body.to_owned(),
            media_urls: media.iter().map(|m| m.url.clone()).collect(),
            status_callback: config.status_callback.clone(),
        },
    })
}
