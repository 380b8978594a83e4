//! API keys (§1; OAI `api.v2010.account.key`, `…new_key`): a key SID `SK…` and its secret are a
//! second pair of Basic-auth credentials for the account, which Twilio recommends over the Auth
//! Token in production. The REST surface, under `/2010-04-01/Accounts/{AccountSid}`:
//!
//! | method | path | answer |
//! |---|---|---|
//! | POST | `/Keys.json` (`FriendlyName`) | 201 + [`NewKey`]: the key **and its secret**, shown only here |
//! | GET | `/Keys.json` | 200 + page (`keys`, oldest first, paged as Messages are, see `list`) |
//! | GET | `/Keys/{Sid}.json` | 200 + [`Key`] (no secret) |
//! | POST | `/Keys/{Sid}.json` (`FriendlyName`) | 200 + [`Key`] |
//! | DELETE | `/Keys/{Sid}.json` | 204, empty; from then on the key no longer authenticates |
//!
//! * **Who may manage keys.** Only the account SID with its Auth Token. A request authenticated
//!   with a key gets 401 / 20003 "Authenticate": Twilio's Standard keys (what this endpoint
//!   creates) "are not permitted to manage Accounts … and other API Keys", and Twilio answers
//!   them 20003 (twilio-cli issue #146). Test credentials get 403 / 20008, as on every resource
//!   but Messages create.
//! * **Authentication with a key.** Every REST route (Messages, Media, IncomingPhoneNumbers,
//!   Messaging Services) accepts `SK…:secret` as Basic auth with the live account's SID in the
//!   path, as it accepts `AC…:AuthToken`; an unknown or deleted key, a wrong secret, or another
//!   account in the path is 401 / 20003. Webhooks and status callbacks stay signed with the
//!   Auth Token, as Twilio signs them (§6), whatever credentials created the message.
//! * **SIDs and secrets** are deterministic: `SK` + a counter in 32 hex digits (from 1, never
//!   reused after a delete), and a 32-character alphanumeric secret drawn from a ChaCha8
//!   generator seeded with the key's counter and the account's Auth Token, so two simulators
//!   with the same token hand out the same keys in the same order. `/_sim/reset` keeps the keys
//!   (they are configuration, like the numbers).
//! * **UNCONFIRMED choices**: a key created without `FriendlyName` gets the empty string; the
//!   list is oldest first; a `FriendlyName` longer than 64 characters is refused with 400 /
//!   20001 (Twilio documents no limit for keys; 64 is its limit for most friendly names).

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use rand::{Rng as _, SeedableRng as _};
use twilio_wire::date::rfc2822;
use twilio_wire::key::{Key, KeyPage, NewKey};
use twilio_wire::message::API_VERSION;
use twilio_wire::sid::KeySid;
use twilio_wire::ApiError;

use crate::api::respond::{authenticate, resource_not_found, ApiReply, Caller};
use crate::body::FormParams;
use crate::list::{paginate, ListQuery};
use crate::Core;

/// The longest `FriendlyName` taken (UNCONFIRMED, see the module docs).
const MAX_FRIENDLY_NAME: usize = 64;
/// How many characters a secret has.
const SECRET_CHARS: usize = 32;

/// One key: what the API shows, and its secret.
#[derive(Clone, Debug)]
struct KeyRecord {
    key: Key,
    secret: String,
}

/// The account's API keys, behind their own lock (an authentication reads it on every request;
/// the state lock is not taken).
#[derive(Debug, Default)]
pub(crate) struct Keys {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The last key counter handed out (or taken by a key given with its SID).
    last: u64,
    /// The keys by SID counter.
    keys: BTreeMap<u128, KeyRecord>,
}

/// 64-bit FNV-1a of `text`: a stable mix of the Auth Token into the secrets' seed.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The secret of key number `n` for an account whose Auth Token is `auth_token`: 32 ASCII
/// letters and digits.
fn secret_for(n: u64, auth_token: &str) -> String {
    let rng = rand_chacha::ChaCha8Rng::seed_from_u64(fnv1a(auth_token) ^ n);
    rng.sample_iter(rand::distr::Alphanumeric)
        .take(SECRET_CHARS)
        .map(char::from)
        .collect()
}

