//! The virtual agent over SMS: runs [`crate::domain::topic`] flows for an interaction, with Dynamic Choice
//! options and Card values read from the store (VA-1..10).
//!
//! The topic layer is pure; this module is its bridge to the store: [`StoreChoices`] answers the
//! topic's questions about records inside the engine's transaction.

use crate::domain::model::Party;
pub use crate::domain::topic::OPEN_CASES;
use crate::domain::topic::{ChoiceOption, ChoiceSource, TopicContext};
use crate::store::{StoreError, Tx};

/// Answers a topic's Dynamic Choice and Card lookups from the store, for one requester.
pub struct StoreChoices<'a, 'c> {
    /// The engine's open transaction.
    pub tx: &'a Tx<'c>,
    /// The requester the interaction is opened for.
    pub requester: &'a Party,
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
                .open_cases(self.requester)?
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
}
