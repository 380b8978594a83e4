//! The lifecycle of a transcript message (`sys_cs_message`): its direction and its delivery
//! status, with the order statuses move in (PROVIDER-2, PROVIDER-3; Twilio reference §3).
//!
//! | status | who sets it | rank |
//! |---|---|---|
//! | `pending` | the engine, before handing the message to the provider | 0 |
//! | `retrying` | the engine, after a temporary refusal (429, 5xx, unreachable) | 0 |
//! | `accepted`, `scheduled` | Twilio (Messaging Service, scheduled send) | 1 |
//! | `queued` | Twilio's answer to a create | 2 |
//! | `sending` | Twilio | 3 |
//! | `sent` | Twilio | 4 |
//! | `delivered`, `undelivered`, `failed`, `canceled` | Twilio, or the engine for a final refusal | 5 (final) |
//! | `received` | an inbound message | — |
//! | `internal` | a line only agents see | — |
//!
//! A status only ever moves to a higher rank ([`DeliveryStatus::advances_to`]): a late, duplicated
//! or out-of-order StatusCallback changes nothing, and nothing leaves a final status.

use std::fmt;
use std::str::FromStr;

use twilio_wire::message::MessageStatus;

/// A `sys_cs_message.status`. Stored as its lower-case name (`as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Written by the engine; not yet handed to the provider.
    Pending,
    /// The provider refused it for now; the engine tries again at `next_attempt_at`.
    Retrying,
    /// Accepted by a Messaging Service, not yet queued.
    Accepted,
    /// Scheduled by the provider for later.
    Scheduled,
    /// Queued by the provider (Twilio's answer to a create).
    Queued,
    /// Being handed to the carrier.
    Sending,
    /// The carrier accepted it.
    Sent,
    /// The carrier confirmed delivery. Final.
    Delivered,
    /// The carrier could not deliver it (30003..30008). Final.
    Undelivered,
    /// It could not be sent, by the provider's answer or the engine's last attempt. Final.
    Failed,
    /// A scheduled message that was canceled. Final.
    Canceled,
    /// An inbound message from the requester.
    Received,
    /// A line only agents see (joins, notes); never sent.
    Internal,
}

/// Every status, in rank order then the two outside the outbound lifecycle.
pub const ALL_STATUSES: [DeliveryStatus; 13] = [
    DeliveryStatus::Pending,
    DeliveryStatus::Retrying,
    DeliveryStatus::Accepted,
    DeliveryStatus::Scheduled,
    DeliveryStatus::Queued,
    DeliveryStatus::Sending,
    DeliveryStatus::Sent,
    DeliveryStatus::Delivered,
    DeliveryStatus::Undelivered,
    DeliveryStatus::Failed,
    DeliveryStatus::Canceled,
    DeliveryStatus::Received,
    DeliveryStatus::Internal,
];

