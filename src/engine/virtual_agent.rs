//! The virtual agent over SMS: runs [`crate::domain::topic`] flows for an interaction, with Dynamic Choice
//! options and Card values read from the store (VA-1..10).
//!
//! The topic layer is pure; this module is its bridge to the store: [`StoreChoices`] answers the
//! topic's questions about records inside the engine's transaction, and carries out its one
//! write, a verified requester's re-link (PROFILE-4).

use std::cell::RefCell;

use crate::domain::model::{Interaction, Party, PartyTable};
pub use crate::domain::topic::OPEN_CASES;
use crate::domain::topic::{ChoiceOption, ChoiceSource, TopicContext, Verification};
use crate::store::{StoreError, Tx};

/// Answers a topic's Dynamic Choice and Card lookups from the store, for one conversation.
pub struct StoreChoices<'a, 'c> {
    /// The engine's open transaction.
    tx: &'a Tx<'c>,
    /// The interaction the topic runs in.
    interaction: &'a Interaction,
    /// The requester the interaction is opened for: another after a verify node re-links it.
    requester: RefCell<Party>,
}

impl<'a, 'c> StoreChoices<'a, 'c> {
    /// The source for a topic running in `interaction`, opened for `requester`.
    pub fn new(tx: &'a Tx<'c>, interaction: &'a Interaction, requester: Party) -> Self {
        StoreChoices {
            tx,
            interaction,
            requester: RefCell::new(requester),
        }
    }
}

impl ChoiceSource for StoreChoices<'_, '_> {
    type Error = StoreError;

    /// `open_cases`: the requester's cases that are not resolved or closed, labelled
    /// `CS0001001 Router broken`, valued by case number. Unknown sources have no options (the
    /// loader refuses a topic that names one: [`crate::domain::topic::DYNAMIC_CHOICE_SOURCES`]).
    fn options(
        &self,
        source: &str,
        _ctx: &TopicContext<'_>,
    ) -> Result<Vec<ChoiceOption>, StoreError> {
        Ok(match source {
            OPEN_CASES => self
                .tx
                .open_cases(&self.requester.borrow())?
                .into_iter()
                .map(|(number, text)| ChoiceOption::new(format!("{number} {text}"), number))
                .collect(),
            _ => vec![],
        })
    }

    /// The record whose `number` is `record` in `table` (`sn_customerservice_case`,
    /// `x_convsms_order`), its `fields` in order.
    fn card(
        &self,
        table: &str,
        record: &str,
        fields: &[String],
        _ctx: &TopicContext<'_>,
    ) -> Result<Option<Vec<String>>, StoreError> {
        self.tx.card_values(table, record, fields)
    }

    /// The record of `table` named `record` exactly (a sys_user also by user_name; the guest
    /// user is no one to verify as), its mobile phone the interaction's requester phone when
    /// `same_phone`; then the interaction and its messaging profile are linked to it, as an
    /// agent's [`Engine::relink`](crate::engine::Engine::relink) does.
    fn verify(
        &self,
        table: &str,
        record: &str,
        same_phone: bool,
        _ctx: &TopicContext<'_>,
    ) -> Result<Verification, StoreError> {
        let Some(table) = PartyTable::from_table(table) else {
            return Ok(Verification::NoSuchRecord);
        };
        let party = match self.tx.party_by_name(table, record)? {
            Some(p) if !p.is_guest() => p,
            _ => return Ok(Verification::NoSuchRecord),
        };
        if same_phone && (party.phone.is_none() || party.phone != self.interaction.requester_phone)
        {
            return Ok(Verification::OtherPhone);
        }
        self.tx
            .relink_interaction(&self.interaction.sys_id, &party)?;
        if let Some(p) = &self.interaction.profile {
            self.tx.relink_profile(p, &party)?;
        }
        tracing::info!(
            interaction = %self.interaction.number,
            table = table.as_str(),
            record,
            "re-linked by the virtual agent"
        );
        *self.requester.borrow_mut() = party;
        Ok(Verification::Relinked)
    }
}
