//! Signed form POSTs from the simulated Twilio to the app (§4.1, §6): the inbound message webhook
//! now, status callbacks later.
//!
//! Each request is `application/x-www-form-urlencoded` (spaces as `+`, as Twilio sends them),
//! signed over the exact URL string and the decoded parameters with the account's Auth Token
//! (`X-Twilio-Signature`), and carries `I-Twilio-Idempotency-Token` and
//! `User-Agent: TwilioProxy/1.1`. Redirects are not followed; the app's answer is returned as is.

use std::time::Duration;

use twilio_wire::signature;

use crate::{Core, SimError};

/// Twilio's webhook `User-Agent`.
pub(crate) const USER_AGENT: &str = "TwilioProxy/1.1";
/// How long Twilio waits for the TCP connection (two 5 s attempts, §4.1).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long Twilio waits for the whole answer (§4.1).
const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);

/// The HTTP client for webhooks: Twilio's timeouts and user agent, no proxy, no redirects.
///
/// # Errors
/// [`SimError::Http`] when reqwest cannot build it.
pub(crate) fn client() -> Result<reqwest::Client, SimError> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TOTAL_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(SimError::Http)
}

/// What the app answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Answer {
    /// HTTP status code.
    pub(crate) status: u16,
    /// Body as text (lossy UTF-8).
    pub(crate) body: String,
}

/// POSTs `params` to `url`, signed, with `idempotency_token`.
///
/// # Errors
/// [`SimError::Webhook`] when the request cannot be sent or its answer read.
pub(crate) async fn post_form(
    core: &Core,
    url: &str,
    params: &[(String, String)],
    idempotency_token: &str,
) -> Result<Answer, SimError> {
    let fail = |source| SimError::Webhook {
        url: url.to_owned(),
        source,
    };
    let signature = signature::sign(&core.auth_token, url, params);
    let response = core
        .http
        .post(url)
        .header("X-Twilio-Signature", signature)
        .header("I-Twilio-Idempotency-Token", idempotency_token)
        .form(params)
        .send()
        .await
        .map_err(fail)?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(fail)?;
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}