/// Why a key given whole (SID and secret, from a seed file) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The SID is not `SK` + 32 hex.
    #[error("'{0}' is not an API Key SID; expected SK followed by 32 hexadecimal digits")]
    BadSid(String),
    /// Another key has this SID.
    #[error("the API key {0} is declared twice")]
    Duplicate(String),
    /// The SID's counter is past what the simulator counts to (its 32 hex digits must spell a
    /// number below 2^64 − 1).
    #[error("the API key SID {0} is too large for the simulator; expected one at most SK0000000000000000fffffffffffffffe")]
    TooLarge(String),
    /// The secret is empty or has whitespace or control characters.
    #[error(
        "the secret of API key {0} is empty or has whitespace; expected 32 letters and digits"
    )]
    BadSecret(String),
}

impl Keys {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Creates the next key (`SK` + the next counter) named `friendly_name`, with its secret.
    pub(crate) fn create(&self, friendly_name: &str, now: DateTime<Utc>, token: &str) -> NewKey {
        let mut inner = self.write();
        // `insert` keeps `last` below u64::MAX.
        inner.last = inner.last.saturating_add(1);
        let n = inner.last;
        let record = KeyRecord {
            key: Key {
                sid: KeySid::from_counter(n),
                friendly_name: friendly_name.to_owned(),
                date_created: rfc2822(now),
                date_updated: rfc2822(now),
            },
            secret: secret_for(n, token),
        };
        inner.keys.insert(u128::from(n), record.clone());
        NewKey {
            key: record.key,
            secret: record.secret,
        }
    }

    /// Adds a key given whole: SID `sid`, `secret` (for a team's shared seed file), or the
    /// generated one when `None`. Later [`Keys::create`] SIDs count on from above it.
    ///
    /// # Errors
    /// [`KeyError`] as its variants say; nothing is added then.
    pub(crate) fn insert(
        &self,
        sid: &str,
        secret: Option<&str>,
        friendly_name: &str,
        now: DateTime<Utc>,
        token: &str,
    ) -> Result<NewKey, KeyError> {
        let sid = KeySid::parse(sid).map_err(|_| KeyError::BadSid(sid.to_owned()))?;
        let n = sid.number();
        let counter = u64::try_from(n)
            .ok()
            .filter(|c| *c < u64::MAX)
            .ok_or_else(|| KeyError::TooLarge(sid.to_string()))?;
        let mut inner = self.write();
        if inner.keys.contains_key(&n) {
            return Err(KeyError::Duplicate(sid.to_string()));
        }
        let secret = match secret {
            Some(s) if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) => {
                return Err(KeyError::BadSecret(sid.to_string()))
            }
            Some(s) => s.to_owned(),
            None => secret_for(counter, token),
        };
        inner.last = inner.last.max(counter);
        let record = KeyRecord {
            key: Key {
                sid,
                friendly_name: friendly_name.to_owned(),
                date_created: rfc2822(now),
                date_updated: rfc2822(now),
            },
            secret,
        };
        inner.keys.insert(n, record.clone());
        Ok(NewKey {
            key: record.key,
            secret: record.secret,
        })
    }

    /// True when `user` is the SID of a key (not deleted) whose secret is `password`.
    pub(crate) fn verify(&self, user: &str, password: &str) -> bool {
        let Ok(sid) = KeySid::parse(user) else {
            return false;
        };
        self.read()
            .keys
            .get(&sid.number())
            .is_some_and(|r| r.secret.as_bytes() == password.as_bytes())
    }

    /// Key `sid` as the API shows it.
    fn get(&self, sid: &KeySid) -> Option<Key> {
        self.read().keys.get(&sid.number()).map(|r| r.key.clone())
    }

    /// Every key, oldest first.
    pub(crate) fn all(&self) -> Vec<Key> {
        self.read().keys.values().map(|r| r.key.clone()).collect()
    }
}

/// The key routes, under `/2010-04-01/Accounts/{AccountSid}`.
pub(crate) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Keys.json",
            post(create).get(list),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Keys/{file}",
            get(fetch).post(update).delete(delete),
        )
        .method_not_allowed_fallback(crate::api::method_not_allowed)
}

