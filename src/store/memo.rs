//! What a connection remembers between statements, so that the engine's hot path does not ask
//! SQLite again for what cannot have changed: the sys_ids it reserved ahead and the configuration
//! tables it reads on every message.
//!
//! - **sys_ids in blocks**: [`Tx::new_sys_id`](super::Tx::new_sys_id) hands out ids from a block of
//!   [`SYS_ID_BLOCK`] reserved with one `UPDATE sys_number` (one statement per block instead of one
//!   per record). Within a process the ids are the same sequence as one-at-a-time allocation; a
//!   process that opens the file afterwards starts after the last reserved block.
//! - **Configuration** ([`Config`]): `sys_properties`, messaging actions, provider numbers, AWA
//!   queues with their members and agents' presence. Each is read once and kept until a store
//!   function writes its table, which forgets it (a presence write updates the agents in place,
//!   and forgets the queues only for a new agent, or when the agents were not remembered).
//!
//! - **Where routing was left** ([`Routed`]): the count of changes to what an AWA routing pass
//!   reads (kept by the connection's temporary triggers, `awa::ROUTING_CHANGES`) when the last
//!   pass ended, and when its earliest offer expires. A pass with nothing changed since and no
//!   offer due would change nothing, so the engine skips it. Likewise the count of what could put
//!   a work item or Ongoing entry out of step with its interaction, after the last catch-up: the
//!   pass skips its catch-up while it holds.
//!
//! - **Whether system SMS wait in the outbox** (`awa_sms_outbox`): known after a look, a push or
//!   a take, so that the engine does not open a write after every request to find it empty.
//!
//! - **Who a phone is** ([`People`]): what the profile match reads on every inbound message (a
//!   phone's active profile, its `sys_user`, its consumers and contacts, and records by
//!   sys_id), and the records found by name (an agent, on every action), kept per phone and per
//!   record until a row it came from changes, and by name until any row of the table does (a
//!   write can give a name to a row). The connection's temporary triggers ([`people_changes`]) hand the phone and sys_id of every row written in the
//!   four tables, old and new, to a function of the connection that forgets them, so a write by
//!   any statement, the store's or not, is seen.
//!
//! - **The transcript rows changed since an auditor's last look**: the rowids the connection's
//!   update hook saw, once an auditor started it (`Tx::audit_log_message_changes`).
//!
//! All of these follow the transactions they were read or written in ([`Memo::begin`],
//! [`Memo::rollback`]): a rolled-back write puts the id block back as it was and forgets the
//! rest (it may hold what the rolled-back write wrote), but for the change log, which keeps the
//! rows a rolled-back write touched (an auditor reads them as they are). Another connection's
//! commit (another process writing the same file) shows in SQLite's `PRAGMA data_version`,
//! checked when a transaction starts: everything is then forgotten and the ids reserved
//! afresh, and the change log, which could not see that commit's rows, says so (its next take
//! is `None`: the auditor reads every row again).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::StoreError;
use crate::domain::messaging_actions::MessagingAction;
use crate::domain::model::{ChannelUserProfile, Party, PartyTable};
use crate::domain::phone::E164;
use crate::domain::work_assignment::{Agent, Queue, WorkItem};

/// How many sys_ids one `UPDATE sys_number` reserves.
pub(crate) const SYS_ID_BLOCK: i64 = 1_024;

/// sys_ids `next..end` are reserved in `sys_number` and not handed out yet (empty at first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct IdBlock {
    next: i64,
    end: i64,
}

/// The configuration tables as last read; `None` or absent: not read since last forgotten.
#[derive(Default)]
pub(crate) struct Config {
    /// `sys_properties` by name (`None`: no such property).
    pub properties: HashMap<String, Option<String>>,
    /// Every messaging action, by name.
    pub messaging_actions: Option<Vec<MessagingAction>>,
    /// Provider numbers by integration, sorted.
    pub provider_numbers: HashMap<String, Vec<E164>>,
    /// AWA queues with their members.
    pub awa_queues: Option<Vec<Queue>>,
    /// Agents' SMS presence and capacity.
    pub awa_agents: Option<Vec<Agent>>,
}

/// How many phones, and how many records, [`People`] keeps at most: past that it starts afresh
/// (memory stays bounded however many requesters write in).
pub(crate) const PEOPLE_REMEMBERED: usize = 65_536;

/// The SQL function the people triggers call with a changed row's table, phone and sys_id.
pub(crate) const PEOPLE_CHANGED_FN: &str = "convsms_people_changed";

