//! convsms: ServiceNow's Conversational SMS engine, offline, against a simulated Twilio.
//!
//! A tour of the modules, from the edge inwards:
//!
//! - [`web`]: the engine's HTTP side (axum): Twilio's inbound webhook with X-Twilio-Signature
//!   checks, and ServiceNow's `/api/now/initiate_message/*` endpoints.
//! - [`twilio`]: [`twilio::TwilioClient`], the Twilio REST adapter of the [`provider::SmsProvider`]
//!   port.
//! - [`engine`]: [`engine::Engine`], which loads, decides and writes each event in one transaction
//!   and sends what must be sent.
//! - [`domain`], [`va`] and [`notif`]: pure decisions (profile matching, routing, compose rows, the
//!   virtual-agent stub, the START/STOP/Notification keywords). No IO.
//! - [`topic`]: virtual-agent topics from `topics/*.toml` (controls and responses SMS supports,
//!   their SMS rendering, lenient replies) as a pure state machine; IO only to read topic files.
//! - [`actions`]: messaging actions (ACTION-1..8): timers a message starts and cancels, what fires
//!   when due, and the idle timeout against closing actions. Pure.
//! - [`awa`]: Advanced Work Assignment for SMS (ROUTE-1..2, INBOX-1..3, SYSMSG-1): queues,
//!   capacity, offers, the Ongoing tab, which system messages reach the requester. Pure.
//! - [`encoded_query`]: ServiceNow encoded queries (`a=1^ORb=2^c=3`), the filter and routing
//!   conditions of the two above. Pure.
//! - [`store`]: [`store::SqliteStore`], the embedded SQLite database with ServiceNow's table names.
//! - [`model`], [`phone`], [`clock`], [`extension`], [`transcript`], [`error`]: the vocabulary.
//!
//! The step library and the `convsms` CLI live in the binary (`src/main.rs`, `src/check/`), not
//! here: see ARCHITECTURE.md.

pub mod actions;
pub mod awa;
pub mod clock;
pub mod domain;
pub mod encoded_query;
pub mod engine;
pub mod engine_actions;
pub mod engine_awa;
pub mod error;
pub mod extension;
pub mod model;
pub mod notif;
pub mod phone;
pub mod provider;
pub mod store;
pub mod topic;
pub mod transcript;
pub mod twilio;
pub mod va;
pub mod web;

pub use error::Error;