impl DeliveryStatus {
    /// The stored spelling, for example `"pending"`; Twilio's spelling for Twilio's statuses.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Accepted => "accepted",
            DeliveryStatus::Scheduled => "scheduled",
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Undelivered => "undelivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Canceled => "canceled",
            DeliveryStatus::Received => "received",
            DeliveryStatus::Internal => "internal",
        }
    }

    /// The position in the outbound lifecycle (table above); `None` for `received` and
    /// `internal`, which never move.
    pub fn rank(self) -> Option<u8> {
        Some(match self {
            DeliveryStatus::Pending | DeliveryStatus::Retrying => 0,
            DeliveryStatus::Accepted | DeliveryStatus::Scheduled => 1,
            DeliveryStatus::Queued => 2,
            DeliveryStatus::Sending => 3,
            DeliveryStatus::Sent => 4,
            DeliveryStatus::Delivered
            | DeliveryStatus::Undelivered
            | DeliveryStatus::Failed
            | DeliveryStatus::Canceled => 5,
            DeliveryStatus::Received | DeliveryStatus::Internal => return None,
        })
    }

    /// Whether nothing can follow this status.
    pub fn is_final(self) -> bool {
        self.rank() == Some(5)
    }

    /// Whether a message in this status takes `reported` (PROVIDER-3): only strictly forward moves
    /// within the outbound lifecycle; never out of `received` or `internal`.
    pub fn advances_to(self, reported: DeliveryStatus) -> bool {
        matches!((self.rank(), reported.rank()), (Some(c), Some(r)) if r > c)
    }

    /// The delivery status a Twilio `MessageStatus` reports for an outbound message; `None` for
    /// statuses that say nothing about an outbound SMS's delivery (`receiving`, `received`, and
    /// WhatsApp's `read` and `partially_delivered`).
    pub fn from_twilio(status: MessageStatus) -> Option<DeliveryStatus> {
        Some(match status {
            MessageStatus::Queued => DeliveryStatus::Queued,
            MessageStatus::Sending => DeliveryStatus::Sending,
            MessageStatus::Sent => DeliveryStatus::Sent,
            MessageStatus::Failed => DeliveryStatus::Failed,
            MessageStatus::Delivered => DeliveryStatus::Delivered,
            MessageStatus::Undelivered => DeliveryStatus::Undelivered,
            MessageStatus::Accepted => DeliveryStatus::Accepted,
            MessageStatus::Scheduled => DeliveryStatus::Scheduled,
            MessageStatus::Canceled => DeliveryStatus::Canceled,
            MessageStatus::Receiving
            | MessageStatus::Received
            | MessageStatus::Read
            | MessageStatus::PartiallyDelivered => return None,
        })
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored value that is not one of the enum's spellings: a bad row, reported as an error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a {what}; expected one of {expected}")]
pub struct UnknownValue {
    /// The value found.
    pub value: String,
    /// What it should have been, for example `delivery status`.
    pub what: &'static str,
    /// The accepted spellings, comma-separated.
    pub expected: String,
}

impl FromStr for DeliveryStatus {
    type Err = UnknownValue;

    /// # Errors
    /// [`UnknownValue`] naming the value and listing the statuses.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL_STATUSES
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownValue {
                value: s.to_owned(),
                what: "delivery status",
                expected: ALL_STATUSES.map(DeliveryStatus::as_str).join(", "),
            })
    }
}

/// Which way a transcript message went (`sys_cs_message.direction`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the requester's phone.
    Inbound,
    /// To the requester's phone.
    Outbound,
    /// Shown to agents only; never sent.
    Internal,
}

impl Direction {
    /// The stored spelling: `inbound`, `outbound` or `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Direction {
    type Err = UnknownValue;

    /// # Errors
    /// [`UnknownValue`] unless `inbound`, `outbound` or `internal`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Direction::Inbound, Direction::Outbound, Direction::Internal]
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| UnknownValue {
                value: s.to_owned(),
                what: "message direction",
                expected: "inbound, outbound, internal".to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_move_forward_only() {
        use DeliveryStatus::*;
        assert!(Queued.advances_to(Sent));
        assert!(Queued.advances_to(Delivered));
        assert!(Sent.advances_to(Undelivered));
        assert!(Pending.advances_to(Queued));
        assert!(Retrying.advances_to(Failed));
        assert!(!Delivered.advances_to(Sent));
        assert!(!Delivered.advances_to(Delivered));
        assert!(!Failed.advances_to(Delivered));
        assert!(!Received.advances_to(Delivered));
        assert!(!Queued.advances_to(Received));
        assert!(!Internal.advances_to(Sent));
    }

    #[test]
    fn spellings_round_trip_and_unknown_ones_are_named() {
        for s in ALL_STATUSES {
            assert_eq!(s.as_str().parse::<DeliveryStatus>(), Ok(s));
        }
        let err = "bogus".parse::<DeliveryStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "'bogus' is not a delivery status; expected one of pending, retrying, accepted, \
             scheduled, queued, sending, sent, delivered, undelivered, failed, canceled, \
             received, internal"
        );
        assert_eq!("internal".parse::<Direction>(), Ok(Direction::Internal));
        assert!("sideways".parse::<Direction>().is_err());
    }

    #[test]
    fn twilio_statuses_map_onto_the_lifecycle() {
        assert_eq!(
            DeliveryStatus::from_twilio(MessageStatus::Undelivered),
            Some(DeliveryStatus::Undelivered)
        );
        assert_eq!(DeliveryStatus::from_twilio(MessageStatus::Read), None);
        assert_eq!(DeliveryStatus::from_twilio(MessageStatus::Received), None);
    }
}