/// The temporary triggers that report every row written in the tables the profile match reads
/// (old and new values of an update, both) to [`PEOPLE_CHANGED_FN`].
pub(crate) fn people_changes() -> String {
    let mut sql = String::new();
    // (table, its phone column, its sys_id column when records of it are remembered by sys_id)
    for (table, phone, id) in [
        ("sys_user", "mobile_phone", Some("sys_id")),
        ("csm_consumer", "mobile_phone", Some("sys_id")),
        ("customer_contact", "mobile_phone", Some("sys_id")),
        ("sys_cs_channel_user_profile", "channel_user_id", None),
    ] {
        let changed = |row: &str| {
            let id = id.map_or_else(|| "NULL".to_owned(), |id| format!("{row}.{id}"));
            format!("{PEOPLE_CHANGED_FN}('{table}', {row}.{phone}, {id})")
        };
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER people_{table}_insert AFTER INSERT ON main.{table}
                 BEGIN SELECT {new}; END;
             CREATE TEMP TRIGGER people_{table}_update AFTER UPDATE ON main.{table}
                 BEGIN SELECT {old}, {new}; END;
             CREATE TEMP TRIGGER people_{table}_delete AFTER DELETE ON main.{table}
                 BEGIN SELECT {old}; END;
            ",
            new = changed("NEW"),
            old = changed("OLD"),
        ));
    }
    sql
}

/// What the profile match read about one phone; each `None`: not read since last forgotten.
#[derive(Default)]
pub(crate) struct PhoneRecords {
    /// Its active `sys_cs_channel_user_profile`.
    pub profile: Option<Option<ChannelUserProfile>>,
    /// The first `sys_user` by sys_id whose mobile phone it is.
    pub user: Option<Option<Party>>,
    /// The consumers and contacts whose mobile phone it is.
    pub customers: Option<Vec<Party>>,
}

/// Records as last read, by phone (E.164 text), by table and sys_id, and by table and name,
/// each forgotten when a row it came from is written ([`People::changed`], called by the
/// triggers of [`people_changes`]); the names of a table, when any row of it is written (a
/// write can give a name to another row).
#[derive(Default)]
pub(crate) struct People {
    phones: HashMap<String, PhoneRecords>,
    parties: HashMap<PartyTable, HashMap<String, Option<Party>>>,
    names: HashMap<PartyTable, HashMap<String, Option<Party>>>,
}

impl People {
    /// The entry of `phone`, if there is one.
    pub(crate) fn known(&mut self, phone: &str) -> Option<&mut PhoneRecords> {
        self.phones.get_mut(phone)
    }

    /// The entry of `phone`, made if needed (forgetting every phone when full).
    pub(crate) fn phone_mut(&mut self, phone: &str) -> &mut PhoneRecords {
        if !self.phones.contains_key(phone) && self.phones.len() >= PEOPLE_REMEMBERED {
            self.phones.clear();
        }
        self.phones.entry(phone.to_owned()).or_default()
    }

    /// The record of `table` with `sys_id`, if remembered (`Some(None)`: known not to exist).
    pub(crate) fn party(&self, table: PartyTable, sys_id: &str) -> Option<&Option<Party>> {
        self.parties.get(&table)?.get(sys_id)
    }

    /// Remembers what `table` holds under `sys_id` (forgetting every record when full).
    pub(crate) fn set_party(&mut self, table: PartyTable, sys_id: &str, party: Option<Party>) {
        remember(&mut self.parties, table, sys_id, party);
    }

    /// The record of `table` found by `name`, if remembered (`Some(None)`: known not to exist).
    pub(crate) fn named(&self, table: PartyTable, name: &str) -> Option<&Option<Party>> {
        self.names.get(&table)?.get(name)
    }

    /// Remembers what `table` holds under `name` (forgetting every name when full).
    pub(crate) fn set_named(&mut self, table: PartyTable, name: &str, party: Option<Party>) {
        remember(&mut self.names, table, name, party);
    }

    /// A row of `table` with this phone and sys_id was inserted, updated or deleted: forgets the
    /// phone, the record and every name of the table.
    pub(crate) fn changed(&mut self, table: &str, phone: Option<&str>, sys_id: Option<&str>) {
        if let Some(phone) = phone {
            self.phones.remove(phone);
        }
        if let Some(table) = PartyTable::from_table(table) {
            self.names.remove(&table);
            if let (Some(records), Some(sys_id)) = (self.parties.get_mut(&table), sys_id) {
                records.remove(sys_id);
            }
        }
    }

    fn clear(&mut self) {
        self.phones.clear();
        self.parties.clear();
        self.names.clear();
    }

    /// How many phones and records are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.phones.len()
            + self.parties.values().map(HashMap::len).sum::<usize>()
            + self.names.values().map(HashMap::len).sum::<usize>()
    }
}

