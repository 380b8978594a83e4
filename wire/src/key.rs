//! The API Key resource of the 2010-04-01 API (OAI `api.v2010.account.key` and
//! `api.v2010.account.new_key`; §1: an API key's SID and secret are a Basic-auth username and
//! password, with the account SID in the path).
//!
//! ```text
//! POST /2010-04-01/Accounts/{AccountSid}/Keys.json        FriendlyName=…  → 201 NewKey (with secret)
//! GET  /2010-04-01/Accounts/{AccountSid}/Keys.json                        → 200 KeyPage ("keys")
//! GET  /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json                  → 200 Key
//! POST /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json  FriendlyName=…  → 200 Key
//! DELETE /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json                → 204
//! ```
//!
//! The secret is in the create answer only; fetch, list and update never show it.

use serde::{Deserialize, Serialize};

use crate::page::PageMeta;
use crate::sid::KeySid;

/// An API key as fetch, list and update show it: exactly the four keys of the OAI schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// `SK` + 32 hex.
    pub sid: KeySid,
    /// The name given at creation or update; may be empty.
    pub friendly_name: String,
    /// RFC 2822 (`Mon, 13 Jun 2016 22:50:08 +0000`).
    pub date_created: String,
    /// RFC 2822.
    pub date_updated: String,
}

/// The create answer: the [`Key`] and its `secret`, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewKey {
    /// The key's four fields.
    #[serde(flatten)]
    pub key: Key,
    /// The Basic-auth password that goes with [`Key::sid`].
    pub secret: String,
}

/// A page of `GET …/Keys.json`: the eight meta keys and `keys`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPage {
    /// The eight meta keys.
    #[serde(flatten)]
    pub meta: PageMeta,
    /// The records of this page.
    pub keys: Vec<Key>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_create_answer_is_the_oai_example_shape() {
        let key = NewKey {
            key: Key {
                sid: KeySid::from_counter(1),
                friendly_name: "foo".into(),
                date_created: "Mon, 13 Jun 2016 22:50:08 +0000".into(),
                date_updated: "Mon, 13 Jun 2016 22:50:08 +0000".into(),
            },
            secret: "foobar".into(),
        };
        let v = serde_json::to_value(&key).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "date_created",
                "date_updated",
                "friendly_name",
                "secret",
                "sid"
            ]
        );
        assert_eq!(serde_json::from_value::<NewKey>(v).unwrap(), key);
    }
}
