//! The simulator's control API under `/_sim/`: JSON, no authentication, loopback only, for tools
//! outside the process (`convsms sim`, SDK tests in other languages). Every route, with the Rust
//! call it mirrors:
//!
//! | route | body | answer | Rust | module |
//! |---|---|---|---|---|
//! | `GET /_sim/messages[?to=E164][&after=SID][&limit=N]` | | 200 + `{"messages": [Message…], "next"}`, oldest first | [`crate::Simulator::messages_to`], [`crate::Simulator::messages_after`] | `messages` |
//! | `POST /_sim/inbound` | `{"from", "to", "body"?, "media_urls"?}` | 200 + `{"sid", "http_status", "body"}` | [`crate::Simulator::send_inbound`] | `messages` |
//! | `POST /_sim/reset` | none | 204 | [`crate::Simulator::reset`] | `messages` |
//! | `POST /_sim/flush` | none | 200 + `{"callbacks": n}` | [`crate::Simulator::run_due`] | `behaviour` |
//! | `POST /_sim/carrier` | `{"number", "profile"}` | 200 + the same, number normalised | [`crate::Simulator::set_carrier`] | `behaviour` |
//! | `POST /_sim/optout` | `{"enabled": bool}` | 200 + `{"enabled"}` | [`crate::Simulator::set_opt_out_handling`] | `behaviour` |
//! | `POST /_sim/faults` | see below | 200 + `{}` | [`crate::Simulator::set_fault_seed`], [`crate::Simulator::clear_faults`], [`crate::Simulator::set_callback_fault`], [`crate::Simulator::set_webhook_fault`], [`crate::Simulator::set_api_fault`] | `behaviour` |
//! | `GET /_sim/errors` | | 200 + `[{"code", "message", "sid", "url", "at"}…]`, oldest first | [`crate::Simulator::errors`] | `behaviour` |
//!
//! Errors are `{"error": "…"}` with a 4xx/5xx status; a malformed JSON body gets axum's JSON
//! rejection instead (HTTP 400/415/422 with a plain-text body), on every route.
//!
//! * `GET /_sim/messages?to=E164&after=SID&limit=N`: a page of the retained Message resources
//!   (see [`crate::SimConfig::retain`]) sent to `to` (with Twilio's opt-out auto-replies to
//!   it), or without `to` of every retained message, oldest first, from the first whose SID
//!   counter is above `after`'s (default: the first), at most `limit` (default 1,000, at most
//!   10,000): `{"messages": [...], "next": "/_sim/messages?…&after=SM…&limit=N"}`, `next` being
//!   `null` on the last page. A page costs O(log n + limit) however many are retained, and the
//!   state lock is not held while it is serialised. 400 + `{"error"}` for an unknown or
//!   repeated parameter, an `after` that is not `SM`/`MM` + 32 hex, a `limit` outside
//!   1..=10,000. A `+` that was not percent-encoded arrives as a space; a leading space of `to`
//!   is read back as `+`. (Until this page format it answered a bare array of every message.)
//! * `POST /_sim/inbound` with `{"from", "to", "body", "media_urls"}` (`body` and `media_urls`
//!   optional): a handset texts the account. 400 + `{"error"}` for [`crate::SimError::NoSmsUrl`]
//!   / [`crate::SimError::NotAccountNumber`]; 502 + `{"error"}` when the webhook could not be
//!   delivered; 504 + `{"error"}` when an injected timeout fault lost the answer.
//! * `POST /_sim/reset`: forgets every message, media file, schedule, opt-out block, status
//!   callback and debugger entry, restarts the SID counters, and removes every fault (API faults
//!   and their generator too); the account's numbers and SMS URL stay. Everything else the state
//!   holds returns to its start-up value (the retention window stays as set). Empty body.
//! * `POST /_sim/flush`: the simulator cannot move a clock it does not own: it applies what is
//!   due by the clock it was started with. A standalone server runs on wall time, so a flush
//!   there delivers whatever has become due since the messages were created (nothing runs on its
//!   own: no background timer).
//! * `POST /_sim/carrier`: profiles in snake case: `delivers`, `unreachable`,
//!   `unknown_handset`, `landline`, `filtered`, `unknown_error`, `not_mobile`
//!   ([`crate::CarrierProfile`]).
//! * `POST /_sim/faults` takes any of `{"seed": 7, "clear": true, "number": "+1…",
//!   "probability": 0.5, "callback": {"kind": "delay", "seconds": 10}, "webhook": {"kind":
//!   "timeout"}, "api": {"kind": "rate_limit"}}` (unknown keys are refused), applied in that
//!   order: `seed` restarts the generators, `clear` removes every rule, then each of `api` /
//!   `callback` / `webhook` sets the rule of the scope (`number`, matching a message's `From` or
//!   `To`; global without it) with `probability` (default 1); a `null` fault removes that scope's
//!   rule. 400 + `{"error"}` when `probability` is outside `[0, 1]` (nothing is changed then).
//!   Faults: [`crate::CallbackFault`], [`crate::WebhookFault`] (see `faults`) and
//!   [`crate::ApiFault`]: `{"kind": "rate_limit"}` (429 / 20429), `{"kind": "server_error"}`
//!   (500 / 20500), `{"kind": "latency", "ms": 1500}`, on `POST …/Messages.json` only (see
//!   `api_faults`).

use std::sync::Arc;

use axum::Router;

use crate::Core;

mod behaviour;
mod messages;

/// Every `/_sim/` route.
pub(crate) fn router() -> Router<Arc<Core>> {
    messages::router().merge(behaviour::router())
}
