//! Delivery: handing messages to the provider and following them to a final status (PROVIDER-2,
//! PROVIDER-3).
//!
//! - **Dispatch**: `queue_outbound` writes a message as `pending` inside the use case's
//!   transaction; after it commits, `dispatch` sends it and records the provider's answer.
//! - **Retries**: a temporary refusal leaves it `retrying`; [`Engine::retry_due`] (from
//!   [`Engine::tick`]) tries again, [`RETRY_BACKOFF_SECS`] doubling, up to [`MAX_SEND_ATTEMPTS`].
//! - **Lost answers**: a failure that does not say the message was not created (a 5xx, no
//!   answer) is followed by a look at the provider's list, at once or (no answer, or a list that
//!   cannot answer) before the retry; a message found there is the send's, and it is not sent
//!   again; nothing is sent again before the list has said it holds no such message.
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
    /// When the attempt whose answer was lost started, while whether it created the message is
    /// unconfirmed (a retry's, migration 20): the provider's list is looked at before sending.
    unconfirmed_since: Option<DateTime<Utc>>,
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

/// The longest wait, in seconds, between two looks in the provider's list for a lost answer
/// (an hour): the waits grow with the time the answer has been unconfirmed, up to this.
pub const LOOK_WAIT_AT_MOST_SECS: i64 = 3_600;

/// The wait before the next attempt of a send made `attempts` times: [`RETRY_BACKOFF_SECS`] ×
/// 2^(attempts − 1); for a send whose lost answer has been unconfirmed for `unconfirmed_for`
/// (its next step a look in the provider's list), at least that long too, up to
/// [`LOOK_WAIT_AT_MOST_SECS`], so that the looks of a list that keeps failing come at doubling
/// intervals, not every 30 seconds for a day.
pub fn retry_wait(attempts: i64, unconfirmed_for: Option<Duration>) -> Duration {
    let backoff = Duration::seconds(RETRY_BACKOFF_SECS << (attempts.clamp(1, 31) - 1));
    match unconfirmed_for {
        Some(waited) => backoff.max(waited.min(Duration::seconds(LOOK_WAIT_AT_MOST_SECS))),
        None => backoff,
    }
}

