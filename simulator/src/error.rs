//! [`SimError`]: what can go wrong when driving the simulator from a test or tool.
//!
//! Errors the simulated Twilio API returns to its HTTP clients are not `SimError`s: they are
//! Twilio error JSON ([`twilio_wire::ApiError`]) on the wire.

/// Why a simulator operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The [`crate::SimConfig`] is unusable (malformed account SID, empty auth token).
    #[error("invalid simulator configuration: {0}")]
    InvalidConfig(String),
    /// A handset's file is not one a handset can send ([`crate::InboundMedia::checked`]): its
    /// URL is not an absolute http(s) URL, or its type is not one MIME type. Says which, and
    /// what was expected.
    #[error("{0}")]
    InvalidMedia(String),
    /// The listening socket could not be bound (port in use, permission denied).
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0 = any).
        port: u16,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client for webhooks could not be built (TLS backend initialisation failed).
    #[error("cannot build the webhook HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// A handset texted a number the account does not own; add it with
    /// [`crate::Simulator::add_number`] or [`crate::SimConfig::numbers`].
    #[error("{0} is not a number of the simulated Twilio account{hint}; a handset can only text the account's numbers (a scenario's `Given the Conversational SMS provider number \"…\"`, `convsms serve`'s POST /api/setup/provider-numbers, `convsms sim --number`, or POST /_sim/numbers)", hint = international_hint(.0))]
    NotAccountNumber(String),
    /// A handset texted an account number that has no SMS capability (see
    /// [`crate::Simulator::provision_number`]); nothing is recorded.
    #[error("{0} cannot receive SMS: the number has no SMS capability in the simulated account")]
    NotSmsCapable(String),
    /// A re-delivery named a SID that is not an inbound message of this simulator whose webhook
    /// was posted (one recorded while no SMS URL applied has nothing to re-deliver).
    #[error("{0} is not an inbound message of this simulator whose webhook was posted")]
    UnknownInbound(String),
    /// The webhook could not be delivered: connection refused, timeout (10 s to connect, 15 s in
    /// all, §4.1) or a broken answer. The inbound message stays recorded.
    #[error("webhook POST to {url} failed: {source}")]
    Webhook {
        /// The inbound message's SID (`SM`/`MM` + 32 hex digits): recorded, with error 11200.
        sid: twilio_wire::sid::MessageSid,
        /// The URL that was called.
        url: String,
        /// Why: no connection, or no usable answer.
        #[source]
        source: crate::TransportError,
    },
    /// An injected [`crate::WebhookFault::Timeout`] swallowed the app's answer (the app did get
    /// the request), and no retry asked for by connection overrides succeeded. The inbound
    /// message stays recorded, with error 11200.
    #[error("webhook POST to {url} timed out (injected fault)")]
    WebhookTimeout {
        /// The inbound message's SID (`SM`/`MM` + 32 hex digits).
        sid: twilio_wire::sid::MessageSid,
        /// The URL that was called, as configured.
        url: String,
    },
}

/// For a number written without its `+` and country code (`4155550100`): a reminder that the
/// account's numbers are in E.164; empty for one that has them.
fn international_hint(number: &str) -> &'static str {
    if number.trim_start().starts_with('+') {
        ""
    } else {
        " (its numbers are in E.164: '+' and the country code first, as +14155550100 for a US \
         number)"
    }
}
