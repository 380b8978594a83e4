//! convsms: ServiceNow's Conversational SMS engine, offline, against a simulated Twilio.
//!
//! A tour of the modules, from the edge inwards:
//!
//! - [`web`]: the engine's HTTP side (axum): Twilio's inbound webhook and StatusCallback
//!   (X-Twilio-Signature checked first, then the form read as `twilio_wire::webhook`'s types),
//!   and ServiceNow's `/api/now/initiate_message/*` endpoints.
//! - [`twilio`]: [`twilio::TwilioClient`], the Twilio REST adapter of the [`provider::SmsProvider`]
//!   port.
//! - [`engine`]: [`engine::Engine`], which loads, decides and writes each event in one transaction
//!   and sends what must be sent; one module per use case.
//! - [`domain`]: the pure decisions (profiles, routing, compose rows, keywords, topics, messaging
//!   actions, work assignment, encoded queries). No IO but reading topic files
//!   (`domain::topic::load_dir`).
//! - [`store`]: [`store::SqliteStore`], the embedded SQLite database with ServiceNow's table names.
//! - [`clock`], [`provider`], [`transcript`], [`error`]: the ports and the vocabulary around them.
//!
//! The step library and the `convsms` CLI live in the binary package (`cli/`), not here: see
//! ARCHITECTURE.md.

pub mod clock;
pub mod domain;
pub mod engine;
pub mod error;
pub mod provider;
pub mod store;
pub mod transcript;
pub mod twilio;
pub mod web;

pub use error::Error;
