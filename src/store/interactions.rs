//! Provider numbers (`sys_cs_provider_application`), `interaction` records and `sys_attachment`.

use chrono::{DateTime, SubsecRound, Utc};
use const_format::concatcp;
use rusqlite::{params, OptionalExtension, Row};

use super::{e164_col, parsed, stored_e164, ts, ts_col, StoreError, Tx};
use crate::domain::model::*;
use crate::domain::phone::E164;

impl Tx<'_> {
    // ----- providers --------------------------------------------------------------------------

    /// The provider application a number belongs to, with its integration.
    pub fn provider_number_owner(
        &self,
        number: &E164,
    ) -> Result<Option<(String, String)>, StoreError> {
        self.row(
            "SELECT a.name, a.integration FROM sys_cs_provider_number n
                 JOIN sys_cs_provider_application a ON a.sys_id = n.provider_application
                 WHERE n.number = ?1",
            [number.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
    }

    /// Adds a number to a provider application, creating the application if needed.
    pub fn insert_provider_number(
        &self,
        application: &str,
        integration: &str,
        number: &E164,
    ) -> Result<(), StoreError> {
        self.1.config().borrow_mut().provider_numbers.clear();
        let app: Option<String> = self
            .row(
                "SELECT sys_id FROM sys_cs_provider_application WHERE name = ?1",
                [application],
                |r| r.get(0),
            )
            .optional()?;
        let app = match app {
            Some(a) => a,
            None => {
                let id = self.new_sys_id()?;
                self.exec(
                    "INSERT INTO sys_cs_provider_application (sys_id, name, integration) VALUES (?1, ?2, ?3)",
                    [&id, application, integration],
                )?;
                id
            }
        };
        self.exec(
            "INSERT INTO sys_cs_provider_number (number, provider_application) VALUES (?1, ?2)",
            [number.as_str(), &app],
        )?;
        Ok(())
    }

    /// The provider numbers of an integration, sorted (read once, then remembered until a
    /// provider number is added).
    pub fn provider_numbers(&self, integration: &str) -> Result<Vec<E164>, StoreError> {
        if let Some(numbers) = self.1.config().borrow().provider_numbers.get(integration) {
            return Ok(numbers.clone());
        }
        let mut st = self.0.prepare_cached(
            "SELECT n.number FROM sys_cs_provider_number n
             JOIN sys_cs_provider_application a ON a.sys_id = n.provider_application
             WHERE a.integration = ?1 ORDER BY n.number",
        )?;
        let rows = st.query_map([integration], |r| r.get::<_, String>(0))?;
        let numbers: Vec<E164> = rows
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter_map(|s| stored_e164(&s))
            .collect();
        self.1
            .config()
            .borrow_mut()
            .provider_numbers
            .insert(integration.to_owned(), numbers.clone());
        Ok(numbers)
    }

    // ----- interactions -----------------------------------------------------------------------

    pub(super) fn interaction_from_row(r: &Row<'_>) -> rusqlite::Result<Interaction> {
        let assigned: Option<String> = r.get(5)?;
        Ok(Interaction {
            sys_id: r.get(0)?,
            number: parsed(r, 1, "an interaction number (IMS + 7 digits)", |s| {
                InteractionNumber::parse(s).ok()
            })?,
            kind: parsed(r, 2, "an interaction type", InteractionType::parse)?,
            state: parsed(r, 3, "an interaction state", InteractionState::parse)?,
            active: r.get(4)?,
            handler: handler_of(assigned),
            opened_for: (
                parsed(r, 6, "a requester table", PartyTable::from_table)?,
                r.get(7)?,
            ),
            profile: r.get(8)?,
            requester_phone: e164_col(r, 9)?,
            provider_phone: e164_col(r, 10)?,
            va_node: r.get(11)?,
            opened_at: ts_col(r, 12)?,
            va_state: r.get(13)?,
        })
    }

    pub(super) const INTERACTION_COLS: &'static str = interaction_cols!();

    /// The active SMS interaction of a (requester phone, provider number) pair.
    pub fn active_sms_interaction(
        &self,
        requester: &E164,
        provider: &E164,
    ) -> Result<Option<Interaction>, StoreError> {
        self.row(
                concat!(
                "SELECT ",
                interaction_cols!(),
                " FROM interaction WHERE requester_phone = ?1 AND provider_phone = ?2 AND active = 1 AND channel = 'sms'"
            ),
                [requester.as_str(), provider.as_str()],
                Self::interaction_from_row,
            )
            .optional()
    }

    /// When interaction `number` closed (its `closed_at`, UTC): `None` while it is open, or when
    /// no interaction has that number.
    ///
    /// # Errors
    /// A store failure, or a `closed_at` that does not read as a time (`BadValue`).
    pub fn interaction_closed_at(
        &self,
        number: &InteractionNumber,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self
            .row(
                "SELECT closed_at FROM interaction WHERE number = ?1",
                [number.as_str()],
                |r| super::ts_opt_col(r, 0),
            )
            .optional()?
            .flatten())
    }

    /// An interaction by number.
    pub fn interaction(
        &self,
        number: &InteractionNumber,
    ) -> Result<Option<Interaction>, StoreError> {
        self.row(
            concat!(
                "SELECT ",
                interaction_cols!(),
                " FROM interaction WHERE number = ?1"
            ),
            [number.as_str()],
            Self::interaction_from_row,
        )
        .optional()
    }

    /// Every interaction, by number.
    pub fn interactions(&self) -> Result<Vec<Interaction>, StoreError> {
        let mut st = self.0.prepare_cached(concatcp!(
            "SELECT ",
            Tx::INTERACTION_COLS,
            " FROM interaction ORDER BY number"
        ))?;
        let rows = st.query_map([], Self::interaction_from_row)?;
        rows.collect()
    }

    /// Opens a new interaction and returns it.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_interaction(
        &self,
        kind: InteractionType,
        handler: &Handler,
        opened_for: &Party,
        profile: Option<&str>,
        requester_phone: Option<&E164>,
        provider_phone: Option<&E164>,
        va_node: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Interaction, StoreError> {
        let sys_id = self.new_sys_id()?;
        let number = InteractionNumber::from_counter(self.next("IMS")?);
        let (assigned, state) = match handler {
            Handler::VirtualAgent => (Some(VIRTUAL_AGENT_SYS_ID.to_owned()), InteractionState::New),
            Handler::Agent(a) => (Some(a.clone()), InteractionState::WorkInProgress),
            Handler::Queue => (None, InteractionState::New),
        };
        self.exec(
            "INSERT INTO interaction (sys_id, number, type, channel, state, active, assigned_to,
                 opened_for_table, opened_for, channel_user_profile, requester_phone, provider_phone,
                 va_topic, va_node, opened_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                sys_id,
                number.as_str(),
                kind.as_str(),
                (kind == InteractionType::Messaging).then_some("sms"),
                state.as_str(),
                assigned,
                opened_for.table.as_str(),
                opened_for.sys_id,
                profile,
                requester_phone.map(E164::as_str),
                provider_phone.map(E164::as_str),
                va_node.map(|_| "greeting"),
                va_node,
                ts(now)
            ],
        )?;
        // The row as `interaction_from_row` would read it back (the test
        // `an_inserted_interaction_is_what_reading_it_back_gives` holds the two together): the
        // time to the stored millisecond, a handler through the stored `assigned_to`.
        Ok(Interaction {
            sys_id,
            number,
            kind,
            state,
            active: true,
            handler: handler_of(assigned),
            opened_for: (opened_for.table, opened_for.sys_id.clone()),
            profile: profile.map(str::to_owned),
            requester_phone: requester_phone.cloned(),
            provider_phone: provider_phone.cloned(),
            va_node: va_node.map(str::to_owned),
            opened_at: now.trunc_subsecs(3),
            va_state: None,
        })
    }

    /// Closes an interaction with a closed state, and cancels its pending messaging-action timers.
    pub fn close_interaction(
        &self,
        sys_id: &str,
        state: InteractionState,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE interaction SET active = 0, state = ?1, closed_at = ?2 WHERE sys_id = ?3",
            params![state.as_str(), ts(now), sys_id],
        )?;
        // A closed interaction's messaging-action timers will never fire: settled now, as
        // every other way a timer ends is (`settled_at`, which the soak's timer checks read).
        self.exec(
            "UPDATE sys_cs_action_timer SET state = 'cancelled', settled_at = ?2
             WHERE interaction = ?1 AND state = 'pending'",
            params![sys_id, ts(now)],
        )?;
        Ok(())
    }

    /// Assigns an interaction to a live agent (state work_in_progress) or the VA.
    pub fn assign(&self, sys_id: &str, handler: &Handler) -> Result<(), StoreError> {
        let (assigned, state) = match handler {
            Handler::VirtualAgent => (Some(VIRTUAL_AGENT_SYS_ID), InteractionState::New),
            Handler::Agent(a) => (Some(a.as_str()), InteractionState::WorkInProgress),
            Handler::Queue => (None, InteractionState::New),
        };
        self.exec(
            "UPDATE interaction SET assigned_to = ?1, state = ?2 WHERE sys_id = ?3",
            params![assigned, state.as_str(), sys_id],
        )?;
        Ok(())
    }

    /// Moves the virtual agent to another node (or none).
    pub fn set_va_node(&self, sys_id: &str, node: Option<&str>) -> Result<(), StoreError> {
        self.exec(
            "UPDATE interaction SET va_node = ?1 WHERE sys_id = ?2",
            params![node, sys_id],
        )?;
        Ok(())
    }

    /// Re-links an interaction to another requester record.
    pub fn relink_interaction(&self, sys_id: &str, to: &Party) -> Result<(), StoreError> {
        self.exec(
            "UPDATE interaction SET opened_for_table = ?1, opened_for = ?2 WHERE sys_id = ?3",
            params![to.table.as_str(), to.sys_id, sys_id],
        )?;
        Ok(())
    }

    /// Adds an agent to an interaction's live group profile; `false` if already there.
    pub fn join_live_group(
        &self,
        interaction: &str,
        agent: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // A member who left joins again: the row's stint starts anew.
        let n = self.exec(
            "INSERT INTO live_group_profile (interaction, agent, joined_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (interaction, agent) DO UPDATE
                 SET joined_at = excluded.joined_at, left_at = NULL WHERE left_at IS NOT NULL",
            params![interaction, agent, ts(now)],
        )?;
        Ok(n == 1)
    }

    /// `agent` (sys_id) leaves an interaction's live group profile at `now` (a transfer, leaving,
    /// a Reassign); returns whether they were a member.
    pub fn leave_live_group(
        &self,
        interaction: &str,
        agent: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE live_group_profile SET left_at = ?3
             WHERE interaction = ?1 AND agent = ?2 AND left_at IS NULL",
            params![interaction, agent, ts(now)],
        )?;
        Ok(n == 1)
    }

    /// The user_names of an interaction's live group profile's members (not those who left), in
    /// joining order.
    pub fn live_group(&self, interaction: &str) -> Result<Vec<String>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT u.user_name FROM live_group_profile l JOIN sys_user u ON u.sys_id = l.agent
             WHERE l.interaction = ?1 AND l.left_at IS NULL ORDER BY l.joined_at, u.user_name",
        )?;
        let rows = st.query_map([interaction], |r| r.get(0))?;
        rows.collect()
    }

    // ----- attachments ------------------------------------------------------------------------

    /// Stores a file and returns its sys_id.
    pub fn insert_attachment(
        &self,
        file_name: &str,
        content_type: &str,
        data: &[u8],
    ) -> Result<SysId, StoreError> {
        let sys_id = self.new_sys_id()?;
        self.exec(
            "INSERT INTO sys_attachment (sys_id, file_name, content_type, data) VALUES (?1, ?2, ?3, ?4)",
            params![sys_id, file_name, content_type, data],
        )?;
        Ok(sys_id)
    }

    /// A stored file: (content type, bytes).
    pub fn attachment(&self, sys_id: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        self.row(
            "SELECT content_type, data FROM sys_attachment WHERE sys_id = ?1",
            [sys_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
    }
}

/// The handler an interaction's `assigned_to` names: nobody (waiting in a queue), the virtual
/// agent's sys_id, or an agent's sys_user sys_id.
fn handler_of(assigned: Option<String>) -> Handler {
    match assigned {
        None => Handler::Queue,
        Some(a) if a == VIRTUAL_AGENT_SYS_ID => Handler::VirtualAgent,
        Some(a) => Handler::Agent(a),
    }
}
