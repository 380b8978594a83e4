//! The transcript: `sys_cs_message` rows, their delivery status, send retries and reconciliation.

use chrono::{DateTime, Utc};
use const_format::concatcp;
use rusqlite::{params, OptionalExtension};
use twilio_wire::sid::MessageSid;

use super::{
    json_col, parsed, parsed_opt, status_col, sys_id_of, ts, ts_col, ts_opt_col, RetryRow,
    StoreError, Tx,
};
use crate::domain::delivery::{DeliveryStatus, Direction};
use crate::domain::model::*;

/// The `rid` of the `sys_cs_message` row whose sys_id is `sys_id` (migration 15): the number its
/// 32 hex digits spell, which is how a message is looked up by sys_id (the table has no index
/// on the text). Only the exact spelling `printf('%032x', rid)` gives is read, so a look-up by
/// `rid` finds what one by the text would have.
///
/// # Errors
/// [`rusqlite::Error::ToSqlConversionFailure`] when `sys_id` is not 32 lower-case hex digits of
/// a number below 2^63: no message has such a sys_id ([`Tx::insert_message`] gives every one).
pub(crate) fn message_rid(sys_id: &str) -> Result<i64, StoreError> {
    let spelled = sys_id.len() == 32
        && sys_id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    spelled
        .then(|| i64::from_str_radix(sys_id, 16).ok())
        .flatten()
        .ok_or_else(|| {
            rusqlite::Error::ToSqlConversionFailure(
                format!(
                    "'{sys_id}' is not a message's sys_id: expected 32 lower-case hex digits \
                     of a number below 2^63"
                )
                .into(),
            )
        })
}