/// Authenticates a key-management request: the Auth Token only.
///
/// # Errors
/// As `authenticate`; 401 / 20003 for an API key, 403 / 20008 for the test credentials.
fn account_only(core: &Core, headers: &HeaderMap, account: &str) -> Result<(), ApiError> {
    match authenticate(core, headers, account)? {
        Caller::Live => Ok(()),
        Caller::Key => Err(ApiError::new(
            20003,
            401,
            "Authenticate: API keys cannot manage API keys; use the Account SID and Auth Token",
        )),
        Caller::Test => Err(ApiError::new(
            20008,
            403,
            "Resource not accessible with Test Account Credentials",
        )),
    }
}

/// `FriendlyName` of `params`: `None` when absent.
///
/// # Errors
/// 400 / 20001 over [`MAX_FRIENDLY_NAME`] characters.
fn friendly_name(params: &[(String, String)]) -> Result<Option<String>, ApiError> {
    match params.iter().find(|(n, _)| n == "FriendlyName") {
        None => Ok(None),
        Some((_, v)) if v.chars().count() > MAX_FRIENDLY_NAME => Err(ApiError::new(
            20001,
            400,
            format!(
                "Invalid FriendlyName: it has {} characters; expected at most {MAX_FRIENDLY_NAME}",
                v.chars().count()
            ),
        )),
        Some((_, v)) => Ok(Some(v.clone())),
    }
}

/// The key SID of a `{Sid}.json` path segment.
fn key_sid(file: &str, uri: &Uri) -> Result<KeySid, ApiError> {
    crate::api::respond::sid_of(file, uri, KeySid::parse)
}

/// `POST …/Keys.json`.
async fn create(
    State(core): State<Arc<Core>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    FormParams(params): FormParams,
) -> Result<(StatusCode, Json<NewKey>), ApiReply> {
    account_only(&core, &headers, &account)?;
    let name = friendly_name(&params)?.unwrap_or_default();
    let key = core.keys.create(&name, core.clock.now(), &core.auth_token);
    Ok((StatusCode::CREATED, Json(key)))
}

