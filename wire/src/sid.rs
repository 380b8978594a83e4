//! Twilio resource identifiers (SIDs) as validated newtypes (§2.1 path patterns).
//!
//! A SID is a two-letter prefix naming the resource kind followed by exactly 32 hexadecimal digits
//! (either case is accepted, as in the OAI patterns; the counter constructors write lower case):
//!
//! | type | pattern | example |
//! |---|---|---|
//! | [`AccountSid`] | `^AC[0-9a-fA-F]{32}$` | `AC00000000000000000000000000000001` |
//! | [`MessageSid`] | `^(SM\|MM)[0-9a-fA-F]{32}$` | `SM0000000000000000000000000000002a` |
//! | [`MediaSid`] | `^ME[0-9a-fA-F]{32}$` | `ME00000000000000000000000000000001` |
//! | [`KeySid`] | `^SK[0-9a-fA-F]{32}$` | `SK00000000000000000000000000000001` |
//! | [`PhoneNumberSid`] | `^PN[0-9a-fA-F]{32}$` | `PN00000000000000000000000000000001` |
//! | [`ServiceSid`] | `^MG[0-9a-fA-F]{32}$` | `MG00000000000000000000000000000001` |
//!
//! Each type serializes as a plain JSON string and checks the pattern when deserialized. The
//! `from_counter`-style constructors give deterministic SIDs: prefix + `format!("{:032x}", n)`.
//! A SID holds its 34 characters inline (no allocation), so cloning one is a copy.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::WireError;

