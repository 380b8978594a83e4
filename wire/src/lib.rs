//! Twilio's wire formats, shared by the engine and the simulator (`convsms_sim`); this crate depends
//! on neither of them.
//!
//! Section numbers (§) refer to `../shared/reference/twilio-messaging.md` (beside the repository).
//!
//! A tour of the modules:
//!
//! * [`sid`]: validated identifier newtypes, [`sid::AccountSid`] (`AC` + 32 hex),
//!   [`sid::MessageSid`] (`SM`/`MM` + 32 hex), [`sid::MediaSid`] (`ME` + 32 hex),
//!   [`sid::KeySid`] (`SK`), [`sid::PhoneNumberSid`] (`PN`) and [`sid::ServiceSid`] (`MG`), with
//!   deterministic counter-based constructors for simulations.
//! * [`signature`]: the `X-Twilio-Signature` webhook signature (§6): [`signature::sign`] and the
//!   lenient, constant-time [`signature::validate`].
//! * [`date`]: RFC 2822 timestamps as Twilio writes them (`Thu, 24 Aug 2023 05:01:45 +0000`).
//! * [`error`]: Twilio's REST error JSON ([`error::ApiError`], §5.1) and this crate's own error
//!   type, [`error::WireError`].
//! * [`message`]: the Message resource JSON ([`message::Message`], §2.3) and its Media
//!   subresource ([`message::Media`], §2.5).
//! * [`segments`]: GSM-7 / UCS-2 encoding, `num_segments` and Smart Encoding (§8), used by the
//!   simulator to count and by the engine to show what an SMS costs.
//! * [`webhook`]: the two webhook forms Twilio POSTs to the app, typed:
//!   [`webhook::InboundMessage`] ("A message comes in", §4.1) and [`webhook::StatusCallback`]
//!   (§3.1), each with `to_params` (Twilio's parameter order) and `from_params` (refusing with a
//!   [`webhook::WebhookError`] that says what is missing or wrong).
//! * [`key`]: the API Key resource ([`key::Key`], [`key::NewKey`] with its secret, §1).
//! * [`phone_number`]: the IncomingPhoneNumber resource ([`phone_number::IncomingPhoneNumber`]),
//!   a number the account owns and its `sms_url`.
//! * [`service`]: Messaging Services of `messaging.twilio.com/v1` ([`service::Service`], its
//!   sender pool [`service::ServicePhoneNumber`], v1 list pages with [`service::V1Meta`]).
//! * [`page`]: list pages (§2.4): the eight meta keys ([`page::PageMeta`]) with host-relative
//!   paging URIs, [`page::MessagePage`] (`messages`) and [`page::MediaPage`] (`media_list`).
//! * [`loopback`]: not a Twilio format but shared by both local servers: pure checks that keep a
//!   loopback server to local tools (`Host`, `Origin`, `Content-Type`), each refusal a
//!   [`loopback::Refusal`] with its HTTP status.

pub mod date;
pub mod error;
pub mod key;
pub mod loopback;
pub mod message;
pub mod page;
pub mod phone_number;
pub mod segments;
pub mod service;
pub mod sid;
pub mod signature;
pub mod webhook;

pub use error::{ApiError, WireError};