/// Puts `party` under `key` in `table`'s map (forgetting the table's others when full).
fn remember(
    maps: &mut HashMap<PartyTable, HashMap<String, Option<Party>>>,
    table: PartyTable,
    key: &str,
    party: Option<Party>,
) {
    let entries = maps.entry(table).or_default();
    if entries.len() >= PEOPLE_REMEMBERED {
        entries.clear();
    }
    entries.insert(key.to_owned(), party);
}

/// [`People`] shared between the store and the SQL function its triggers call.
pub(crate) type SharedPeople = Arc<Mutex<People>>;

/// Where the last AWA routing pass on this connection left things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Routed {
    /// `temp.awa_routing_changes` when the pass ended (after its own writes).
    pub changes: i64,
    /// The earliest `offer_expires_at` of the offers outstanding then (`None`: no offer).
    pub next_expiry: Option<DateTime<Utc>>,
}

/// One connection's memory (it lives beside the connection, behind the store's mutex).
#[derive(Default)]
pub(crate) struct Memo {
    ids: Cell<IdBlock>,
    config: RefCell<Config>,
    /// `PRAGMA data_version` when last checked.
    data_version: Cell<Option<i64>>,
    /// Where the last routing pass left things (`None`: not known).
    routed: Cell<Option<Routed>>,
    /// `temp.awa_routing_changes.out_of_step` after the last catch-up of work items and Ongoing
    /// entries out of step (`None`: not known).
    caught_up: Cell<Option<i64>>,
    /// Whether `awa_sms_outbox` has rows (`None`: not known).
    system_sms_waiting: Cell<Option<bool>>,
    /// The work items holding agents' slots as last read, with `temp.awa_routing_changes.holding`
    /// then (`None`: not known).
    holding: RefCell<Option<(i64, Vec<WorkItem>)>>,
    /// The rowids of the `sys_cs_message` rows written since an auditor last looked, as the
    /// connection's update hook saw them (`None`: no auditor started the log,
    /// `Tx::audit_log_message_changes`). Kept through rollbacks: an auditor reads the rows as
    /// they are.
    message_changes: RefCell<Option<MessageChanges>>,
    /// Who phones are (shared with the function the people triggers call).
    people: SharedPeople,
}

/// The update hook's log of changed `sys_cs_message` rows, shared with the hook (which SQLite
/// calls on the connection's thread, inside a statement).
pub(crate) type MessageChanges = std::sync::Arc<std::sync::Mutex<ChangeLog>>;

/// What the update hook saw since an auditor's last look.
#[derive(Debug, Default)]
pub(crate) struct ChangeLog {
    /// Rowids of the `sys_cs_message` rows inserted or updated, in the order written, repeats
    /// included.
    pub rowids: Vec<i64>,
    /// Rows may have changed where the hook could not see them (another connection committed,
    /// or a group's commit failed): the log no longer says everything that changed.
    pub gap: bool,
    /// Every change of a row's `status`, in the order written: (rowid, from, to), as the
    /// connection's temporary trigger reported it (statuses as stored).
    pub status_moves: Vec<(i64, String, String)>,
    /// Every offer of a work item and every item one passed over, as the connection's
    /// temporary triggers reported them.
    pub offers: super::audit::OfferLog,
    /// Every SMS interaction opened, as the connection's temporary trigger reported it.
    pub opened: Vec<super::audit::OpenedAudit>,
    /// Every interaction closed, as the connection's temporary trigger reported it.
    pub closed: Vec<super::audit::ClosedAudit>,
}

impl Memo {
    /// A memo whose people are `people` (the map the connection's triggers report to).
    pub(crate) fn with_people(people: SharedPeople) -> Self {
        Memo {
            people,
            ..Memo::default()
        }
    }