/// True when `s` is `prefix` followed by exactly 32 ASCII hexadecimal digits.
fn has_shape(s: &str, prefix: &str) -> bool {
    s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The 34 ASCII characters of a SID, held inline: SIDs are copied often (every stored message,
/// status change and callback carries one), and a copy then costs no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct SidText([u8; 34]);

impl SidText {
    /// `s`, which [`has_shape`] accepted (34 ASCII bytes).
    fn new(s: &str) -> SidText {
        let mut text = [0; 34];
        text.copy_from_slice(s.as_bytes());
        SidText(text)
    }

    /// `prefix` (two ASCII letters) followed by `n` as 32 lower-case hex digits, as
    /// `format!("{prefix}{n:032x}")` writes it.
    fn counter(prefix: &str, n: u64) -> SidText {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b'0'; 34];
        text[..2].copy_from_slice(prefix.as_bytes());
        let mut rest = n;
        for digit in text[2..].iter_mut().rev() {
            *digit = HEX[(rest & 0xf) as usize];
            rest >>= 4;
        }
        SidText(text)
    }

    /// The text; every constructor stores ASCII, so this never falls back to `""`.
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The number its 32 hex digits spell, read case-insensitively. The constructors
    /// guarantee exactly 32 hex digits after the prefix, so the digits are shifted in without
    /// the overflow checks of `u128::from_str_radix` (which cost six times as much: the
    /// simulator reads a SID's number on every status change and callback).
    fn number(&self) -> u128 {
        self.0[2..].iter().fold(0, |n, &c| {
            let digit = match c {
                b'0'..=b'9' => c - b'0',
                _ => (c | 0x20) - b'a' + 10,
            };
            (n << 4) | u128::from(digit)
        })
    }
}

macro_rules! sid_common {
    ($ty:ident) => {
        impl $ty {
            /// The SID as text (34 characters).
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($ty))
                    .field(&self.as_str())
                    .finish()
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl FromStr for $ty {
            type Err = WireError;
            /// Same as `parse`.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            /// Reads a JSON string and validates it with `parse`; a malformed SID is a
            /// deserialization error carrying the [`WireError`] text.
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                $ty::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// An Account SID: `AC` + 32 hexadecimal digits, for example `ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountSid(SidText);

impl AccountSid {
    /// Validates `s` against `^AC[0-9a-fA-F]{32}$`.
    ///
    /// # Errors
    /// [`WireError::InvalidSid`] when it does not match.
    pub fn parse(s: &str) -> Result<AccountSid, WireError> {
        if has_shape(s, "AC") {
            Ok(AccountSid(SidText::new(s)))
        } else {
            Err(WireError::InvalidSid {
                kind: "Account SID",
                expected: "AC followed by 32 hexadecimal digits",
                value: s.to_owned(),
            })
        }
    }

    /// The deterministic account SID number `n`: `AC` + `format!("{:032x}", n)`.
    pub fn from_counter(n: u64) -> AccountSid {
        AccountSid(SidText::counter("AC", n))
    }
}
sid_common!(AccountSid);

/// A Message SID: `SM` + 32 hexadecimal digits for a text-only message, `MM` + 32 hexadecimal
/// digits for a message with media (§2.3, §9), for example `SMded05904ccb347238880ca9264e8fe1c`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageSid(SidText);

impl MessageSid {
    /// Validates `s` against `^(SM|MM)[0-9a-fA-F]{32}$`.
    ///
    /// # Errors
    /// [`WireError::InvalidSid`] when it does not match.
    pub fn parse(s: &str) -> Result<MessageSid, WireError> {
        if has_shape(s, "SM") || has_shape(s, "MM") {
            Ok(MessageSid(SidText::new(s)))
        } else {
            Err(WireError::InvalidSid {
                kind: "Message SID",
                expected: "SM or MM followed by 32 hexadecimal digits",
                value: s.to_owned(),
            })
        }
    }

    /// The deterministic SMS SID number `n`: `SM` + `format!("{:032x}", n)`.
    pub fn sms(n: u64) -> MessageSid {
        MessageSid(SidText::counter("SM", n))
    }

    /// The deterministic MMS SID number `n`: `MM` + `format!("{:032x}", n)`.
    pub fn mms(n: u64) -> MessageSid {
        MessageSid(SidText::counter("MM", n))
    }

    /// True for an `MM…` SID (a message that carries media).
    pub fn is_mms(&self) -> bool {
        self.0 .0.starts_with(b"MM")
    }

    /// The number its 32 hexadecimal digits spell, read case-insensitively: `n` for
    /// [`MessageSid::sms`]`(n)` and [`MessageSid::mms`]`(n)`. Two SIDs name the same message when
    /// [`MessageSid::is_mms`] and `number` agree (Twilio treats the hex digits case-insensitively).
    pub fn number(&self) -> u128 {
        self.0.number()
    }
}
sid_common!(MessageSid);

/// A Media SID: `ME` + 32 hexadecimal digits (§2.5), for example `MEfb1d0000000000000000000000000000`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MediaSid(SidText);

impl MediaSid {
    /// Validates `s` against `^ME[0-9a-fA-F]{32}$`.
    ///
    /// # Errors
    /// [`WireError::InvalidSid`] when it does not match.
    pub fn parse(s: &str) -> Result<MediaSid, WireError> {
        if has_shape(s, "ME") {
            Ok(MediaSid(SidText::new(s)))
        } else {
            Err(WireError::InvalidSid {
                kind: "Media SID",
                expected: "ME followed by 32 hexadecimal digits",
                value: s.to_owned(),
            })
        }
    }

    /// The deterministic media SID number `n`: `ME` + `format!("{:032x}", n)`.
    pub fn from_counter(n: u64) -> MediaSid {
        MediaSid(SidText::counter("ME", n))
    }
}
sid_common!(MediaSid);

/// A SID type with one prefix and a counter constructor: `$prefix` + 32 hex digits.
macro_rules! counter_sid {
    ($(#[$doc:meta])* $ty:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty(SidText);

        impl $ty {
            #[doc = concat!("Validates `s` against `^", $prefix, "[0-9a-fA-F]{32}$`.")]
            ///
            /// # Errors
            /// [`WireError::InvalidSid`] when it does not match.
            pub fn parse(s: &str) -> Result<$ty, WireError> {
                if has_shape(s, $prefix) {
                    Ok($ty(SidText::new(s)))
                } else {
                    Err(WireError::InvalidSid {
                        kind: $kind,
                        expected: concat!($prefix, " followed by 32 hexadecimal digits"),
                        value: s.to_owned(),
                    })
                }
            }

            #[doc = concat!("The deterministic SID number `n`: `", $prefix, "` + `format!(\"{:032x}\", n)`.")]
            pub fn from_counter(n: u64) -> $ty {
                $ty(SidText::counter($prefix, n))
            }

            /// The number its 32 hexadecimal digits spell, read case-insensitively: `n` for
            /// `from_counter(n)`.
            pub fn number(&self) -> u128 {
                self.0.number()
            }
        }
        sid_common!($ty);
    };
}

counter_sid!(
    /// An API Key SID: `SK` + 32 hexadecimal digits, the Basic-auth username of an API key (§1),
    /// for example `SK00000000000000000000000000000001` (OAI `api.v2010.account.key`).
    KeySid,
    "SK",
    "API Key SID"
);

counter_sid!(
    /// An IncomingPhoneNumber SID: `PN` + 32 hexadecimal digits, one number the account owns
    /// (OAI `api.v2010.account.incoming_phone_number`; also the `sid` of a Messaging Service's
    /// PhoneNumber), for example `PN00000000000000000000000000000001`.
    PhoneNumberSid,
    "PN",
    "Phone Number SID"
);

counter_sid!(
    /// A Messaging Service SID: `MG` + 32 hexadecimal digits (`messaging.v1.service`), for
    /// example `MG00000000000000000000000000000001`.
    ServiceSid,
    "MG",
    "Messaging Service SID"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_constructors_are_deterministic_and_valid() {
        assert_eq!(
            MessageSid::sms(42).as_str(),
            "SM0000000000000000000000000000002a"
        );
        assert_eq!(
            MessageSid::mms(1).as_str(),
            "MM00000000000000000000000000000001"
        );
        assert!(MessageSid::mms(1).is_mms() && !MessageSid::sms(1).is_mms());
        assert_eq!(
            MediaSid::from_counter(u64::MAX).as_str(),
            "ME0000000000000000ffffffffffffffff"
        );
        assert_eq!(
            AccountSid::from_counter(1).to_string(),
            "AC00000000000000000000000000000001"
        );
        for s in [MessageSid::sms(7).as_str(), MessageSid::mms(7).as_str()] {
            assert_eq!(MessageSid::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(MessageSid::sms(42).number(), 42);
        let upper = MessageSid::parse("SMDED05904CCB347238880CA9264E8FE1C").unwrap();
        let lower = MessageSid::parse("SMded05904ccb347238880ca9264e8fe1c").unwrap();
        assert_eq!(upper.number(), lower.number());
        assert_eq!(upper.number(), 0xded05904ccb347238880ca9264e8fe1c);
    }

    proptest::proptest! {
        #[test]
        fn a_sid_number_is_what_its_hex_digits_spell_in_either_case(n: u128, upper: bool) {
            let text = format!("SM{n:032x}");
            let text = if upper { format!("SM{}", text[2..].to_ascii_uppercase()) } else { text };
            let sid = MessageSid::parse(&text).unwrap();
            proptest::prop_assert_eq!(sid.number(), n);
            proptest::prop_assert_eq!(sid.number(), u128::from_str_radix(&text[2..], 16).unwrap());
        }
    }

    #[test]
    fn counter_text_is_the_formatted_counter() {
        for n in [0, 1, 0x2a, 0xdead_beef, u64::MAX] {
            assert_eq!(MessageSid::sms(n).as_str(), format!("SM{n:032x}"));
            assert_eq!(KeySid::from_counter(n).as_str(), format!("SK{n:032x}"));
        }
        let sid = MessageSid::sms(5);
        assert_eq!(
            format!("{sid:?}"),
            "MessageSid(\"SM00000000000000000000000000000005\")"
        );
        assert!(MessageSid::sms(2) > MessageSid::sms(1) && MessageSid::mms(1) < MessageSid::sms(1));
    }

    #[test]
    fn parse_accepts_either_case_and_refuses_bad_shapes() {
        assert!(MessageSid::parse("SMded05904ccb347238880ca9264e8fe1c").is_ok());
        assert!(MessageSid::parse("SMDED05904CCB347238880CA9264E8FE1C").is_ok());
        assert!(AccountSid::parse("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").is_ok());
        for bad in [
            "",
            "SM",
            "MEded05904ccb347238880ca9264e8fe1c",
            "SMded05904ccb347238880ca9264e8fe1",
            "SMded05904ccb347238880ca9264e8fe1cc",
            "SMded05904ccb347238880ca9264e8fe1g",
            "smded05904ccb347238880ca9264e8fe1c",
        ] {
            let err = MessageSid::parse(bad).unwrap_err();
            assert!(matches!(
                err,
                WireError::InvalidSid {
                    kind: "Message SID",
                    ..
                }
            ));
        }
        assert!(AccountSid::parse("SMded05904ccb347238880ca9264e8fe1c").is_err());
        assert!(MediaSid::parse("ACded05904ccb347238880ca9264e8fe1c").is_err());
        // Multi-byte text of the right byte length must not panic on slicing.
        assert!(MessageSid::parse("SMé0000000000000000000000000000000").is_err());
    }

    #[test]
    fn serde_is_a_validated_string() {
        let sid = MessageSid::sms(3);
        let json = serde_json::to_string(&sid).unwrap();
        assert_eq!(json, "\"SM00000000000000000000000000000003\"");
        assert_eq!(serde_json::from_str::<MessageSid>(&json).unwrap(), sid);
        let err = serde_json::from_str::<MessageSid>("\"SMnope\"").unwrap_err();
        assert!(err.to_string().contains("not a valid Message SID"), "{err}");
        assert!(serde_json::from_str::<AccountSid>("42").is_err());
    }

    #[test]
    fn key_number_and_service_sids_count_and_check_their_prefix() {
        assert_eq!(
            KeySid::from_counter(26).as_str(),
            "SK0000000000000000000000000000001a"
        );
        assert_eq!(PhoneNumberSid::from_counter(1).number(), 1);
        assert_eq!(
            ServiceSid::parse("MGAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .unwrap()
                .number(),
            0xaaaa_aaaa_aaaa_aaaa_aaaa_aaaa_aaaa_aaaa
        );
        let err = KeySid::parse("AC00000000000000000000000000000001").unwrap_err();
        assert_eq!(
            err.to_string(),
            WireError::InvalidSid {
                kind: "API Key SID",
                expected: "SK followed by 32 hexadecimal digits",
                value: "AC00000000000000000000000000000001".into()
            }
            .to_string()
        );
        assert!(PhoneNumberSid::parse("PN123").is_err());
        let json = serde_json::to_string(&ServiceSid::from_counter(2)).unwrap();
        assert_eq!(
            serde_json::from_str::<ServiceSid>(&json).unwrap().number(),
            2
        );
    }
}
