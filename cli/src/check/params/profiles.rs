//! Typed parameters of messaging profiles and records' mobile phones.

use std::str::FromStr;

use cucumber::Parameter;

use super::{quoted_texts, Unhonoured};

/// `active` or `inactive`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "activity", regex = "active|inactive")]
pub struct Activity(pub bool);

impl FromStr for Activity {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Activity(words == "active"))
    }
}

/// `no mobile phone` or `mobile phone "…"`.
#[derive(Clone, Debug)]
pub struct MobilePhone(pub Option<String>);
parameter!(
    MobilePhone,
    "mobile_phone",
    concat!("no mobile phone|mobile phone ", quoted!())
);

impl FromStr for MobilePhone {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(MobilePhone(quoted_texts(words).into_iter().next()))
    }
}
