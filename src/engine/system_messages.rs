//! System lines: what the system says in a conversation, to agents, the requester, or both.

use chrono::{DateTime, Utc};

use crate::domain::delivery::{DeliveryStatus, Direction};
use crate::domain::model::{AuthorKind, Interaction};
use crate::error::Error;
use crate::store::Tx;

pub(crate) fn system_note(
    tx: &Tx<'_>,
    i: &Interaction,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    tx.insert_message(
        &i.sys_id,
        Direction::Internal,
        AuthorKind::System,
        None,
        text,
        &[],
        None,
        DeliveryStatus::Internal,
        now,
    )?;
    Ok(())
}
