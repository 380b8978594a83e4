//! Look-ups shared by the use cases, run inside a transaction: records by name, the guest user,
//! the region a national number is read in.

use crate::domain::model::{Party, PartyTable, GUEST_SYS_ID};
use crate::domain::phone::Region;
use crate::engine::config::{properties, DEFAULT_REGION_CODE};
use crate::error::Error;
use crate::store::Tx;

pub(super) fn guest(tx: &Tx<'_>) -> Result<Party, Error> {
    Ok(tx
        .party(PartyTable::SysUser, GUEST_SYS_ID)?
        .expect("migration 1 creates the guest user"))
}

/// A record by name.
pub(super) fn find_party(tx: &Tx<'_>, table: PartyTable, name: &str) -> Result<Party, Error> {
    match tx.party_by_name(table, name)? {
        Some(p) => Ok(p),
        None => Err(Error::UnknownRecord {
            table: table.as_str(),
            name: name.to_owned(),
            near: tx.names_near(table, name)?,
        }),
    }
}

pub(super) fn party_region(tx: &Tx<'_>, party: Option<&Party>) -> Result<Region, Error> {
    match party.and_then(|p| p.country) {
        Some(r) => Ok(r),
        None => default_region(tx),
    }
}

pub(super) fn default_region(tx: &Tx<'_>) -> Result<Region, Error> {
    let code = tx
        .property(properties::DEFAULT_REGION)?
        .unwrap_or_else(|| DEFAULT_REGION_CODE.to_owned());
    Ok(Region::parse(&code)?)
}