    /// Who phones are, as remembered: lock it for one look-up or one update, never across a
    /// statement (the triggers lock it while a statement writes).
    pub(crate) fn people(&self) -> MutexGuard<'_, People> {
        self.people.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The configuration as remembered (borrowed for one look-up or one update: never across a
    /// query).
    pub(crate) fn config(&self) -> &RefCell<Config> {
        &self.config
    }

    /// The next sys_id number, reserving a block through `reserve(n)` (which returns the first of
    /// `n` numbers it reserved) when the current one is used up.
    pub(crate) fn next_id(
        &self,
        reserve: impl FnOnce(i64) -> Result<i64, StoreError>,
    ) -> Result<i64, StoreError> {
        let mut block = self.ids.get();
        if block.next >= block.end {
            let first = reserve(SYS_ID_BLOCK)?;
            block = IdBlock {
                next: first,
                end: first + SYS_ID_BLOCK,
            };
        }
        let id = block.next;
        block.next += 1;
        self.ids.set(block);
        Ok(id)
    }

    /// Where the last routing pass left things, if known.
    pub(crate) fn routed(&self) -> &Cell<Option<Routed>> {
        &self.routed
    }

    /// The out-of-step count after the last catch-up, if known.
    pub(crate) fn caught_up(&self) -> &Cell<Option<i64>> {
        &self.caught_up
    }

    /// The log of changed transcript rows, if an auditor started it.
    pub(crate) fn message_changes(&self) -> &RefCell<Option<MessageChanges>> {
        &self.message_changes
    }

    /// The work items holding slots as last read, and the count of their writes then, if known.
    pub(crate) fn holding(&self) -> &RefCell<Option<(i64, Vec<WorkItem>)>> {
        &self.holding
    }

    /// Whether system SMS wait in the outbox, if known.
    pub(crate) fn system_sms_waiting(&self) -> &Cell<Option<bool>> {
        &self.system_sms_waiting
    }

    /// A transaction starts on `conn`: what to put back if it rolls back. Forgets everything when
    /// another connection committed since the last check.
    ///
    /// # Errors
    /// SQLite cannot answer `PRAGMA data_version`.
    pub(crate) fn begin(&self, conn: &Connection) -> Result<IdBlock, StoreError> {
        let version: i64 = conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        if self.data_version.replace(Some(version)) != Some(version) {
            self.forget();
        }
        Ok(self.ids.get())
    }

    /// A point to put back if what follows rolls back (a savepoint inside a transaction).
    pub(crate) fn mark(&self) -> IdBlock {
        self.ids.get()
    }

    /// What followed `mark` was rolled back: the id block as it was; the configuration, the
    /// outbox, the items holding slots, where routing was left and the last catch-up forgotten
    /// (the triggers' counts went back with the rollback, so they may come round to a remembered
    /// count over different rows).
    pub(crate) fn rollback(&self, mark: IdBlock) {
        self.ids.set(mark);
        *self.config.borrow_mut() = Config::default();
        self.routed.set(None);
        self.caught_up.set(None);
        self.system_sms_waiting.set(None);
        *self.holding.borrow_mut() = None;
        self.people().clear();
    }

    /// Forgets everything (a commit failed, or another connection wrote): ids are reserved
    /// afresh, the configuration read again, and a running change log says it has a gap.
    pub(crate) fn forget(&self) {
        self.ids.set(IdBlock::default());
        *self.config.borrow_mut() = Config::default();
        self.routed.set(None);
        self.caught_up.set(None);
        self.system_sms_waiting.set(None);
        *self.holding.borrow_mut() = None;
        self.people().clear();
        if let Some(log) = &*self.message_changes.borrow() {
            log.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .gap = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_blocks_and_a_rollback_puts_the_block_back() {
        let memo = Memo::default();
        let reserved = RefCell::new(vec![]);
        let take = |memo: &Memo| {
            memo.next_id(|n| {
                let mut reserved = reserved.borrow_mut();
                let first = reserved.last().map_or(256, |last| last + n);
                reserved.push(first);
                Ok(first)
            })
            .unwrap()
        };
        assert_eq!(take(&memo), 256);
        assert_eq!(take(&memo), 257);
        let mark = memo.mark();
        assert_eq!(take(&memo), 258);
        memo.rollback(mark);
        assert_eq!(take(&memo), 258, "a rolled-back id is handed out again");
        for _ in 0..SYS_ID_BLOCK - 3 {
            take(&memo);
        }
        assert_eq!(take(&memo), 256 + SYS_ID_BLOCK, "the next block follows");
        assert_eq!(*reserved.borrow(), vec![256, 256 + SYS_ID_BLOCK]);
    }

    /// However many phones and records are read, the memory of them stays within its bound.
    #[test]
    fn people_are_remembered_within_a_bound() {
        let mut people = People::default();
        for n in 0..PEOPLE_REMEMBERED + 10 {
            people.phone_mut(&format!("+1{n:010}")).user = Some(None);
            people.set_party(PartyTable::SysUser, &n.to_string(), None);
        }
        assert!(people.len() <= 2 * PEOPLE_REMEMBERED);
        assert!(
            people.known("+10000000000").is_none(),
            "the first went when full"
        );
        assert!(people
            .known(&format!("+1{:010}", PEOPLE_REMEMBERED + 9))
            .is_some());
        people.changed(
            "sys_user",
            Some(&format!("+1{:010}", PEOPLE_REMEMBERED + 9)),
            Some("65545"),
        );
        assert!(people
            .known(&format!("+1{:010}", PEOPLE_REMEMBERED + 9))
            .is_none());
        assert!(people.party(PartyTable::SysUser, "65545").is_none());
        assert!(people.party(PartyTable::SysUser, "65544").is_some());
    }
}
