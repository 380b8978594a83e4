//! The pure decisions of Conversational SMS: no IO, no clock, no store.
//!
//! Each module takes what the engine loaded for one event (and `now` where time matters) and
//! returns what must change; [`crate::engine`] applies the decision in one transaction. Nothing
//! here imports the store, rusqlite, tokio, axum, reqwest or the simulator (a test in this module
//! reads every file under `src/domain/` to keep it so).
//!
//! - [`model`]: the records, named after ServiceNow's tables and states.
//! - [`phone`]: [`phone::E164`] and [`phone::Region`] over libphonenumber.
//! - [`conversation`]: messaging profiles (PROFILE), requester routing (REQ), the agent-initiated
//!   rows (AGENT) and profile validation (VALIDATE).
//! - [`delivery`]: a transcript message's direction and delivery status, and their order.
//! - [`keywords`]: the START / STOP / Notification keywords (NOTIF).
//! - [`topic`]: virtual-agent topics: format, loader, SMS rendering, replies, the runtime (VA).
//! - [`messaging_actions`]: messaging actions and the idle timeout (ACTION).
//! - [`work_assignment`]: Advanced Work Assignment for SMS (ROUTE, INBOX, SYSMSG).
//! - [`encoded_query`]: ServiceNow encoded queries, the filters of the two above.

pub mod conversation;
pub mod delivery;
pub mod encoded_query;
pub mod keywords;
pub mod messaging_actions;
pub mod model;
pub mod phone;
#[cfg(test)]
mod proptests;
pub mod topic;
pub mod work_assignment;