/// `GET …/Keys.json`: oldest first, paged.
async fn list(
    State(core): State<Arc<Core>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<KeyPage>, ApiReply> {
    account_only(&core, &headers, &account)?;
    let query = ListQuery::parse(uri.query(), &[]);
    query.check_page()?;
    let path = format!("/{API_VERSION}/Accounts/{}/Keys.json", core.account_sid);
    let keys = core.keys.all();
    let page = paginate(&keys, |k| k.sid.as_str(), false, &path, &query);
    Ok(Json(KeyPage {
        meta: page.meta,
        keys: page.items,
    }))
}

/// `GET …/Keys/{Sid}.json`.
async fn fetch(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Key>, ApiReply> {
    account_only(&core, &headers, &account)?;
    let sid = key_sid(&file, &uri)?;
    let key = core
        .keys
        .get(&sid)
        .ok_or_else(|| resource_not_found(&uri))?;
    Ok(Json(key))
}

/// `POST …/Keys/{Sid}.json`: a new `FriendlyName` (absent: unchanged).
async fn update(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
    FormParams(params): FormParams,
) -> Result<Json<Key>, ApiReply> {
    account_only(&core, &headers, &account)?;
    let sid = key_sid(&file, &uri)?;
    let name = friendly_name(&params)?;
    let now = rfc2822(core.clock.now());
    let mut inner = core.keys.write();
    let record = inner
        .keys
        .get_mut(&sid.number())
        .ok_or_else(|| resource_not_found(&uri))?;
    if let Some(name) = name {
        record.key.friendly_name = name;
        record.key.date_updated = now;
    }
    Ok(Json(record.key.clone()))
}

/// `DELETE …/Keys/{Sid}.json`: 204; the key stops authenticating at once.
async fn delete(
    State(core): State<Arc<Core>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<StatusCode, ApiReply> {
    account_only(&core, &headers, &account)?;
    let sid = key_sid(&file, &uri)?;
    match core.keys.write().keys.remove(&sid.number()) {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(resource_not_found(&uri).into()),
    }
}

impl crate::Simulator {
    /// Creates an API key named `friendly_name`, as `POST …/Keys.json` does: `SK` + the next
    /// counter, and its 32-character secret (in [`NewKey::secret`], shown only here).
    pub fn create_key(&self, friendly_name: &str) -> NewKey {
        self.core
            .keys
            .create(friendly_name, self.core.clock.now(), &self.core.auth_token)
    }

    /// Adds the API key `sid` (`SK` + 32 hex) with `secret`, or the one the simulator would
    /// generate for that SID when `None`: a key declared in a shared setup (`convsms sim
    /// --seed-file`). Keys created later count on from above it.
    ///
    /// # Errors
    /// [`KeyError::BadSid`] for a malformed SID, [`KeyError::TooLarge`] for one counting past
    /// 2^64 − 2, [`KeyError::Duplicate`] when the key exists,
    /// [`KeyError::BadSecret`] for an empty secret or one with whitespace; nothing is added.
    pub fn add_key(
        &self,
        sid: &str,
        secret: Option<&str>,
        friendly_name: &str,
    ) -> Result<NewKey, KeyError> {
        self.core.keys.insert(
            sid,
            secret,
            friendly_name,
            self.core.clock.now(),
            &self.core.auth_token,
        )
    }

    /// Every API key, oldest first, without secrets.
    pub fn keys(&self) -> Vec<Key> {
        self.core.keys.all()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::test_support::*;

    const FROM: &str = "+14155550100";

    fn url(sim: &crate::Simulator, tail: &str) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/{tail}",
            sim.base_url(),
            sim.account_sid()
        )
    }

    async fn call(
        sim: &crate::Simulator,
        method: reqwest::Method,
        tail: &str,
        user: &str,
        password: &str,
        form: &str,
    ) -> (u16, Value) {
        let resp = reqwest::Client::new()
            .request(method, url(sim, tail))
            .basic_auth(user, Some(password))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await
            .unwrap();
        crate::test_support::status_and_json(resp).await
    }

    #[test]
    fn secrets_are_deterministic_alphanumeric_and_depend_on_counter_and_token() {
        let a = super::secret_for(1, "token");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()), "{a}");
        assert_eq!(a, super::secret_for(1, "token"));
        assert_ne!(a, super::secret_for(2, "token"));
        assert_ne!(a, super::secret_for(1, "other"));
    }

    #[tokio::test]
    async fn a_key_authenticates_until_deleted_and_shows_its_secret_once() {
        let sim = start_sim(&[FROM]).await;
        let (ac, token) = (sim.account_sid().to_owned(), sim.auth_token().to_owned());
        let post = reqwest::Method::POST;
        let (status, created) = call(
            &sim,
            post.clone(),
            "Keys.json",
            &ac,
            &token,
            "FriendlyName=ci",
        )
        .await;
        assert_eq!(status, 201, "{created}");
        let sid = created["sid"].as_str().unwrap().to_owned();
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert_eq!(sid, "SK00000000000000000000000000000001");
        assert_eq!(secret.len(), 32);
        assert_eq!(created["friendly_name"], "ci");
        assert_eq!(created["date_created"], "Thu, 24 Aug 2023 05:01:45 +0000");

        // The key sends a message; the message is the account's, as with the token.
        let (status, m) = call(
            &sim,
            post.clone(),
            "Messages.json",
            &sid,
            &secret,
            "To=%2B14155552671&From=%2B14155550100&Body=by+key",
        )
        .await;
        assert_eq!(status, 201, "{m}");
        assert_eq!(m["account_sid"], ac.as_str());
        let sm = m["sid"].as_str().unwrap().to_owned();
        let (status, _) = call(
            &sim,
            reqwest::Method::GET,
            &format!("Messages/{sm}.json"),
            &sid,
            &secret,
            "",
        )
        .await;
        assert_eq!(status, 200);

        // Fetch, list and update never show the secret; a key cannot manage keys.
        let tail = format!("Keys/{sid}.json");
        let (status, fetched) = call(&sim, reqwest::Method::GET, &tail, &ac, &token, "").await;
        assert_eq!(status, 200);
        let mut keys: Vec<&str> = fetched
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["date_created", "date_updated", "friendly_name", "sid"]
        );
        let (status, updated) = call(
            &sim,
            post.clone(),
            &tail,
            &ac,
            &token,
            "FriendlyName=renamed",
        )
        .await;
        assert_eq!(
            (status, updated["friendly_name"].as_str()),
            (200, Some("renamed"))
        );
        assert!(updated.get("secret").is_none());
        let (status, page) = call(&sim, reqwest::Method::GET, "Keys.json", &ac, &token, "").await;
        assert_eq!(status, 200);
        assert_eq!(page["keys"].as_array().unwrap().len(), 1);
        assert_eq!(page["keys"][0]["friendly_name"], "renamed");
        assert!(page["keys"][0].get("secret").is_none());
        for (method, tail) in [
            (reqwest::Method::GET, "Keys.json".to_owned()),
            (reqwest::Method::POST, "Keys.json".to_owned()),
            (reqwest::Method::DELETE, tail.clone()),
        ] {
            let (status, v) = call(&sim, method.clone(), &tail, &sid, &secret, "").await;
            assert_eq!(status, 401, "{method} {tail}");
            assert_error_shape(&v, 20003, 401);
        }

        // Wrong secret, another account in the path: 401 / 20003.
        let (status, v) = call(
            &sim,
            reqwest::Method::GET,
            "Messages.json",
            &sid,
            "not-the-secret",
            "",
        )
        .await;
        assert_eq!(status, 401);
        assert_error_shape(&v, 20003, 401);

        // Deleted: 204, then the key no longer authenticates, and fetch is 404.
        let (status, v) = call(&sim, reqwest::Method::DELETE, &tail, &ac, &token, "").await;
        assert_eq!((status, v), (204, Value::Null));
        let (status, v) = call(
            &sim,
            post.clone(),
            "Messages.json",
            &sid,
            &secret,
            "To=%2B14155552671&From=%2B14155550100&Body=revoked",
        )
        .await;
        assert_eq!(status, 401);
        assert_error_shape(&v, 20003, 401);
        let (status, v) = call(&sim, reqwest::Method::GET, &tail, &ac, &token, "").await;
        assert_eq!(status, 404);
        assert_error_shape(&v, 20404, 404);
        assert_eq!(sim.messages().len(), 1, "the revoked key sent nothing");

        // The next key takes the next counter; its secret differs.
        let again = sim.create_key("second");
        assert_eq!(again.key.sid.as_str(), "SK00000000000000000000000000000002");
        assert_ne!(again.secret, secret);
    }

    #[tokio::test]
    async fn keys_given_whole_authenticate_and_bad_ones_are_refused() {
        let sim = start_sim(&[FROM]).await;
        let sk = "SK000000000000000000000000000000aa";
        let key = sim
            .add_key(sk, Some("shared-secret-of-the-team"), "team")
            .unwrap();
        assert_eq!(key.secret, "shared-secret-of-the-team");
        assert_eq!(
            sim.add_key(sk, None, "again").unwrap_err(),
            super::KeyError::Duplicate(sk.into())
        );
        assert!(matches!(
            sim.add_key("SK1", None, "x"),
            Err(super::KeyError::BadSid(_))
        ));
        assert!(matches!(
            sim.add_key("SK000000000000000000000000000000ab", Some("has space"), "x"),
            Err(super::KeyError::BadSecret(_))
        ));
        assert_eq!(sim.keys().len(), 1);
        assert_eq!(
            sim.create_key("next").key.sid.as_str(),
            "SK000000000000000000000000000000ab",
            "created keys count on from the highest SID"
        );
        let (status, _) = call(
            &sim,
            reqwest::Method::GET,
            "Messages.json",
            sk,
            "shared-secret-of-the-team",
            "",
        )
        .await;
        assert_eq!(status, 200);
        sim.reset();
        assert_eq!(sim.keys().len(), 2, "reset keeps the keys");
        // Test credentials may not manage keys.
        let (status, v) = call(
            &sim,
            reqwest::Method::GET,
            "Keys.json",
            sim.test_account_sid(),
            sim.test_auth_token(),
            "",
        )
        .await;
        assert_eq!(
            status, 401,
            "the test account is not the path's account: {v}"
        );
        let resp = reqwest::Client::new()
            .get(format!(
                "{}/2010-04-01/Accounts/{}/Keys.json",
                sim.base_url(),
                sim.test_account_sid()
            ))
            .basic_auth(sim.test_account_sid(), Some(sim.test_auth_token()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403);
        assert_error_shape(&resp.json().await.unwrap(), 20008, 403);
    }
}
