//! A harness self-test switch: a defect injected on purpose, to prove that `convsms soak` catches
//! a broken invariant and shrinks it to a feature, and that `convsms check` on that feature fails
//! for the same reason (issue 10).
//!
//! The defect lives outside the engine: it wraps the engine's [`SmsProvider`] port where the
//! stack is built ([`crate::check::world::Stack::start_with`]), so the engine's code is the real
//! one and no configuration, property or feature step can reach the switch. Only the
//! environment variable [`ENV`] (read by both `convsms soak` and `convsms check`) and
//! `SoakArgs::defect` (for tests) turn it on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use convsms::provider::{DeliveryState, OutboundSms, ProviderError, SentSms, SmsProvider};
use twilio_wire::sid::MessageSid;

/// The environment variable that injects a defect: `CONVSMS_INJECT_DEFECT=duplicate-send`.
pub const ENV: &str = "CONVSMS_INJECT_DEFECT";

/// Which send [`Defect::DuplicateSend`] makes twice (counting from 1, per stack).
pub const DUPLICATED_SEND: u64 = 3;

/// A defect the harness can inject into its own stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// The third message the engine hands to the provider is created at the provider twice;
    /// the engine keeps the second SID, so the first is a message no transcript row sent
    /// (invariant 2, outbound sent at most once).
    DuplicateSend,
    /// A send Twilio refuses with 429 (an error the engine retries, and one that says nothing
    /// was created, so the engine does not look in Twilio's list for it) is sent again at once
    /// by the provider adapter, which throws that answer away and reports the refusal: the
    /// engine's own retry later makes a second message of one transcript row (invariant 2). Only
    /// a soak with faults meets it: without them Twilio refuses no send that way. (After a 5xx
    /// the engine would find the adapter's second message in the list and make it the send's:
    /// no defect to see.)
    ResendRefused,
}

/// Every defect, by name.
const ALL: [Defect; 2] = [Defect::DuplicateSend, Defect::ResendRefused];

impl Defect {
    /// Its name, as [`ENV`] takes it.
    pub fn name(self) -> &'static str {
        match self {
            Defect::DuplicateSend => "duplicate-send",
            Defect::ResendRefused => "resend-refused",
        }
    }

    /// The defect [`ENV`] names: `None` when it is unset or empty.
    ///
    /// # Errors
    /// It names no known defect.
    pub fn from_env() -> anyhow::Result<Option<Defect>> {
        match std::env::var(ENV) {
            Err(_) => Ok(None),
            Ok(v) if v.is_empty() => Ok(None),
            Ok(v) => match ALL.into_iter().find(|d| d.name() == v) {
                Some(d) => Ok(Some(d)),
                None => anyhow::bail!(
                    "{ENV}={v}: no such defect; the defects are {}",
                    ALL.map(Defect::name).join(" and ")
                ),
            },
        }
    }

    /// `provider` with the defect injected.
    pub fn wrap(self, provider: Arc<dyn SmsProvider>) -> Arc<dyn SmsProvider> {
        Arc::new(Defective {
            defect: self,
            inner: provider,
            sends: AtomicU64::new(0),
        })
    }
}

/// A provider with a [`Defect`] in its sends; everything else is the inner provider's.
struct Defective {
    defect: Defect,
    inner: Arc<dyn SmsProvider>,
    /// Sends so far (for [`Defect::DuplicateSend`]).
    sends: AtomicU64,
}

#[async_trait::async_trait]
impl SmsProvider for Defective {
    async fn send(&self, sms: &OutboundSms) -> Result<SentSms, ProviderError> {
        match self.defect {
            Defect::DuplicateSend => {
                if self.sends.fetch_add(1, Ordering::SeqCst) + 1 == DUPLICATED_SEND {
                    // The defect: a send whose answer is thrown away.
                    let _ = self.inner.send(sms).await;
                }
                self.inner.send(sms).await
            }
            Defect::ResendRefused => {
                let sent = self.inner.send(sms).await;
                if sent
                    .as_ref()
                    .is_err_and(|e| e.is_retryable() && !e.may_have_created())
                {
                    // The defect: a second attempt whose answer is thrown away.
                    let _ = self.inner.send(sms).await;
                }
                sent
            }
        }
    }

    async fn fetch_state(&self, sid: &MessageSid) -> Result<DeliveryState, ProviderError> {
        self.inner.fetch_state(sid).await
    }

    async fn created_since(
        &self,
        from: &convsms::domain::phone::E164,
        to: &convsms::domain::phone::E164,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<convsms::provider::ProviderMessage>, ProviderError> {
        self.inner.created_since(from, to, since).await
    }

    async fn set_number_sms_url(
        &self,
        number: &convsms::domain::phone::E164,
        sms_url: &str,
    ) -> Result<(), ProviderError> {
        self.inner.set_number_sms_url(number, sms_url).await
    }
}
