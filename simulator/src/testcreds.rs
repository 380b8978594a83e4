//! Test credentials (§10): a second account SID and token, as in Twilio's console, that can
//! only create messages, against the magic phone numbers.
//!
//! With Basic auth `test_account_sid:test_auth_token` (see [`crate::SimConfig`]) and the test
//! account in the path:
//!
//! * `POST …/Messages.json` runs the checks of [`crate::validate`] with the magic numbers below
//!   in place of the account's numbers and answers 201 + Message (`status: queued`) or the
//!   error. Nothing is recorded, no SID counter moves (test messages count on their own:
//!   `SM`/`MM` + `7e57` + 28 hex digits), no media is fetched, no callback is ever sent, and
//!   API faults do not apply.
//! * every other resource (list, fetch, update, delete, media) answers 403 / 20008.
//!
//! Magic `From` (§10): `+15005550006` passes; `+15005550001` → 21212; `+15005550007` → 21606;
//! `+15005550008` → 21611; anything else → 21606 (the test account owns no number).
//! Magic `To`: `+15005550001` → 21211; `+15005550002` → 21612; `+15005550003` → 21408;
//! `+15005550004` → 21610; `+15005550009` → 21614; anything else is validated normally.
//!
//! Choices (UNCONFIRMED): `MessagingServiceSid` is ignored with test credentials ("all the
//! existing outbound SMS parameters will work, except for MessagingServiceSid"), so a request
//! without `From` gets 21603; `ScheduleType` is ignored too (the answer is always `queued`).

use std::sync::atomic::{AtomicU64, Ordering};

use twilio_wire::sid::{AccountSid, MessageSid};
use twilio_wire::ApiError;

/// The default test Account SID of [`crate::SimConfig::for_tests`].
pub const DEFAULT_TEST_ACCOUNT_SID: &str = "AC00000000000000000000000000007e57";
/// The default test Auth Token of [`crate::SimConfig::for_tests`].
pub const DEFAULT_TEST_AUTH_TOKEN: &str = "7e577e577e577e577e577e577e577e57";

/// The `From` that passes every check.
pub(crate) const VALID_FROM: &str = "+15005550006";

/// Marks test message SIDs: `SM0000…` + `7e57` in the high bits of the counter.
const SID_MARK: u64 = 0x7e57 << 48;

/// The test credentials of a running simulator.
#[derive(Debug)]
pub(crate) struct TestCredentials {
    /// The test Account SID (Basic-auth username and path account).
    pub(crate) account_sid: AccountSid,
    /// The test Auth Token (Basic-auth password).
    pub(crate) auth_token: String,
    /// Test messages created so far.
    count: AtomicU64,
}

impl TestCredentials {
    /// Test credentials `account_sid` / `auth_token`.
    pub(crate) fn new(account_sid: AccountSid, auth_token: String) -> TestCredentials {
        TestCredentials {
            account_sid,
            auth_token,
            count: AtomicU64::new(0),
        }
    }

    /// The next test message SID (`MM…` when `with_media`).
    pub(crate) fn next_sid(&self, with_media: bool) -> MessageSid {
        let n = SID_MARK | (self.count.fetch_add(1, Ordering::Relaxed) + 1);
        if with_media {
            MessageSid::mms(n)
        } else {
            MessageSid::sms(n)
        }
    }
}

fn bad_request(code: u32, message: String) -> ApiError {
    ApiError::new(code, 400, message)
}

/// The result of the magic `From` table for `from`.
///
/// # Errors
/// 21212, 21606 or 21611 as in the module docs.
pub(crate) fn check_from(from: &str) -> Result<(), ApiError> {
    match from {
        VALID_FROM => Ok(()),
        "+15005550001" => Err(bad_request(
            21212,
            format!("The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID."),
        )),
        "+15005550008" => Err(bad_request(
            21611,
            format!("This 'From' number {from} has exceeded the maximum number of queued messages"),
        )),
        _ => Err(bad_request(
            21606,
            format!("The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."),
        )),
    }
}

