//! People and their settings: `sys_properties`, `sys_user` / `csm_consumer` / `customer_contact`,
//! the records the virtual agent reads (cases, orders), SMS update subscriptions and
//! `sys_cs_channel_user_profile` (messaging profiles).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::{e164_col, memo, parsed, parsed_opt, stored_e164, ts, StoreError, Tx};
use crate::domain::model::*;
use crate::domain::phone::{Region, E164};

impl Tx<'_> {
    // ----- properties -------------------------------------------------------------------------

    /// A `sys_properties` value (read once, then remembered until [`Tx::set_property`]).
    pub fn property(&self, name: &str) -> Result<Option<String>, StoreError> {
        if let Some(value) = self.1.config().borrow().properties.get(name) {
            return Ok(value.clone());
        }
        let value: Option<String> = self
            .row(
                "SELECT value FROM sys_properties WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        self.1
            .config()
            .borrow_mut()
            .properties
            .insert(name.to_owned(), value.clone());
        Ok(value)
    }

    /// Sets a `sys_properties` value.
    pub fn set_property(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.1.config().borrow_mut().properties.remove(name);
        self.exec(
            "INSERT INTO sys_properties (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [name, value],
        )?;
        Ok(())
    }

    // ----- people -----------------------------------------------------------------------------

    /// Inserts a requester or agent record and returns it.
    pub fn insert_party(
        &self,
        table: PartyTable,
        name: &str,
        user_name: Option<&str>,
        phone: Option<&E164>,
        country: Option<Region>,
    ) -> Result<Party, StoreError> {
        let sys_id = self.new_sys_id()?;
        let phone_s = phone.map(|p| p.as_str().to_owned());
        let country_s = country.map(|c| c.to_string());
        match table {
            PartyTable::SysUser => self.exec(
                "INSERT INTO sys_user (sys_id, user_name, name, mobile_phone, country) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![sys_id, user_name.unwrap_or(name), name, phone_s, country_s],
            )?,
            _ => self.exec_built(
                &format!(
                    "INSERT INTO {} (sys_id, name, mobile_phone, country) VALUES (?1, ?2, ?3, ?4)",
                    table.as_str()
                ),
                params![sys_id, name, phone_s, country_s],
            )?,
        };
        Ok(Party {
            table,
            sys_id,
            name: name.to_owned(),
            phone: phone.cloned(),
            country,
        })
    }

    fn party_from_row(table: PartyTable, r: &Row<'_>) -> rusqlite::Result<Party> {
        Ok(Party {
            table,
            sys_id: r.get(0)?,
            name: r.get(1)?,
            phone: e164_col(r, 2)?,
            country: parsed_opt(r, 3, "a region code", |c| Region::parse(c).ok())?,
        })
    }

    /// A record by table and sys_id. Remembered by the connection until that row is written (by
    /// any statement: the store's `memo`, who a phone is).
    pub fn party(&self, table: PartyTable, sys_id: &str) -> Result<Option<Party>, StoreError> {
        if let Some(known) = self.1.people().party(table, sys_id) {
            return Ok(known.clone());
        }
        let party = self.read_party(table, sys_id)?;
        self.1.people().set_party(table, sys_id, party.clone());
        Ok(party)
    }

    fn read_party(&self, table: PartyTable, sys_id: &str) -> Result<Option<Party>, StoreError> {
        self.row(
            per_table!(
                table,
                "SELECT sys_id, name, mobile_phone, country FROM ",
                " WHERE sys_id = ?1"
            ),
            [sys_id],
            |r| Self::party_from_row(table, r),
        )
        .optional()
    }

    /// A record by display name (for `sys_user`, also by user_name). Remembered by the
    /// connection until a row of `table` is written (agents are looked up by name on every
    /// action and workspace read).
    pub fn party_by_name(
        &self,
        table: PartyTable,
        name: &str,
    ) -> Result<Option<Party>, StoreError> {
        if let Some(known) = self.1.people().named(table, name) {
            return Ok(known.clone());
        }
        let party = self.read_party_by_name(table, name)?;
        self.1.people().set_named(table, name, party.clone());
        Ok(party)
    }

    /// Names of `table` (and, for `sys_user`, user names) equal to `name` but for letter case
    /// and spacing, at most three in order, `name` itself left out: what a "did you mean"
    /// offers. When none is, the names a slip of the keyboard away instead (at most one edit
    /// (a letter added, dropped, changed or two swapped) in four letters, at least one; closest
    /// first, then in order): `alcie` finds `alice`. That reads every name of the table, which
    /// only a refusal pays.
    ///
    /// # Errors
    /// A store failure.
    pub fn names_near(&self, table: PartyTable, name: &str) -> Result<Vec<String>, StoreError> {
        let sql = per_table!(
            table,
            "SELECT name FROM ",
            " WHERE lower(replace(name, ' ', '')) = ?1"
        );
        let sql = if table == PartyTable::SysUser {
            "SELECT name FROM sys_user WHERE lower(replace(name, ' ', '')) = ?1 \
             UNION SELECT user_name FROM sys_user WHERE lower(replace(user_name, ' ', '')) = ?1"
        } else {
            sql
        };
        let want = crate::domain::model::squeezed(name);
        let mut names = self
            .0
            .prepare_built(sql)?
            .query_map([want.as_str()], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        names.sort();
        names.dedup();
        let exists = names.iter().any(|n| n == name);
        names.retain(|n| n != name);
        if names.is_empty() && !exists {
            names = self.names_a_slip_away(table, &want)?;
        }
        names.truncate(3);
        Ok(names)
    }

    /// The names (and, for `sys_user`, user names) of `table` whose squeezed form
    /// ([`crate::domain::model::squeezed`]) is at most `max(1, len / 4)` edits from `want`'s, but
    /// not equal to it: closest first, then in order.
    fn names_a_slip_away(&self, table: PartyTable, want: &str) -> Result<Vec<String>, StoreError> {
        // The guest user (a sys_user every store has) is nobody a scenario names.
        let sql = if table == PartyTable::SysUser {
            let guest = crate::domain::model::GUEST_SYS_ID;
            format!(
                "SELECT name FROM sys_user WHERE sys_id != '{guest}' \
                 UNION SELECT user_name FROM sys_user WHERE sys_id != '{guest}'"
            )
        } else {
            per_table!(table, "SELECT name FROM ", "").to_owned()
        };
        // Names of three letters or fewer are a slip away from too many others.
        if want.chars().count() < 4 {
            return Ok(vec![]);
        }
        let most = (want.chars().count() / 4).max(1);
        let mut near: Vec<(usize, String)> = self
            .0
            .prepare_built(&sql)?
            .query_map([], |r| r.get::<_, Option<String>>(0))?
            .filter_map(|n| n.transpose())
            .filter_map(|n| {
                n.map(|n| {
                    let d = strsim::damerau_levenshtein(&crate::domain::model::squeezed(&n), want);
                    (d > 0 && d <= most).then_some((d, n))
                })
                .transpose()
            })
            .collect::<Result<_, _>>()?;
        near.sort();
        near.dedup_by(|a, b| a.1 == b.1);
        Ok(near.into_iter().map(|(_, n)| n).collect())
    }

    fn read_party_by_name(
        &self,
        table: PartyTable,
        name: &str,
    ) -> Result<Option<Party>, StoreError> {
        let extra = if table == PartyTable::SysUser {
            " OR user_name = ?1"
        } else {
            ""
        };
        self.row_built(
            &format!(
                "SELECT sys_id, name, mobile_phone, country FROM {} WHERE name = ?1{extra}",
                table.as_str()
            ),
            [name],
            |r| Self::party_from_row(table, r),
        )
        .optional()
    }

    /// The one `sys_user` whose mobile phone is `phone`; `None` when no sys_user has it or
    /// several share it (a shared number is nobody's, as for consumers and contacts: guessing
    /// would open one person's conversation for another; PROFILE-1, PROFILE-4). Remembered by
    /// the connection until a `sys_user` row with that phone, before or after, is written.
    pub fn user_by_phone(&self, phone: &E164) -> Result<Option<Party>, StoreError> {
        self.remembered_of_phone(
            phone,
            |p| &mut p.user,
            || {
                let mut users = self.users_with_phone(phone, UserLimit::Two)?;
                Ok(if users.len() == 1 { users.pop() } else { None })
            },
        )
    }

    /// Every `sys_user` whose mobile phone is `phone`, by sys_id (not remembered: for checks,
    /// where [`Tx::user_by_phone`] answers `None` for a shared number).
    pub fn users_by_phone(&self, phone: &E164) -> Result<Vec<Party>, StoreError> {
        self.users_with_phone(phone, UserLimit::All)
    }

    fn users_with_phone(&self, phone: &E164, limit: UserLimit) -> Result<Vec<Party>, StoreError> {
        // The limit is written into the statement, not bound: SQLite (3.47 on) reads a bound
        // LIMIT when it plans, and then prepares the statement again on every execution.
        let mut st = self.0.prepare_cached(match limit {
            UserLimit::Two => {
                "SELECT sys_id, name, mobile_phone, country FROM sys_user WHERE mobile_phone = ?1 ORDER BY sys_id LIMIT 2"
            }
            UserLimit::All => {
                "SELECT sys_id, name, mobile_phone, country FROM sys_user WHERE mobile_phone = ?1 ORDER BY sys_id"
            }
        })?;
        let users = st.query_map([phone.as_str()], |r| {
            Self::party_from_row(PartyTable::SysUser, r)
        })?;
        users.collect()
    }

    /// What the connection remembers of `phone` in `slot` ([`memo::People`]), read with `load`
    /// when it does not (the memo is not locked while `load` queries).
    fn remembered_of_phone<T: Clone>(
        &self,
        phone: &E164,
        slot: fn(&mut memo::PhoneRecords) -> &mut Option<T>,
        load: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if let Some(known) = self
            .1
            .people()
            .known(phone.as_str())
            .and_then(|p| slot(p).clone())
        {
            return Ok(known);
        }
        let value = load()?;
        *slot(self.1.people().phone_mut(phone.as_str())) = Some(value.clone());
        Ok(value)
    }

    /// The consumers and customer contacts whose mobile phone is `phone`, consumers first, each
    /// table by sys_id. Remembered by the connection until a row of either table with that
    /// phone, before or after, is written.
    pub fn customers_by_phone(&self, phone: &E164) -> Result<Vec<Party>, StoreError> {
        self.remembered_of_phone(phone, |p| &mut p.customers, || self.read_customers(phone))
    }

    fn read_customers(&self, phone: &E164) -> Result<Vec<Party>, StoreError> {
        let mut out = vec![];
        for table in [PartyTable::CsmConsumer, PartyTable::CustomerContact] {
            let mut st = self.0.prepare_cached(per_table!(
                table,
                "SELECT sys_id, name, mobile_phone, country FROM ",
                " WHERE mobile_phone = ?1 ORDER BY sys_id"
            ))?;
            let rows = st.query_map([phone.as_str()], |r| Self::party_from_row(table, r))?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// Sets a record's mobile phone.
    pub fn set_party_phone(&self, party: &Party, phone: &E164) -> Result<(), StoreError> {
        self.exec_built(
            &format!(
                "UPDATE {} SET mobile_phone = ?1 WHERE sys_id = ?2",
                party.table.as_str()
            ),
            params![phone.as_str(), party.sys_id],
        )?;
        Ok(())
    }

    /// Grants a role to a sys_user.
    pub fn grant_role(&self, user: &str, role: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT OR IGNORE INTO sys_user_has_role (user, role) VALUES (?1, ?2)",
            [user, role],
        )?;
        Ok(())
    }

    /// Whether a sys_user has a role.
    pub fn has_role(&self, user: &str, role: &str) -> Result<bool, StoreError> {
        self.row(
            "SELECT 1 FROM sys_user_has_role WHERE user = ?1 AND role = ?2",
            [user, role],
            |_| Ok(()),
        )
        .optional()
        .map(|o| o.is_some())
    }

    /// A sys_user's user_name.
    pub fn user_name(&self, sys_id: &str) -> Result<Option<String>, StoreError> {
        self.row(
            "SELECT user_name FROM sys_user WHERE sys_id = ?1",
            [sys_id],
            |r| r.get(0),
        )
        .optional()
    }

    // Agents' SMS presence and capacity, queues and work items: `awa.rs` (migration 6).

    // ----- the virtual agent's records --------------------------------------------------------

    /// Stores (or clears) the virtual agent's topic state of an interaction: `node` for display,
    /// `state` as JSON.
    pub fn set_va_state(
        &self,
        interaction: &str,
        topic: Option<&str>,
        node: Option<&str>,
        state: Option<&str>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE interaction SET va_topic = ?1, va_node = ?2, va_state = ?3 WHERE sys_id = ?4",
            params![topic, node, state, interaction],
        )?;
        Ok(())
    }

    /// Creates a customer service case for a requester.
    pub fn insert_case(
        &self,
        number: &str,
        short_description: &str,
        state: &str,
        contact: &Party,
    ) -> Result<(), StoreError> {
        let sys_id = self.new_sys_id()?;
        self.exec(
            "INSERT INTO sn_customerservice_case (sys_id, number, short_description, state, contact_table, contact)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![sys_id, number, short_description, state, contact.table.as_str(), contact.sys_id],
        )?;
        Ok(())
    }

    /// A customer service case's number, short description and state, for its card; `None`
    /// when no case has that number.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn case_card(&self, number: &str) -> Result<Option<[String; 3]>, StoreError> {
        self.0
            .prepare_cached(
                "SELECT number, COALESCE(short_description, ''), COALESCE(state, '')
                 FROM sn_customerservice_case WHERE number = ?1",
            )?
            .query_row([number], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]))
            .optional()
    }

    /// A requester's cases that are not resolved or closed, by number: (number, short description).
    pub fn open_cases(&self, contact: &Party) -> Result<Vec<(String, String)>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT number, short_description FROM sn_customerservice_case
             WHERE contact_table = ?1 AND contact = ?2 AND state NOT IN ('resolved', 'closed')
             ORDER BY number",
        )?;
        let rows = st.query_map(params![contact.table.as_str(), contact.sys_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        rows.collect()
    }

    /// The customer service case numbered `number`: its sys_id, short description, state and
    /// contact; `None` when there is none.
    ///
    /// # Errors
    /// SQLite fails, or the contact's table is none a requester is kept in.
    pub fn case_by_number(&self, number: &str) -> Result<Option<CaseRecord>, StoreError> {
        self.row(
            "SELECT sys_id, COALESCE(short_description, ''), COALESCE(state, ''), contact_table,
                    contact
             FROM sn_customerservice_case WHERE number = ?1",
            [number],
            |r| {
                Ok(CaseRecord {
                    sys_id: r.get(0)?,
                    number: number.to_owned(),
                    short_description: r.get(1)?,
                    state: r.get(2)?,
                    contact: (
                        parsed(r, 3, "a requester table", PartyTable::from_table)?,
                        r.get(4)?,
                    ),
                })
            },
        )
        .optional()
    }

    /// Sets a case's state.
    pub fn set_case_state(&self, sys_id: &str, state: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sn_customerservice_case SET state = ?1 WHERE sys_id = ?2",
            params![state, sys_id],
        )?;
        Ok(())
    }

    /// The phone an SMS update reaches `user` at: the number of the newest active messaging
    /// profile linked to them (the phone they text from), else their mobile phone; `None` with
    /// neither.
    pub fn update_phone(&self, user: &Party) -> Result<Option<E164>, StoreError> {
        let profiled = self
            .row(
                "SELECT channel_user_id FROM sys_cs_channel_user_profile
                 WHERE user_table = ?1 AND user_document = ?2 AND active = 1
                 ORDER BY sys_created_on DESC, sys_id DESC LIMIT 1",
                params![user.table.as_str(), user.sys_id],
                |r| parsed(r, 0, "an E.164 number", stored_e164),
            )
            .optional()?;
        Ok(profiled.or_else(|| user.phone.clone()))
    }

    /// The provider number of the newest SMS interaction with `phone` (the number the user last
    /// texted or was texted from), if any.
    pub fn last_provider_of(&self, phone: &E164) -> Result<Option<E164>, StoreError> {
        self.row(
            "SELECT provider_phone FROM interaction
             WHERE requester_phone = ?1 AND provider_phone IS NOT NULL
             ORDER BY opened_at DESC, number DESC LIMIT 1",
            [phone.as_str()],
            |r| parsed(r, 0, "an E.164 number", stored_e164),
        )
        .optional()
    }

    /// Creates an order record (for the order_status topic's card).
    pub fn insert_order(
        &self,
        number: &str,
        state: &str,
        carrier: &str,
        expected_delivery: &str,
    ) -> Result<(), StoreError> {
        let sys_id = self.new_sys_id()?;
        self.exec(
            "INSERT INTO x_convsms_order (sys_id, number, state, carrier, expected_delivery) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sys_id, number, state, carrier, expected_delivery],
        )?;
        Ok(())
    }

    /// The values of `fields` of the record `number` of `table`, in field order, for a card.
    /// `None` when the table is not one cards may read or a field is not one of its fields
    /// ([`crate::domain::topic::CARD_TABLES`]), or there is no such record.
    pub fn card_values(
        &self,
        table: &str,
        number: &str,
        fields: &[String],
    ) -> Result<Option<Vec<String>>, StoreError> {
        let Some((_, columns)) = crate::domain::topic::CARD_TABLES
            .iter()
            .find(|(name, _)| *name == table)
        else {
            return Ok(None);
        };
        if fields.iter().any(|f| !columns.contains(&f.as_str())) {
            return Ok(None);
        }
        let list = fields
            .iter()
            .map(|f| format!("COALESCE(CAST(\"{f}\" AS TEXT), '')"))
            .collect::<Vec<_>>()
            .join(", ");
        self.row_built(
            &format!("SELECT {list} FROM {table} WHERE number = ?1"),
            [number],
            |r| (0..fields.len()).map(|i| r.get::<_, String>(i)).collect(),
        )
        .optional()
    }

    // ----- SMS update subscriptions -----------------------------------------------------------

    /// A user's SMS update setting; `None` when never set (which means off).
    pub fn subscription(&self, user: &str) -> Result<Option<bool>, StoreError> {
        self.row(
            "SELECT enabled FROM sys_cs_sms_subscription WHERE user = ?1",
            [user],
            |r| r.get(0),
        )
        .optional()
    }

    /// Sets a user's SMS update setting.
    pub fn set_subscription(
        &self,
        user: &str,
        enabled: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO sys_cs_sms_subscription (user, enabled, sys_updated_on) VALUES (?1, ?2, ?3)
             ON CONFLICT (user) DO UPDATE SET enabled = excluded.enabled, sys_updated_on = excluded.sys_updated_on",
            params![user, enabled, ts(now)],
        )?;
        Ok(())
    }

    /// How many subscription rows exist (scenarios check that guests create none).
    pub fn subscription_count(&self) -> Result<i64, StoreError> {
        self.row("SELECT COUNT(*) FROM sys_cs_sms_subscription", [], |r| {
            r.get(0)
        })
    }

    // ----- profiles ---------------------------------------------------------------------------

    fn profile_from_row(r: &Row<'_>) -> rusqlite::Result<ChannelUserProfile> {
        let table: Option<String> = r.get(2)?;
        let doc: Option<String> = r.get(3)?;
        Ok(ChannelUserProfile {
            sys_id: r.get(0)?,
            phone: parsed(r, 1, "an E.164 number", stored_e164)?,
            user: table.and_then(|t| PartyTable::from_table(&t)).zip(doc),
            active: r.get(4)?,
        })
    }

    /// The active messaging profile of a phone. Remembered by the connection until a profile of
    /// that phone, before or after, is written.
    pub fn active_profile(&self, phone: &E164) -> Result<Option<ChannelUserProfile>, StoreError> {
        self.remembered_of_phone(
            phone,
            |p| &mut p.profile,
            || {
                self.row(
                    "SELECT sys_id, channel_user_id, user_table, user_document, active
                 FROM sys_cs_channel_user_profile WHERE channel_user_id = ?1 AND active = 1",
                    [phone.as_str()],
                    Self::profile_from_row,
                )
                .optional()
            },
        )
    }

    /// Every profile of a phone, oldest first.
    pub fn profiles(&self, phone: &E164) -> Result<Vec<ChannelUserProfile>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT sys_id, channel_user_id, user_table, user_document, active
             FROM sys_cs_channel_user_profile WHERE channel_user_id = ?1 ORDER BY sys_id",
        )?;
        let rows = st.query_map([phone.as_str()], Self::profile_from_row)?;
        rows.collect()
    }

    /// Creates an active profile (the caller has deactivated any previous one).
    pub fn insert_profile(
        &self,
        phone: &E164,
        user: Option<&Party>,
        now: DateTime<Utc>,
    ) -> Result<SysId, StoreError> {
        let sys_id = self.new_sys_id()?;
        self.exec(
            "INSERT INTO sys_cs_channel_user_profile
                 (sys_id, channel_user_id, user_table, user_document, active, sys_created_on)
             VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![
                sys_id,
                phone.as_str(),
                user.map(|u| u.table.as_str()),
                user.map(|u| u.sys_id.as_str()),
                ts(now)
            ],
        )?;
        Ok(sys_id)
    }

    /// Deactivates a profile.
    pub fn deactivate_profile(&self, sys_id: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sys_cs_channel_user_profile SET active = 0 WHERE sys_id = ?1",
            [sys_id],
        )?;
        Ok(())
    }

    /// Links a profile to a record (re-linking, PROFILE-4).
    pub fn relink_profile(&self, sys_id: &str, user: &Party) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sys_cs_channel_user_profile SET user_table = ?1, user_document = ?2 WHERE sys_id = ?3",
            params![user.table.as_str(), user.sys_id, sys_id],
        )?;
        Ok(())
    }
}