impl Tx<'_> {
    // ----- transcript -------------------------------------------------------------------------

    /// Whether a message with this provider SID is already stored (webhook idempotency).
    pub fn has_provider_sid(&self, sid: &MessageSid) -> Result<bool, StoreError> {
        self.row(
            "SELECT 1 FROM sys_cs_message WHERE provider_sid = ?1",
            [sid.as_str()],
            |_| Ok(()),
        )
        .optional()
        .map(|o| o.is_some())
    }

    /// Whether the virtual agent or a live agent wrote anything in the interaction (`sys_id`, 32
    /// hex characters): `false` for one that only held a requester's keywords and the system's
    /// answers (the idle close then does not tell the requester; see
    /// [`crate::domain::work_assignment::SystemMessage::IdleClosedKeywordsOnly`]).
    pub fn agents_wrote(&self, interaction: &str) -> Result<bool, StoreError> {
        self.row(
            "SELECT 1 FROM sys_cs_message
             WHERE interaction = ?1 AND author_kind IN ('virtual_agent', 'agent') LIMIT 1",
            [interaction],
            |_| Ok(()),
        )
        .optional()
        .map(|o| o.is_some())
    }

    /// Appends a message to an interaction's transcript and returns its sys_id.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_message(
        &self,
        interaction: &str,
        direction: Direction,
        author_kind: AuthorKind,
        author: Option<&str>,
        body: &str,
        media: &[Media],
        provider_sid: Option<&MessageSid>,
        status: DeliveryStatus,
        now: DateTime<Utc>,
    ) -> Result<SysId, StoreError> {
        let rid = self.new_sys_number()?;
        // The next seq of the interaction, in the insert itself (one statement, not two); the
        // sys_id is the row's `rid` in hex (migration 15).
        self.exec(
            "INSERT INTO sys_cs_message (rid, interaction, seq, direction, author_kind, author, body,
                 media, provider_sid, status, sys_created_on, sys_updated_on)
             VALUES (?1, ?2,
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM sys_cs_message WHERE interaction = ?2),
                 ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                rid,
                interaction,
                direction.as_str(),
                author_kind.as_str(),
                author,
                body,
                serde_json::to_string(media).expect("media serializes"),
                provider_sid.map(MessageSid::as_str),
                status.as_str(),
                ts(now)
            ],
        )?;
        Ok(sys_id_of(rid))
    }

    /// Records the message the provider's list showed a retrying send's lost attempt had
    /// created (its SID and status) without counting an attempt: that attempt was counted when
    /// its answer was lost, and the look is not another. A row no longer `retrying` is left as
    /// it is.
    ///
    /// # Errors
    /// `message` is not a message's sys_id (32 lower-case hex digits of a number below 2^63),
    /// or SQLite fails (a `UNIQUE` failure when another row holds `sid`).
    pub fn record_found(
        &self,
        message: &str,
        sid: &MessageSid,
        status: DeliveryStatus,
        error: Option<(Option<i64>, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.set_answer(
            "UPDATE sys_cs_message SET provider_sid = ?1, status = ?2, error_code = ?3, error_message = ?4,
                 sys_updated_on = ?5, next_attempt_at = NULL, unconfirmed_since = NULL
             WHERE rid = ?6 AND status = 'retrying'",
            message,
            Some(sid),
            status,
            error,
            now,
        )
    }

    /// Records the provider's answer to a send (its SID and status, or the failure) and counts
    /// the attempt (accepted or refused for good: no further attempt is due).
    ///
    /// # Errors
    /// `message` is not a message's sys_id (32 lower-case hex digits of a number below 2^63),
    /// or SQLite fails.
    pub fn record_send(
        &self,
        message: &str,
        sid: Option<&MessageSid>,
        status: DeliveryStatus,
        error: Option<(Option<i64>, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.set_answer(
            "UPDATE sys_cs_message SET provider_sid = ?1, status = ?2, error_code = ?3, error_message = ?4,
                 sys_updated_on = ?5, attempts = attempts + 1, next_attempt_at = NULL,
                 unconfirmed_since = NULL WHERE rid = ?6",
            message,
            sid,
            status,
            error,
            now,
        )
    }

    /// Runs `sql`, an UPDATE of one message by `rid` (`?6`) setting its MessageSid (`?1`),
    /// status (`?2`), error code and text (`?3`, `?4`) and update time (`?5`): the binding
    /// [`Tx::record_send`] and [`Tx::record_found`] share.
    fn set_answer(
        &self,
        sql: &'static str,
        message: &str,
        sid: Option<&MessageSid>,
        status: DeliveryStatus,
        error: Option<(Option<i64>, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            sql,
            params![
                sid.map(MessageSid::as_str),
                status.as_str(),
                error.and_then(|e| e.0),
                error.map(|e| e.1),
                ts(now),
                message_rid(message)?
            ],
        )?;
        Ok(())
    }

    /// Puts a send the provider could not take back in line for `at`, counting the attempt.
    /// `unconfirmed_since`: when the attempt whose answer was lost started, if whether it
    /// created the message is still unconfirmed (the retry looks in the provider's list first);
    /// `None` when nothing is in doubt.
    ///
    /// # Errors
    /// `message` is not a message's sys_id (32 lower-case hex digits of a number below 2^63),
    /// or SQLite fails.
    pub fn schedule_retry(
        &self,
        message: &str,
        error: (Option<i64>, &str),
        at: DateTime<Utc>,
        unconfirmed_since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sys_cs_message SET status = 'retrying', attempts = attempts + 1, next_attempt_at = ?1,
                 error_code = ?2, error_message = ?3, sys_updated_on = ?4, unconfirmed_since = ?5
             WHERE rid = ?6",
            params![
                ts(at),
                error.0,
                error.1,
                ts(now),
                unconfirmed_since.map(ts),
                message_rid(message)?
            ],
        )?;
        Ok(())
    }

    /// Moves a `retrying` send's next attempt to `at` without counting one (none was made: a
    /// look in the provider's list for a lost answer could not be made), with `error` saying
    /// why.
    ///
    /// # Errors
    /// `message` is not a message's sys_id (32 lower-case hex digits of a number below 2^63),
    /// or SQLite fails.
    pub fn postpone_retry(
        &self,
        message: &str,
        error: (Option<i64>, &str),
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sys_cs_message SET next_attempt_at = ?1, error_code = ?2, error_message = ?3,
                 sys_updated_on = ?4 WHERE rid = ?5 AND status = 'retrying'",
            params![ts(at), error.0, error.1, ts(now), message_rid(message)?],
        )?;
        Ok(())
    }

    /// Ends a `retrying` send as `failed` with `error` without counting an attempt: its last
    /// attempt's answer was lost and the provider's list shows it created nothing, and no
    /// attempt remains.
    ///
    /// # Errors
    /// `message` is not a message's sys_id (32 lower-case hex digits of a number below 2^63),
    /// or SQLite fails.
    pub fn give_up(
        &self,
        message: &str,
        error: (Option<i64>, &str),
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.fail_retrying(message, error, false, now)
    }

    /// Whether the send `message` is still `retrying` after `attempts` attempts and due by
    /// `now` (a retry read before another dispatch of it made or postponed it is not made).
    ///
    /// # Errors
    /// `message` is not a message's sys_id, or SQLite fails.
    pub fn still_retrying(
        &self,
        message: &str,
        attempts: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.row(
            "SELECT 1 FROM sys_cs_message WHERE rid = ?1 AND status = 'retrying' AND attempts = ?2
                AND next_attempt_at <= ?3",
            params![message_rid(message)?, attempts, ts(now)],
            |_| Ok(()),
        )
        .optional()
        .map(|o| o.is_some())
    }

    /// Ends a `retrying` send as `failed` with `error`, its fate unknown: its lost answer stayed
    /// unconfirmed too long. No attempt is counted, and `unconfirmed_since` is kept: the
    /// provider may hold its message (migration 21 indexes such rows).
    ///
    /// # Errors
    /// `message` is not a message's sys_id (32 lower-case hex digits of a number below 2^63),
    /// or SQLite fails.
    pub fn fail_unconfirmed(
        &self,
        message: &str,
        error: (Option<i64>, &str),
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.fail_retrying(message, error, true, now)
    }

    /// Ends a `retrying` send as `failed` with `error`, counting no attempt, its
    /// `unconfirmed_since` kept when `keep_unconfirmed` ([`Tx::fail_unconfirmed`]) or cleared
    /// ([`Tx::give_up`]); a row no longer `retrying` is left as it is.
    fn fail_retrying(
        &self,
        message: &str,
        error: (Option<i64>, &str),
        keep_unconfirmed: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sys_cs_message SET status = 'failed', error_code = ?1, error_message = ?2,
                 sys_updated_on = ?3, next_attempt_at = NULL,
                 unconfirmed_since = CASE WHEN ?5 THEN unconfirmed_since END
             WHERE rid = ?4 AND status = 'retrying'",
            params![
                error.0,
                error.1,
                ts(now),
                message_rid(message)?,
                keep_unconfirmed
            ],
        )?;
        Ok(())
    }

    /// Sends due for another attempt at `now`: (message sys_id, interaction sys_id, body, media,
    /// attempts so far, since when a lost answer is unconfirmed), oldest due first.
    pub fn due_retries(&self, now: DateTime<Utc>) -> Result<Vec<RetryRow>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT m.sys_id, m.interaction, m.body, m.media, m.attempts, m.unconfirmed_since
             FROM sys_cs_message m
             WHERE m.status = 'retrying' AND m.next_attempt_at <= ?1
             ORDER BY m.next_attempt_at, m.rid",
        )?;
        let rows = st.query_map([ts(now)], |r| {
            Ok(RetryRow {
                message: r.get(0)?,
                interaction: r.get(1)?,
                body: r.get(2)?,
                media: json_col(r, 3)?,
                attempts: r.get(4)?,
                unconfirmed_since: ts_opt_col(r, 5)?,
            })
        })?;
        rows.collect()
    }

    /// Outbound messages still on their way (queued, sending, sent, accepted) whose status has not
    /// changed since `before`: candidates for asking the provider (a callback may have been lost).
    pub fn stale_in_flight(&self, before: DateTime<Utc>) -> Result<Vec<MessageSid>, StoreError> {
        let mut st = self.0.prepare_cached(concatcp!(
            "SELECT provider_sid FROM sys_cs_message WHERE ",
            STALE,
            " AND sys_updated_on <= ?1 ORDER BY sys_updated_on, rid"
        ))?;
        let rows = st.query_map([ts(before)], |r| {
            parsed(r, 0, "a MessageSid", |s| MessageSid::parse(s).ok())
        })?;
        rows.collect()
    }

    /// The interaction sys_id → its row.
    pub fn interaction_by_sys_id(&self, sys_id: &str) -> Result<Option<Interaction>, StoreError> {
        self.row(
            concat!(
                "SELECT ",
                interaction_cols!(),
                " FROM interaction WHERE sys_id = ?1"
            ),
            [sys_id],
            Self::interaction_from_row,
        )
        .optional()
    }

    /// Records that the provider was asked about a message just now (its status did not move).
    pub fn touch_message(
        &self,
        provider_sid: &MessageSid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sys_cs_message SET sys_updated_on = ?1 WHERE provider_sid = ?2",
            params![ts(now), provider_sid.as_str()],
        )?;
        Ok(())
    }

    /// The sys_id and status of the message with this provider SID.
    pub fn message_by_sid(
        &self,
        sid: &MessageSid,
    ) -> Result<Option<(SysId, DeliveryStatus)>, StoreError> {
        self.row(
            "SELECT sys_id, status FROM sys_cs_message WHERE provider_sid = ?1",
            [sid.as_str()],
            |r| Ok((r.get(0)?, status_col(r, 1)?)),
        )
        .optional()
    }

    /// The delivery status of the message with this provider SID, with the provider's error code
    /// when it failed (what the engine was told, which may not be what the provider knows).
    pub fn message_outcome_by_sid(
        &self,
        sid: &MessageSid,
    ) -> Result<Option<(DeliveryStatus, Option<i64>)>, StoreError> {
        self.row(
            "SELECT status, error_code FROM sys_cs_message WHERE provider_sid = ?1",
            [sid.as_str()],
            |r| Ok((status_col(r, 0)?, r.get(1)?)),
        )
        .optional()
    }

    /// Sets a message's delivery status (and the provider's error, when it failed).
    ///
    /// # Errors
    /// `message` is not a message's sys_id (32 lower-case hex digits of a number below 2^63),
    /// or SQLite fails.
    pub fn set_message_status(
        &self,
        message: &str,
        status: DeliveryStatus,
        error: Option<(i64, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sys_cs_message SET status = ?1,
                 error_code = COALESCE(?2, error_code), error_message = COALESCE(?3, error_message),
                 sys_updated_on = ?4 WHERE rid = ?5",
            params![
                status.as_str(),
                error.map(|e| e.0),
                error.map(|e| e.1),
                ts(now),
                message_rid(message)?
            ],
        )?;
        Ok(())
    }

    /// An interaction's transcript, in order.
    pub fn transcript(&self, interaction: &str) -> Result<Vec<Message>, StoreError> {
        let mut st = self.0.prepare_cached(concatcp!(
            "SELECT ",
            MESSAGE_COLS,
            " FROM sys_cs_message m LEFT JOIN sys_user u ON u.sys_id = m.author
              WHERE m.interaction = ?1 ORDER BY m.seq"
        ))?;
        let rows = st.query_map([interaction], |r| message_from(r, 0))?;
        rows.collect()
    }
}