/// How long, in seconds, a send whose answer was lost waits for the provider's list to say
/// whether it created the message (one day), looking before each retry; then it fails, its fate
/// unknown, without being sent again.
pub const UNCONFIRMED_FOR_AT_MOST_SECS: i64 = 86_400;

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
    ///
    /// **Lost answers** (invariant 2: a message reaches the handset at most once). A failure that
    /// may have created the message (a 5xx, no answer read: [`ProviderError::may_have_created`])
    /// is followed by a look at the provider's list (`lost_create_candidates`): the oldest
    /// message there with the send's text and media that no transcript row holds (checked in the
    /// transaction that records it) is this send's, recorded with its MessageSid and status and
    /// not sent again, its state fetched once more (`refresh_adopted`); the attempt counts once,
    /// and the caller is told of no error. When the list cannot answer either, or the send had
    /// no answer at all ([`ProviderError::NoAnswer`]: a timeout, a reset; a look now would wait
    /// as long again), the retry waits with the instant of the lost attempt (`unconfirmed_since`,
    /// migration 20) and looks in the list first: a message found is adopted, an answer without
    /// one lets the send go again (or, after the last attempt, ends it `failed` unsent), and a
    /// list still silent sends nothing (a blind resend could reach the handset twice) and counts
    /// no attempt: the message stays `retrying` until the list can say, after the last attempt
    /// too, looked for again after [`retry_wait`]; after [`UNCONFIRMED_FOR_AT_MOST_SECS`] it
    /// ends `failed`, its fate unknown, never sent again.
    /// Sends between one provider number and one handset go one at a time, each with the record
    /// of its answer (`Engine::send_lock`), so a message another send created has its row before
    /// a lost answer's look can find it.
    pub(super) async fn dispatch(
        &self,
        pending: Vec<PendingSend>,
    ) -> Result<Vec<Dispatched>, Error> {
        let mut out = Vec::with_capacity(pending.len());
        for p in pending {
            let _pair = self
                .send_lock(p.sms.from.as_str(), p.sms.to.as_str())
                .lock()
                .await;
            // A retry another dispatch made or postponed meanwhile (its row moved on) is not
            // made again.
            let now = self.clock.now();
            if p.attempts > 0
                && !self
                    .store
                    .read(|tx| tx.still_retrying(&p.message, p.attempts, now))?
            {
                out.push(Dispatched {
                    error: None,
                    retry_at: None,
                });
                continue;
            }
            let dispatched = match p.unconfirmed_since {
                Some(since) => match self.lost_create_candidates(&p.sms, since).await {
                    Ok(candidates) => match self.adopt(&p, &candidates, false).await? {
                        Some(done) => done,
                        // The list answered without it: the lost attempt created nothing.
                        None if p.attempts >= MAX_SEND_ATTEMPTS => self.give_up(&p)?,
                        None => self.send_once(&p).await?,
                    },
                    Err(list_error)
                        if self.clock.now() - since
                            >= Duration::seconds(UNCONFIRMED_FOR_AT_MOST_SECS) =>
                    {
                        self.give_up_unknown(&p, &list_error)?
                    }
                    Err(list_error) => self.unconfirmed_again(&p, list_error)?,
                },
                None => self.send_once(&p).await?,
            };
            out.push(dispatched);
        }
        Ok(out)
    }

    /// One attempt of `p` and the record of its answer (see [`Engine::dispatch`]).
    async fn send_once(&self, p: &PendingSend) -> Result<Dispatched, Error> {
        let started = self.clock.now();
        let result = self.provider.send(&p.sms).await;
        // Whether the provider's list was read after a failure that may have created it.
        let mut unconfirmed = None;
        let candidates = match &result {
            // No answer at all: the provider is not answering now, and a look would wait as
            // long again; the retry looks first.
            Err(ProviderError::NoAnswer(_)) => {
                unconfirmed = Some(started);
                Vec::new()
            }
            Err(e) if e.may_have_created() => {
                match self.lost_create_candidates(&p.sms, started).await {
                    Ok(candidates) => candidates,
                    Err(list_error) => {
                        tracing::warn!(from = %p.sms.from, to = %p.sms.to, error = %e,
                            %list_error, "a send failed in a way that may have created the \
                            message, and the provider's list cannot say; the retry looks first");
                        unconfirmed = Some(started);
                        Vec::new()
                    }
                }
            }
            _ => Vec::new(),
        };
        if let Some(done) = self.adopt(p, &candidates, true).await? {
            return Ok(done);
        }
        let now = self.clock.now();
        let mut retry_at = None;
        self.store.write(|tx| -> Result<(), Error> {
            retry_at = None;
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
                        ProviderError::Unavailable(_) | ProviderError::NoAnswer(_) => e.to_string(),
                    };
                    // An unreachable provider gives no code: none is recorded, not 0.
                    let error = (e.code().map(i64::from), text.as_str());
                    retry_at =
                        self.retry_or_fail(tx, p, e.is_retryable(), error, unconfirmed, now)?;
                    tracing::info!(message = %p.message, attempt = p.attempts + 1, error = %e,
                        retry_at = ?retry_at, "send refused");
                }
            }
            Ok(())
        })?;
        Ok(Dispatched {
            error: result.err(),
            retry_at,
        })
    }

    /// A retry whose last attempt's answer was lost, when the provider's list still cannot say
    /// whether that attempt created the message: nothing is sent (a second message could reach
    /// the handset) and no attempt is counted (none was made); the message stays `retrying`,
    /// its text saying why, and is looked for again after [`retry_wait`] (growing with the time
    /// the answer has been unconfirmed).
    fn unconfirmed_again(
        &self,
        p: &PendingSend,
        list_error: ProviderError,
    ) -> Result<Dispatched, Error> {
        tracing::warn!(message = %p.message, from = %p.sms.from, to = %p.sms.to, %list_error,
            "a lost answer is still unconfirmed: the provider's list cannot say; not sent again");
        let now = self.clock.now();
        let unconfirmed_for = p.unconfirmed_since.map(|since| now - since);
        let at = now + retry_wait(p.attempts.max(1), unconfirmed_for);
        let text = format!(
            "Whether the provider created this message is unconfirmed: the answer to a send was \
             lost and the provider's list cannot say yet ({}); looked for again before any \
             send.",
            list_error.reason()
        );
        self.store
            .write(|tx| tx.postpone_retry(&p.message, (None, &text), at, now))?;
        Ok(Dispatched {
            error: Some(list_error),
            retry_at: Some(at),
        })
    }

    /// A lost answer the provider's list has not confirmed for
    /// [`UNCONFIRMED_FOR_AT_MOST_SECS`]: looked for no more, and never sent again, the message
    /// is `failed` with a text that says its fate is unknown (as the reconciliation settles a
    /// message the provider has no record of).
    fn give_up_unknown(
        &self,
        p: &PendingSend,
        list_error: &ProviderError,
    ) -> Result<Dispatched, Error> {
        let now = self.clock.now();
        tracing::warn!(message = %p.message, %list_error, "a lost answer stayed unconfirmed for \
            a day: failed, its delivery unknown");
        let text = format!(
            "Whether this message reached the handset is unknown: the answer to a send was lost, \
             and the provider's list could not say for a day ({}).",
            list_error.reason()
        );
        self.store
            .write(|tx| tx.fail_unconfirmed(&p.message, (None, &text), now))?;
        Ok(Dispatched {
            error: None,
            retry_at: None,
        })
    }

    /// The last attempt's answer was lost and the provider's list shows it created nothing: no
    /// attempt remains, so the message is `failed`, sent never (no attempt is counted for the
    /// look).
    fn give_up(&self, p: &PendingSend) -> Result<Dispatched, Error> {
        let now = self.clock.now();
        tracing::info!(message = %p.message, attempts = p.attempts,
            "the last attempt's answer was lost, and the provider's list shows it created \
             nothing: failed");
        let text = "No attempt reached the handset: the answer to the last one was lost, and the \
                    provider's list shows it created no message.";
        self.store
            .write(|tx| tx.give_up(&p.message, (None, text), now))?;
        Ok(Dispatched {
            error: None,
            retry_at: None,
        })
    }

    /// Records a failed attempt of `p`: `retrying` with the backoff when `retryable` and attempts
    /// remain, or when whether it created the message is `unconfirmed` (after the last attempt
    /// too: the look is not an attempt), `failed` with `error` otherwise. Returns the next
    /// attempt.
    fn retry_or_fail(
        &self,
        tx: &Tx<'_>,
        p: &PendingSend,
        retryable: bool,
        error: (Option<i64>, &str),
        unconfirmed: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, Error> {
        let attempt = p.attempts + 1;
        if retryable && (attempt < MAX_SEND_ATTEMPTS || unconfirmed.is_some()) {
            let at = now + retry_wait(attempt, unconfirmed.map(|since| now - since));
            tx.schedule_retry(&p.message, error, at, unconfirmed, now)?;
            Ok(Some(at))
        } else {
            tx.record_send(&p.message, None, DeliveryStatus::Failed, Some(error), now)?;
            Ok(None)
        }
    }

    /// Takes the oldest of `candidates` that no transcript row holds as `p`'s message (checked
    /// in the transaction that records it), then fetches its state once more; `None` when every
    /// candidate is another row's (or there is none). `count_attempt`: whether the attempt that
    /// created it is counted now (after a send), or was when its answer was lost (a retry's
    /// look).
    async fn adopt(
        &self,
        p: &PendingSend,
        candidates: &[ProviderMessage],
        count_attempt: bool,
    ) -> Result<Option<Dispatched>, Error> {
        if candidates.is_empty() {
            return Ok(None);
        }
        let now = self.clock.now();
        let adopted = self
            .store
            .write(|tx| -> Result<Option<MessageSid>, Error> {
                for m in candidates {
                    if tx.message_by_sid(&m.sid)?.is_none() {
                        let status =
                            DeliveryStatus::from_twilio(m.status).unwrap_or(DeliveryStatus::Queued);
                        let error = m.error_code.map(|c| {
                            (Some(i64::from(c)), m.error_message.as_deref().unwrap_or(""))
                        });
                        if count_attempt {
                            tx.record_send(&p.message, Some(&m.sid), status, error, now)?;
                        } else {
                            // A retry's look: the lost attempt was counted when it was lost.
                            tx.record_found(&p.message, &m.sid, status, error, now)?;
                        }
                        return Ok(Some(m.sid.clone()));
                    }
                }
                Ok(None)
            })?;
        let Some(sid) = adopted else {
            return Ok(None);
        };
        tracing::info!(%sid, message = %p.message, from = %p.sms.from, to = %p.sms.to,
            "the answer to a send was lost, but the provider had created the message: it is \
             the send's, and is not sent again");
        self.refresh_adopted(&sid).await?;
        // A send whose message was found went out: nothing to tell.
        Ok(Some(Dispatched {
            error: None,
            retry_at: None,
        }))
    }

    /// The messages the provider may have created for `sms` in an attempt that started at
    /// `started` and whose answer was lost: by the provider's list
    /// ([`crate::provider::SmsProvider::created_since`]) from [`LOST_CREATE_SKEW_SECS`] before
    /// `started`, those from its number to its handset with its body and number of media, oldest
    /// first. [`Engine::adopt`] takes the first that no transcript row holds.
    ///
    /// # Errors
    /// The list's own failure: whether the attempt created the message is then unknown.
    async fn lost_create_candidates(
        &self,
        sms: &OutboundSms,
        started: DateTime<Utc>,
    ) -> Result<Vec<ProviderMessage>, ProviderError> {
        let since = started - Duration::seconds(LOST_CREATE_SKEW_SECS);
        let listed = self
            .provider
            .created_since(&sms.from, &sms.to, since)
            .await?;
        Ok(listed
            .into_iter()
            .filter(|m| m.body == sms.body && m.num_media == sms.media_urls.len())
            .collect())
    }

    /// Asks the provider once for the state of `sid`, a message just recorded as a send's after
    /// its answer was lost, and applies it as a StatusCallback: callbacks that came before its
    /// row held the MessageSid were not the engine's then, and were ignored. A provider that
    /// cannot answer leaves it to the reconciliation ([`RECONCILE_AFTER_SECS`]).
    ///
    /// # Errors
    /// [`Error::Store`].
    async fn refresh_adopted(&self, sid: &MessageSid) -> Result<(), Error> {
        match self.provider.fetch_state(sid).await {
            Ok(state) => {
                self.handle_status(StatusReport {
                    sid: sid.clone(),
                    status: state.status,
                    error_code: state.error_code.map(i64::from),
                    error_message: state.error_message,
                })?;
            }
            Err(e) => tracing::info!(%sid, error = %e,
                "could not fetch the state of a message found after a lost answer; the \
                 reconciliation will"),
        }
        Ok(())
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
                    unconfirmed_since: row.unconfirmed_since,
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
        unconfirmed_since: None,
        sms: OutboundSms {
            from,
            to,
            body: body.to_owned(),
            media_urls: media.iter().map(|m| m.url.clone()).collect(),
            status_callback: config.status_callback.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use chrono::TimeZone;

    use super::*;
    use crate::clock::{Clock, ManualClock};
    use crate::domain::model::{InteractionType, PartyTable};
    use crate::domain::phone::E164;
    use crate::provider::{SentSms, SmsProvider};
    use crate::store::SqliteStore;

    const FROM: &str = "+14155550100";
    const TO: &str = "+14155552671";

    /// How [`Lossy`] answers one send.
    #[derive(Clone, Copy, Debug)]
    enum Answer {
        /// 201: created, answered after `yields` turns of the runtime.
        Created { yields: usize },
        /// Created, answered 500 (a lost answer).
        LostAfterCreate,
        /// 500, nothing created.
        ServerError,
        /// Created, and no answer read (a timeout).
        SilentAfterCreate,
        /// No answer read, nothing created.
        Silent,
    }

    /// A provider that creates what it is sent and answers as scripted; its list shows every
    /// message it created (and any put there first), its fetch says `delivered`.
    #[derive(Default)]
    struct Lossy {
        answers: Mutex<VecDeque<Answer>>,
        created: Mutex<Vec<(String, String, ProviderMessage)>>,
        /// The list answers `Unavailable` while set.
        list_fails: AtomicBool,
        sends: Mutex<u32>,
        lists: Mutex<u32>,
        /// The engine's clock, for the time of what it creates ([`t0`] without one).
        clock: Mutex<Option<Arc<ManualClock>>>,
    }

    impl Lossy {
        fn with(answers: &[Answer]) -> Lossy {
            Lossy {
                answers: Mutex::new(answers.iter().copied().collect()),
                ..Lossy::default()
            }
        }

        fn create(
            &self,
            from: &str,
            to: &str,
            body: &str,
            media: usize,
            at: DateTime<Utc>,
        ) -> MessageSid {
            let mut created = self.created.lock().unwrap();
            let sid = MessageSid::sms(created.len() as u64 + 1);
            created.push((
                from.to_owned(),
                to.to_owned(),
                ProviderMessage {
                    sid: sid.clone(),
                    status: MessageStatus::Queued,
                    num_segments: 1,
                    body: body.to_owned(),
                    num_media: media,
                    created_at: at,
                    error_code: None,
                    error_message: None,
                },
            ));
            sid
        }
    }

    fn server_error() -> ProviderError {
        ProviderError::Unavailable("Twilio answered HTTP 500: Internal Server Error".into())
    }

    #[async_trait]
    impl SmsProvider for Lossy {
        async fn send(&self, sms: &OutboundSms) -> Result<SentSms, ProviderError> {
            *self.sends.lock().unwrap() += 1;
            let answer = self
                .answers
                .lock()
                .unwrap()
                .pop_front()
                .expect("a scripted answer");
            let now = self
                .clock
                .lock()
                .unwrap()
                .as_ref()
                .map_or_else(t0, |c| c.now());
            let (from, to) = (sms.from.as_str(), sms.to.as_str());
            match answer {
                Answer::ServerError => Err(server_error()),
                Answer::Silent => Err(ProviderError::NoAnswer("timed out".into())),
                Answer::SilentAfterCreate => {
                    self.create(from, to, &sms.body, sms.media_urls.len(), now);
                    Err(ProviderError::NoAnswer("timed out".into()))
                }
                Answer::LostAfterCreate => {
                    self.create(from, to, &sms.body, sms.media_urls.len(), now);
                    Err(server_error())
                }
                Answer::Created { yields } => {
                    let sid = self.create(from, to, &sms.body, sms.media_urls.len(), now);
                    for _ in 0..yields {
                        tokio::task::yield_now().await;
                    }
                    Ok(SentSms {
                        sid,
                        status: MessageStatus::Queued,
                        num_segments: 1,
                    })
                }
            }
        }

        async fn fetch_state(&self, _sid: &MessageSid) -> Result<DeliveryState, ProviderError> {
            Ok(DeliveryState {
                status: MessageStatus::Delivered,
                error_code: None,
                error_message: None,
            })
        }

        async fn created_since(
            &self,
            from: &E164,
            to: &E164,
            since: DateTime<Utc>,
        ) -> Result<Vec<ProviderMessage>, ProviderError> {
            *self.lists.lock().unwrap() += 1;
            // A request's turn of the runtime: another dispatch may run meanwhile.
            tokio::task::yield_now().await;
            if self.list_fails.load(Ordering::Relaxed) {
                return Err(ProviderError::Unavailable("cannot reach Twilio".into()));
            }
            Ok(self
                .created
                .lock()
                .unwrap()
                .iter()
                .filter(|(f, t, m)| f == from.as_str() && t == to.as_str() && m.created_at >= since)
                .map(|(_, _, m)| m.clone())
                .collect())
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
    }

    /// An engine over `provider` and an SMS interaction between [`FROM`] and [`TO`].
    fn engine_with(provider: Arc<Lossy>) -> (Engine, Interaction) {
        let (engine, i, _) = engine_and_clock(provider);
        (engine, i)
    }

    /// [`engine_with`], and the engine's clock.
    fn engine_and_clock(provider: Arc<Lossy>) -> (Engine, Interaction, Arc<ManualClock>) {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let clock = Arc::new(ManualClock::starting_at(t0()));
        *provider.clock.lock().unwrap() = Some(clock.clone());
        let engine = Engine::new(store.clone(), provider, clock.clone());
        let i = store
            .write(|tx| {
                let bea = tx.insert_party(PartyTable::CsmConsumer, "Bea", None, None, None)?;
                tx.insert_interaction(
                    InteractionType::Messaging,
                    &Handler::VirtualAgent,
                    &bea,
                    None,
                    E164::parse(TO, None).ok().as_ref(),
                    E164::parse(FROM, None).ok().as_ref(),
                    None,
                    t0(),
                )
            })
            .unwrap();
        (engine, i, clock)
    }

    fn queue(engine: &Engine, i: &Interaction, body: &str) -> PendingSend {
        let config = engine.settings();
        engine
            .store
            .write(|tx| {
                queue_outbound(
                    tx,
                    i,
                    AuthorKind::VirtualAgent,
                    None,
                    body,
                    &[],
                    &config,
                    t0(),
                )
            })
            .unwrap()
    }

    /// (body, MessageSid, status, attempts) of each outbound row.
    fn sent(
        engine: &Engine,
        i: &Interaction,
    ) -> Vec<(String, Option<String>, DeliveryStatus, i64)> {
        engine
            .store
            .read(|tx| tx.transcript(&i.sys_id))
            .unwrap()
            .into_iter()
            .filter(|m| m.direction == Direction::Outbound)
            .map(|m| {
                (
                    m.body,
                    m.provider_sid.map(|s| s.to_string()),
                    m.status,
                    m.attempts,
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn a_lost_answer_is_the_oldest_unowned_message_with_its_text_and_media() {
        let lossy = Arc::new(Lossy::with(&[
            Answer::Created { yields: 0 },
            Answer::LostAfterCreate,
        ]));
        // Not this send's: too early, other media, another text, another handset.
        lossy.create(
            FROM,
            TO,
            "Hello",
            0,
            t0() - Duration::seconds(LOST_CREATE_SKEW_SECS + 1),
        );
        lossy.create(FROM, TO, "Hello", 1, t0());
        lossy.create(FROM, TO, "Hello!", 0, t0());
        lossy.create(FROM, "+14155552672", "Hello", 0, t0());
        let (engine, i) = engine_with(lossy.clone());
        let first = queue(&engine, &i, "Hello");
        let answers = engine.dispatch(vec![first]).await.unwrap();
        assert!(answers[0].error.is_none());
        let second = queue(&engine, &i, "Hello");
        let answers = engine.dispatch(vec![second]).await.unwrap();
        assert!(answers[0].error.is_none(), "the agent is told of no error");
        assert_eq!(answers[0].retry_at, None);
        assert_eq!(*lossy.sends.lock().unwrap(), 2, "not sent again");
        let sid = |n: u64| Some(MessageSid::sms(n).to_string());
        assert_eq!(
            sent(&engine, &i),
            [
                ("Hello".to_owned(), sid(5), DeliveryStatus::Queued, 1),
                // Its own (the first send's is held by its row), then fetched once more.
                ("Hello".to_owned(), sid(6), DeliveryStatus::Delivered, 1),
            ]
        );
    }

    #[tokio::test]
    async fn a_500_that_created_nothing_or_a_list_that_cannot_answer_leaves_a_retry() {
        let lossy = Arc::new(Lossy::with(&[Answer::ServerError]));
        let (engine, i) = engine_with(lossy.clone());
        let p = queue(&engine, &i, "Hello");
        let answers = engine.dispatch(vec![p]).await.unwrap();
        assert!(answers[0]
            .error
            .as_ref()
            .is_some_and(ProviderError::may_have_created));
        assert_eq!(
            answers[0].retry_at,
            Some(t0() + Duration::seconds(RETRY_BACKOFF_SECS))
        );
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), None, DeliveryStatus::Retrying, 1)]
        );

        let lossy = Arc::new(Lossy {
            list_fails: AtomicBool::new(true),
            ..Lossy::with(&[Answer::LostAfterCreate])
        });
        let (engine, i) = engine_with(lossy.clone());
        let p = queue(&engine, &i, "Hello");
        let answers = engine.dispatch(vec![p]).await.unwrap();
        assert!(answers[0].retry_at.is_some());
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), None, DeliveryStatus::Retrying, 1)]
        );
        assert_eq!(
            unconfirmed(&engine),
            [Some(t0())],
            "the retry is to look first"
        );
    }

    /// The interaction's (first) outbound row.
    fn outbound_row(engine: &Engine, i: &Interaction) -> Message {
        engine
            .store
            .read(|tx| tx.transcript(&i.sys_id))
            .unwrap()
            .into_iter()
            .find(|m| m.direction == Direction::Outbound)
            .unwrap()
    }

    /// The `unconfirmed_since` of every outbound row.
    fn unconfirmed(engine: &Engine) -> Vec<Option<DateTime<Utc>>> {
        engine
            .store
            .read(|tx| tx.due_retries(t0() + Duration::days(30)))
            .unwrap()
            .into_iter()
            .map(|r| r.unconfirmed_since)
            .collect()
    }

    /// A "Hello" dispatched to a provider answering `answers` whose list fails (until the test
    /// says otherwise).
    async fn sent_with_the_list_down(
        answers: &[Answer],
    ) -> (Arc<Lossy>, Engine, Interaction, Arc<ManualClock>) {
        let lossy = Arc::new(Lossy {
            list_fails: AtomicBool::new(true),
            ..Lossy::with(answers)
        });
        let (engine, i, clock) = engine_and_clock(lossy.clone());
        let p = queue(&engine, &i, "Hello");
        engine.dispatch(vec![p]).await.unwrap();
        (lossy, engine, i, clock)
    }

    /// Runs the retries due over the next `minutes`, a minute at a time.
    async fn retry_for(engine: &Engine, clock: &ManualClock, minutes: i64) {
        for _ in 0..minutes {
            clock.advance(Duration::minutes(1));
            engine.retry_due(clock.now()).await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_lost_answer_the_list_cannot_confirm_is_looked_for_before_the_retry_sends() {
        // The list is down when the answer is lost, and back by the retry: the message the lost
        // attempt created is found then, and not sent again.
        let (lossy, engine, i, clock) = sent_with_the_list_down(&[Answer::LostAfterCreate]).await;
        lossy.list_fails.store(false, Ordering::Relaxed);
        retry_for(&engine, &clock, 1).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 1, "not sent again");
        let sid = Some(MessageSid::sms(1).to_string());
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), sid, DeliveryStatus::Delivered, 1)],
            "one attempt: the look is not another"
        );

        // A 500 that created nothing, the list down then: the retry's look finds nothing, and
        // the send goes again.
        let (lossy, engine, i, clock) =
            sent_with_the_list_down(&[Answer::ServerError, Answer::Created { yields: 0 }]).await;
        lossy.list_fails.store(false, Ordering::Relaxed);
        retry_for(&engine, &clock, 1).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 2);
        let sid = Some(MessageSid::sms(1).to_string());
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), sid, DeliveryStatus::Queued, 2)]
        );
        assert!(unconfirmed(&engine).is_empty());
    }

    #[tokio::test]
    async fn a_lost_answer_is_never_sent_blind_while_the_list_cannot_say() {
        let (lossy, engine, i, clock) = sent_with_the_list_down(&[Answer::LostAfterCreate]).await;
        // Longer than every attempt's backoff together (30 + 60 + 120 + 240 s).
        retry_for(&engine, &clock, 10).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 1, "never sent blind");
        assert_eq!(
            *lossy.lists.lock().unwrap(),
            5,
            "a look after the send, then at 1, 2, 4 and 8 minutes (each wait as long as the \
             answer has been unconfirmed): no attempt is counted"
        );
        let row = outbound_row(&engine, &i);
        assert_eq!(
            (row.status, row.attempts, row.provider_sid),
            (DeliveryStatus::Retrying, 1, None)
        );
        let text = row.error_message.unwrap_or_default();
        assert!(
            text.starts_with("Whether the provider created this message is unconfirmed"),
            "{text}"
        );
        assert_eq!(unconfirmed(&engine), [Some(t0())]);
        // The list answers again: the message is found at the next look (16 minutes), and
        // still not sent again.
        lossy.list_fails.store(false, Ordering::Relaxed);
        retry_for(&engine, &clock, 6).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 1);
        let sid = Some(MessageSid::sms(1).to_string());
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), sid, DeliveryStatus::Delivered, 1)],
            "one attempt: the looks are not attempts"
        );
    }

    #[tokio::test]
    async fn a_send_after_a_look_that_found_nothing_counts_its_own_attempt() {
        // A 500 that created nothing, the list down; the retry's look finds nothing, sends, and
        // that send's answer is lost too, found at once: two attempts, one message.
        let (lossy, engine, i, clock) =
            sent_with_the_list_down(&[Answer::ServerError, Answer::LostAfterCreate]).await;
        lossy.list_fails.store(false, Ordering::Relaxed);
        retry_for(&engine, &clock, 1).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 2);
        let sid = Some(MessageSid::sms(1).to_string());
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), sid, DeliveryStatus::Delivered, 2)]
        );
    }

    #[tokio::test]
    async fn a_lost_answer_unconfirmed_for_a_day_fails_unknown_and_is_never_resent() {
        let (lossy, engine, i, clock) = sent_with_the_list_down(&[Answer::LostAfterCreate]).await;
        clock.advance(Duration::seconds(UNCONFIRMED_FOR_AT_MOST_SECS - 60));
        engine.retry_due(clock.now()).await.unwrap();
        assert_eq!(unconfirmed(&engine), [Some(t0())], "still looking");
        // The next look an hour later (the longest wait), past the day.
        clock.advance(Duration::seconds(LOOK_WAIT_AT_MOST_SECS - 1));
        engine.retry_due(clock.now()).await.unwrap();
        assert_eq!(unconfirmed(&engine), [Some(t0())], "not due yet");
        clock.advance(Duration::seconds(1));
        engine.retry_due(clock.now()).await.unwrap();
        assert_eq!(*lossy.sends.lock().unwrap(), 1, "never sent again");
        let row = outbound_row(&engine, &i);
        assert_eq!(
            (row.status, row.attempts, row.provider_sid),
            (DeliveryStatus::Failed, 1, None)
        );
        let text = row.error_message.unwrap_or_default();
        assert!(
            text.starts_with("Whether this message reached the handset is unknown"),
            "{text}"
        );
        let unknown = engine.store.read(|tx| tx.audit_awaiting_look()).unwrap();
        assert_eq!(
            unknown
                .iter()
                .map(|r| (r.message.status, r.unconfirmed_since))
                .collect::<Vec<_>>(),
            [(DeliveryStatus::Failed, Some(t0()))],
            "its fate unknown, it is kept as such"
        );
    }

    #[tokio::test]
    async fn two_runs_of_one_due_retry_make_it_once() {
        // Both read the retry before either made it; the second waits for the pair's lock,
        // then finds the row moved on (the message found by the first) and neither looks nor
        // sends (without the check it would look, find the message taken, and send blind).
        let (lossy, engine, i, clock) = sent_with_the_list_down(&[Answer::LostAfterCreate]).await;
        lossy.list_fails.store(false, Ordering::Relaxed);
        clock.advance(Duration::minutes(1));
        let now = clock.now();
        let (a, b) = tokio::join!(engine.retry_due(now), engine.retry_due(now));
        assert_eq!((a.unwrap(), b.unwrap()), (1, 1), "both read it due");
        assert_eq!(*lossy.sends.lock().unwrap(), 1);
        assert_eq!(
            *lossy.lists.lock().unwrap(),
            2,
            "the look after the send, then one"
        );
        let sid = Some(MessageSid::sms(1).to_string());
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), sid, DeliveryStatus::Delivered, 1)]
        );

        // The list still down: the first run's look fails and postpones the retry; the second
        // finds it no longer due and does not look before its time.
        let (lossy, engine, _, clock) = sent_with_the_list_down(&[Answer::LostAfterCreate]).await;
        clock.advance(Duration::minutes(1));
        let now = clock.now();
        let (a, b) = tokio::join!(engine.retry_due(now), engine.retry_due(now));
        assert_eq!((a.unwrap(), b.unwrap()), (1, 1));
        assert_eq!(
            *lossy.lists.lock().unwrap(),
            2,
            "the look after the send, then one"
        );
        assert_eq!(*lossy.sends.lock().unwrap(), 1);
    }

    #[tokio::test]
    async fn no_answer_at_all_is_looked_for_at_the_retry_not_at_once() {
        let lossy = Arc::new(Lossy::with(&[Answer::SilentAfterCreate]));
        let (engine, i, clock) = engine_and_clock(lossy.clone());
        let p = queue(&engine, &i, "Hello");
        let answers = engine.dispatch(vec![p]).await.unwrap();
        assert!(matches!(answers[0].error, Some(ProviderError::NoAnswer(_))));
        assert_eq!(
            *lossy.lists.lock().unwrap(),
            0,
            "no look while Twilio is silent"
        );
        assert_eq!(unconfirmed(&engine), [Some(t0())]);
        retry_for(&engine, &clock, 1).await;
        assert_eq!(*lossy.lists.lock().unwrap(), 1);
        assert_eq!(*lossy.sends.lock().unwrap(), 1, "found, not sent again");
        let sid = Some(MessageSid::sms(1).to_string());
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), sid, DeliveryStatus::Delivered, 1)]
        );
    }

    #[tokio::test]
    async fn the_last_attempt_s_lost_answer_is_still_looked_for_and_never_resent() {
        // Four 500s that created nothing; the fifth and last attempt's answer is lost with the
        // list down: the message waits for the look, and is found when the list is back.
        let mut script = vec![Answer::ServerError; 4];
        script.push(Answer::LostAfterCreate);
        let lossy = Arc::new(Lossy::with(&script));
        let (engine, i, clock) = engine_and_clock(lossy.clone());
        let p = queue(&engine, &i, "Hello");
        engine.dispatch(vec![p]).await.unwrap();
        // Attempts at 0, 1, 2 and 4 minutes (each 30 s << n after the last, at a minute's
        // retries); the fifth at 8.
        retry_for(&engine, &clock, 7).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 4);
        lossy.list_fails.store(true, Ordering::Relaxed);
        retry_for(&engine, &clock, 1).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 5);
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), None, DeliveryStatus::Retrying, 5)],
            "the look after the last attempt is not an attempt"
        );
        lossy.list_fails.store(false, Ordering::Relaxed);
        retry_for(&engine, &clock, 10).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 5);
        let sid = Some(MessageSid::sms(1).to_string());
        assert_eq!(
            sent(&engine, &i),
            [("Hello".to_owned(), sid, DeliveryStatus::Delivered, 5)]
        );

        // The same, but the last attempt created nothing: the look finds nothing, no attempt
        // remains, and the message fails unsent.
        let mut script = vec![Answer::ServerError; 4];
        script.push(Answer::Silent);
        let lossy = Arc::new(Lossy::with(&script));
        let (engine, i, clock) = engine_and_clock(lossy.clone());
        let p = queue(&engine, &i, "Hello");
        engine.dispatch(vec![p]).await.unwrap();
        retry_for(&engine, &clock, 20).await;
        assert_eq!(*lossy.sends.lock().unwrap(), 5);
        let row = outbound_row(&engine, &i);
        assert_eq!(
            (row.status, row.attempts, row.provider_sid),
            (DeliveryStatus::Failed, MAX_SEND_ATTEMPTS, None)
        );
        let text = row.error_message.unwrap_or_default();
        assert!(text.starts_with("No attempt reached the handset"), "{text}");
    }

    #[tokio::test]
    async fn concurrent_sends_to_one_handset_each_keep_their_own_message() {
        // The first is created and answered late; the second's answer is lost meanwhile. Were
        // they not one at a time, the second would find the first's message unowned, take it,
        // and the first's record would then fail on the unique MessageSid.
        let lossy = Arc::new(Lossy::with(&[
            Answer::Created { yields: 8 },
            Answer::LostAfterCreate,
        ]));
        let (engine, i) = engine_with(lossy.clone());
        let a = queue(&engine, &i, "Hello");
        let b = queue(&engine, &i, "Hello");
        let (ra, rb) = tokio::join!(engine.dispatch(vec![a]), engine.dispatch(vec![b]));
        assert!(ra.unwrap()[0].error.is_none());
        assert!(rb.unwrap()[0].error.is_none());
        let sid = |n: u64| Some(MessageSid::sms(n).to_string());
        assert_eq!(
            sent(&engine, &i),
            [
                ("Hello".to_owned(), sid(1), DeliveryStatus::Queued, 1),
                ("Hello".to_owned(), sid(2), DeliveryStatus::Delivered, 1),
            ]
        );
    }
}