/// How many `sys_user` rows [`Tx::users_with_phone`] reads.
#[derive(Clone, Copy)]
enum UserLimit {
    /// Two: enough to tell one from several.
    Two,
    /// Every one.
    All,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{SqliteStore, StoreError};

    fn phone(s: &str) -> E164 {
        E164::parse(s, None).unwrap()
    }

    fn names(parties: &[Party]) -> Vec<&str> {
        parties.iter().map(|p| p.name.as_str()).collect()
    }

    /// The fields a Card may read of each table are the table's columns, all of them: the
    /// loader refuses a topic by that list, and `card_values` reads by it.
    #[test]
    fn a_cards_fields_are_its_tables_columns() {
        let s = SqliteStore::open_in_memory().unwrap();
        for (table, fields) in crate::domain::topic::CARD_TABLES {
            let columns: Vec<String> = s
                .read(|tx| {
                    tx.0.prepare_built(&format!("SELECT name FROM pragma_table_info('{table}')"))?
                        .query_map([], |r| r.get(0))?
                        .collect::<Result<Vec<String>, _>>()
                })
                .unwrap();
            assert_eq!(columns, fields, "{table}");
        }
    }

    /// A "did you mean" offers the names that differ only in case and spacing, never the name
    /// asked for, from the table asked about (and a sys_user's user name).
    #[test]
    fn names_near_differ_only_in_case_and_spacing() {
        let s = SqliteStore::open_in_memory().unwrap();
        let near = |table, name: &str| s.read(|tx| tx.names_near(table, name)).unwrap();
        s.write(|tx| {
            tx.insert_party(PartyTable::CsmConsumer, "Bea Brown", None, None, None)?;
            tx.insert_party(PartyTable::CsmConsumer, "Bea Browne", None, None, None)?;
            tx.insert_party(PartyTable::SysUser, "Alice Ng", Some("alice"), None, None)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
        assert_eq!(near(PartyTable::CsmConsumer, "bea  brown"), ["Bea Brown"]);
        assert_eq!(near(PartyTable::CsmConsumer, "BeaBrown"), ["Bea Brown"]);
        assert!(near(PartyTable::CsmConsumer, "Bea Brown").is_empty());
        assert!(near(PartyTable::CustomerContact, "bea brown").is_empty());
        assert_eq!(near(PartyTable::SysUser, "Alice"), ["alice"]);
        assert_eq!(near(PartyTable::SysUser, "alice ng"), ["Alice Ng"]);
        // None equal but for case and spacing: a slip of the keyboard away.
        assert_eq!(near(PartyTable::SysUser, "alcie"), ["alice"]);
        assert_eq!(near(PartyTable::SysUser, "alise"), ["alice"]);
        assert_eq!(near(PartyTable::CsmConsumer, "Bea Brwn"), ["Bea Brown"]);
        assert!(near(PartyTable::SysUser, "bob").is_empty());
        assert!(
            near(PartyTable::SysUser, "alxxe").is_empty(),
            "two edits in five letters"
        );
    }

    /// The profile match's reads are remembered per phone and per record, and every write to a
    /// row they came from, by a store function or by any other statement, rolled back or made by
    /// another connection, is seen by the next read.
    #[test]
    fn who_a_phone_is_follows_every_write_to_its_rows() {
        let (dir, path) = crate::store::tests::fresh_file("people", "p.sqlite");
        let s = SqliteStore::open(&path).unwrap();
        let x = phone("+14155550001");
        let y = phone("+14155550002");
        let sql = |sql: &str| s.write(|tx| tx.0.execute_batch(sql)).unwrap();
        let user = |p: &E164| s.read(|tx| tx.user_by_phone(p)).unwrap().map(|u| u.name);
        assert_eq!(user(&x), None);
        sql("INSERT INTO sys_user (sys_id, user_name, name, mobile_phone) VALUES ('u1', 'ann', 'Ann', '+14155550001')");
        assert_eq!(user(&x).as_deref(), Some("Ann"), "an insert is seen");
        sql("UPDATE sys_user SET mobile_phone = '+14155550002' WHERE sys_id = 'u1'");
        assert_eq!(user(&x), None, "the old phone is forgotten");
        assert_eq!(user(&y).as_deref(), Some("Ann"), "and the new one read");

        let by_name = |name: &str| {
            s.read(|tx| tx.party_by_name(PartyTable::SysUser, name))
                .unwrap()
                .map(|u| u.sys_id)
        };
        // Each name is looked up (so remembered) right before the write that changes it.
        assert_eq!(by_name("Ann").as_deref(), Some("u1"));
        assert_eq!(by_name("ann").as_deref(), Some("u1"), "by user_name too");
        assert_eq!(by_name("Zed"), None);
        sql("INSERT INTO sys_user (sys_id, user_name, name) VALUES ('u9', 'zed', 'Zed')");
        assert_eq!(
            by_name("Zed").as_deref(),
            Some("u9"),
            "a name nobody had is seen"
        );
        assert_eq!(by_name("Ann").as_deref(), Some("u1"));
        assert_eq!(by_name("Kit"), None);
        sql("UPDATE sys_user SET name = 'Kit', user_name = 'kit' WHERE sys_id = 'u1'");
        assert_eq!(
            by_name("Ann"),
            None,
            "a name a row no longer has is forgotten"
        );
        assert_eq!(
            by_name("Kit").as_deref(),
            Some("u1"),
            "a name an update gives a row is seen"
        );
        sql("UPDATE sys_user SET name = 'Ann', user_name = 'ann' WHERE sys_id = 'u1'");
        assert_eq!(by_name("Zed").as_deref(), Some("u9"));
        sql("DELETE FROM sys_user WHERE sys_id = 'u9'");
        assert_eq!(by_name("Zed"), None, "a deleted row is forgotten");

        let party = || {
            s.read(|tx| tx.party(PartyTable::SysUser, "u1"))
                .unwrap()
                .map(|u| u.name)
        };
        assert_eq!(party().as_deref(), Some("Ann"));
        sql("UPDATE sys_user SET name = 'Anne' WHERE sys_id = 'u1'");
        assert_eq!(
            party().as_deref(),
            Some("Anne"),
            "a record's change is seen"
        );
        sql("DELETE FROM sys_user");
        assert_eq!(party(), None, "and its deletion");
        assert_eq!(user(&y), None);

        let customers = || s.read(|tx| tx.customers_by_phone(&x)).unwrap();
        assert!(customers().is_empty());
        sql("INSERT INTO customer_contact (sys_id, name, mobile_phone) VALUES ('c1', 'Cy', '+14155550001')");
        sql("INSERT INTO csm_consumer (sys_id, name, mobile_phone) VALUES ('k1', 'Kim', '+14155550001')");
        assert_eq!(names(&customers()), ["Kim", "Cy"]);

        let profile = || {
            s.read(|tx| tx.active_profile(&x))
                .unwrap()
                .map(|p| p.sys_id)
        };
        assert_eq!(profile(), None);
        let made = s
            .write(|tx| tx.insert_profile(&x, None, chrono::Utc::now()))
            .unwrap();
        assert_eq!(profile(), Some(made.clone()));
        sql("UPDATE sys_cs_channel_user_profile SET active = 0");
        assert_eq!(profile(), None, "a deactivated profile is seen");

        let failed: Result<(), StoreError> = s.write(|tx| {
            tx.insert_party(PartyTable::SysUser, "Rolled", None, Some(&x), None)?;
            assert_eq!(
                tx.user_by_phone(&x)?.map(|u| u.name).as_deref(),
                Some("Rolled")
            );
            assert!(tx.party_by_name(PartyTable::SysUser, "Rolled")?.is_some());
            Err(rusqlite::Error::QueryReturnedNoRows)
        });
        assert!(failed.is_err());
        assert_eq!(user(&x), None, "what a rolled-back write read is forgotten");
        assert_eq!(
            s.read(|tx| tx.party_by_name(PartyTable::SysUser, "Rolled"))
                .unwrap(),
            None
        );

        assert_eq!(by_name("bo"), None);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute(
                "INSERT INTO sys_user (sys_id, user_name, name, mobile_phone) VALUES ('u2', 'bo', 'Bo', '+14155550001')",
                [],
            )
            .unwrap();
        assert_eq!(
            user(&x).as_deref(),
            Some("Bo"),
            "another connection's commit is seen"
        );
        assert_eq!(by_name("bo").as_deref(), Some("u2"));
        drop(s);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