/// A send on its way whose status a lost callback could leave unmoved (accepted, queued,
/// sending, sent), as an SQL condition: spelled as the partial index `sys_cs_message_stale`
/// spells it (migration 12), so that SQLite uses the index.
pub(crate) const STALE: &str = "direction = 'outbound' AND provider_sid IS NOT NULL
      AND (status = 'accepted' OR status = 'queued' OR status = 'sending' OR status = 'sent')";

/// The columns [`message_from`] reads, in order, from `sys_cs_message m` and `sys_user u`.
pub(crate) const MESSAGE_COLS: &str = "m.seq, m.direction, m.author_kind, u.user_name, m.body,
    m.media, m.provider_sid, m.status, m.error_code, m.error_message, m.sys_created_on,
    m.sys_updated_on, m.attempts";

/// A transcript message from the columns [`MESSAGE_COLS`] starting at column `at`.
pub(crate) fn message_from(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Message> {
    Ok(Message {
        seq: r.get(at)?,
        direction: parsed(r, at + 1, "a message direction", |s| s.parse().ok())?,
        author_kind: parsed(r, at + 2, "an author kind", AuthorKind::parse)?,
        author: r.get(at + 3)?,
        body: r.get(at + 4)?,
        media: json_col(r, at + 5)?,
        provider_sid: parsed_opt(r, at + 6, "a MessageSid", |s| MessageSid::parse(s).ok())?,
        status: status_col(r, at + 7)?,
        error_code: r.get(at + 8)?,
        error_message: r.get(at + 9)?,
        created_at: ts_col(r, at + 10)?,
        updated_at: ts_col(r, at + 11)?,
        attempts: r.get(at + 12)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message's sys_id reads as its `rid` only in the spelling the generated column gives.
    #[test]
    fn a_message_rid_is_read_from_exactly_the_generated_spelling() {
        assert_eq!(
            message_rid("00000000000000000000000000fedcba").unwrap(),
            0xfedcba
        );
        assert_eq!(sys_id_of(0xfedcba), "00000000000000000000000000fedcba");
        for bad in [
            "fedcba",
            "+0000000000000000000000000fedcba",
            "00000000000000000000000000FEDCBA",
            "0000000000000000ffffffffffffffff",
            "0000000000000000000000000000000g",
        ] {
            let err = message_rid(bad).unwrap_err().to_string();
            assert!(
                err.contains(&format!("'{bad}' is not a message's sys_id")),
                "{bad}: {err}"
            );
        }
    }
}