/// The result of the magic `To` table for `to`: `None` when `to` is not magic.
pub(crate) fn check_to(to: &str) -> Option<ApiError> {
    Some(match to {
        "+15005550001" => bad_request(21211, format!("The 'To' number {to} is not a valid phone number.")),
        "+15005550002" => bad_request(
            21612,
            format!("The 'To' phone number: {to}, is not currently reachable using the 'From' phone number: {VALID_FROM} via SMS."),
        ),
        "+15005550003" => bad_request(
            21408,
            format!("Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}"),
        ),
        "+15005550004" => bad_request(21610, "Attempt to send to unsubscribed recipient".to_owned()),
        "+15005550009" => bad_request(21614, format!("To number: {to}, is not a mobile number")),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use serde_json::Value;

    /// POSTs `form` to the create URL of `path_account` as `user:password`.
    async fn post_form_as(
        sim: &crate::Simulator,
        path_account: &str,
        user: &str,
        password: &str,
        form: &str,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!(
                "{}/2010-04-01/Accounts/{path_account}/Messages.json",
                sim.base_url()
            ))
            .basic_auth(user, Some(password))
            .body(form.to_owned())
            .send()
            .await
            .unwrap()
    }

    async fn post_test(sim: &crate::Simulator, form: &str) -> reqwest::Response {
        post_form_as(
            sim,
            DEFAULT_TEST_ACCOUNT_SID,
            DEFAULT_TEST_ACCOUNT_SID,
            DEFAULT_TEST_AUTH_TOKEN,
            form,
        )
        .await
    }

    #[tokio::test]
    async fn magic_numbers_behave_as_twilio_s() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&["+14155550100"]).await;
        let callback = format!("{}/status", app.base);
        let form = |from: &str, to: &str| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair("From", from)
                .append_pair("To", to)
                .append_pair("Body", "hi")
                .append_pair("StatusCallback", &callback)
                .finish()
        };
        let resp = post_test(&sim, &form(VALID_FROM, "+14155552671")).await;
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["status"], "queued");
        assert_eq!(v["account_sid"], DEFAULT_TEST_ACCOUNT_SID);
        assert_eq!(v["from"], VALID_FROM);
        assert_eq!(v["sid"], "SM00000000000000007e57000000000001");
        assert_eq!(
            v["uri"],
            format!("/2010-04-01/Accounts/{DEFAULT_TEST_ACCOUNT_SID}/Messages/SM00000000000000007e57000000000001.json")
        );
        let cases = [
            ("+15005550001", "+14155552671", 21212),
            ("+15005550007", "+14155552671", 21606),
            ("+15005550008", "+14155552671", 21611),
            ("+14155550100", "+14155552671", 21606),
            (VALID_FROM, "+15005550001", 21211),
            (VALID_FROM, "+15005550002", 21612),
            (VALID_FROM, "+15005550003", 21408),
            (VALID_FROM, "+15005550004", 21610),
            (VALID_FROM, "+15005550009", 21614),
            (VALID_FROM, "+6512", 21211),
        ];
        for (from, to, code) in cases {
            let resp = post_test(&sim, &form(from, to)).await;
            assert_eq!(resp.status(), 400, "{from} {to}");
            assert_error_shape(&resp.json().await.unwrap(), code, 400);
        }
        // The ordinary checks still run first.
        let resp = post_test(&sim, "To=%2B14155552671&Body=hi").await;
        assert_error_shape(&resp.json().await.unwrap(), 21603, 400);
        let resp = post_test(
            &sim,
            &format!(
                "{}&MediaUrl=ftp%3A%2F%2Fx",
                form(VALID_FROM, "+14155552671")
            ),
        )
        .await;
        assert_error_shape(&resp.json().await.unwrap(), 21620, 400);
        // Media: an MM SID without fetching anything.
        let resp = post_test(
            &sim,
            &format!(
                "{}&MediaUrl=https%3A%2F%2Fcdn.test%2Fa.png",
                form(VALID_FROM, "+14155552671")
            ),
        )
        .await;
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["sid"], "MM00000000000000007e57000000000002");
        assert_eq!(v["num_media"], "1");

        // No state change and no callbacks: the live account saw nothing.
        assert!(sim.messages().is_empty());
        let live: Value = post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=hi")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(live["sid"], "SM00000000000000000000000000000001");
        tokio::task::yield_now().await;
        assert!(app.hits().is_empty());
    }

    #[tokio::test]
    async fn every_other_resource_is_403_20008() {
        let sim = start_sim(&["+14155550100"]).await;
        let live: Value = post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=hi")
            .await
            .json()
            .await
            .unwrap();
        let sm = live["sid"].as_str().unwrap().to_owned();
        let base = format!(
            "{}/2010-04-01/Accounts/{DEFAULT_TEST_ACCOUNT_SID}",
            sim.base_url()
        );
        let http = reqwest::Client::new();
        let requests = [
            http.get(format!("{base}/Messages.json")),
            http.get(format!("{base}/Messages/{sm}.json")),
            http.post(format!("{base}/Messages/{sm}.json"))
                .body("Body="),
            http.delete(format!("{base}/Messages/{sm}.json")),
            http.get(format!("{base}/Messages/{sm}/Media.json")),
            http.get(format!(
                "{base}/Messages/{sm}/Media/ME00000000000000000000000000000001.json"
            )),
            http.get(format!(
                "{base}/Messages/{sm}/Media/ME00000000000000000000000000000001"
            )),
        ];
        for request in requests {
            let resp = request
                .basic_auth(DEFAULT_TEST_ACCOUNT_SID, Some(DEFAULT_TEST_AUTH_TOKEN))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 403);
            assert_error_shape(&resp.json().await.unwrap(), 20008, 403);
        }
        // Test credentials against the live account, or the live token on the test account: 401.
        let resp = post_form_as(
            &sim,
            sim.account_sid(),
            DEFAULT_TEST_ACCOUNT_SID,
            DEFAULT_TEST_AUTH_TOKEN,
            "To=%2B14155552671&From=%2B15005550006&Body=hi",
        )
        .await;
        assert_eq!(resp.status(), 401);
        let resp = post_form_as(
            &sim,
            DEFAULT_TEST_ACCOUNT_SID,
            DEFAULT_TEST_ACCOUNT_SID,
            sim.auth_token(),
            "To=%2B14155552671&From=%2B15005550006&Body=hi",
        )
        .await;
        assert_eq!(resp.status(), 401);
        assert_eq!(sim.messages().len(), 1);
    }
}
