//! The world's requesters, agents and settings.

use anyhow::Context as _;
use convsms::domain::model::{PartyTable, AGENT_ROLE};
use convsms::domain::phone::{Region, E164};
use convsms::domain::work_assignment::Presence;
use fake::Fake;

use super::ConvWorld;
use crate::check::params::NewRequester;

impl ConvWorld {
    /// Requesters created without a name get theirs from `seed`'s generator from here on.
    pub fn given_names_seed(&mut self, seed: u64) -> anyhow::Result<()> {
        self.reseed(seed);
        Ok(())
    }

    /// Creates a requester record; a made-up name when none is given. Its phone is read in its
    /// country, or in the US.
    pub fn given_requester(&mut self, new: &NewRequester) -> anyhow::Result<()> {
        let name = match &new.name {
            Some(n) => n.clone(),
            None => fake::faker::name::en::Name().fake_with_rng::<String, _>(&mut self.faker),
        };
        let country = new
            .country
            .as_deref()
            .map(Region::parse)
            .transpose()
            .with_context(|| format!("{name}'s country"))?;
        let phone = match &new.phone {
            Some(p) => {
                let region = match country {
                    Some(r) => r,
                    None => Region::parse("US").context("the US region")?,
                };
                let e164 = E164::parse(p, Some(region))
                    .with_context(|| format!("{name}'s mobile phone \"{p}\" (read in {region})"))?;
                Some(e164)
            }
            None => None,
        };
        self.refuse_existing(new.table, &name)?;
        self.store()
            .write(|tx| {
                tx.insert_party(new.table, &name, None, phone.as_ref(), country)
                    .map(|_| ())
            })
            .with_context(|| format!("creating the {} \"{name}\"", new.table.as_str()))
    }

    /// Creates an agent: a sys_user with the agent_workspace_user role.
    pub fn given_agent(&mut self, user_name: &str) -> anyhow::Result<()> {
        self.given_user(user_name, true)
    }

    /// Creates an agent who is Available on the SMS channel, with the default SMS capacity.
    pub fn given_available_agent(&mut self, user_name: &str) -> anyhow::Result<()> {
        self.given_user(user_name, true)?;
        self.given_presence(user_name, Presence::Available)
    }

    /// Creates a sys_user without the agent_workspace_user role.
    pub fn given_user_without_agent_role(&mut self, user_name: &str) -> anyhow::Result<()> {
        self.given_user(user_name, false)
    }

    fn given_user(&mut self, user_name: &str, agent: bool) -> anyhow::Result<()> {
        self.refuse_existing(PartyTable::SysUser, user_name)?;
        self.store()
            .write(|tx| {
                let u =
                    tx.insert_party(PartyTable::SysUser, user_name, Some(user_name), None, None)?;
                if agent {
                    tx.grant_role(&u.sys_id, AGENT_ROLE)?;
                }
                Ok::<_, rusqlite::Error>(())
            })
            .with_context(|| format!("creating the user \"{user_name}\""))
    }

    /// Refuses a second record of `table` named `name` (for sys_user, as name or user_name):
    /// steps find people by name, so a second one would make every later step ambiguous, and the
    /// table's own UNIQUE constraint would say only "UNIQUE constraint failed".
    fn refuse_existing(&self, table: PartyTable, name: &str) -> anyhow::Result<()> {
        let existing = self
            .store()
            .read(|tx| tx.party_by_name(table, name))
            .with_context(|| format!("looking up the {} \"{name}\"", table.as_str()))?;
        anyhow::ensure!(
            existing.is_none(),
            "there is already a {} named \"{name}\"; each person is set up once (steps find \
             them by name): give the second one another name",
            table.as_str()
        );
        Ok(())
    }

    /// Sets a sys_property.
    pub fn given_property(&mut self, name: &str, value: &str) -> anyhow::Result<()> {
        self.engine().set_property(name, value)?;
        if name == convsms::domain::messaging_actions::IDLE_TIMEOUT_PROPERTY {
            // The soak invariants judge the idle closes of the whole scenario by the shortest
            // idle timeout it ever had (an invalid value reads as the default).
            let secs = value
                .trim()
                .parse::<i64>()
                .unwrap_or(convsms::domain::messaging_actions::DEFAULT_IDLE_TIMEOUT_SECS);
            let shortest = self.shortest_idle_timeout.get_or_insert(secs);
            *shortest = (*shortest).min(secs);
        }
        Ok(())
    }

    /// Turns the virtual agent off.
    pub fn given_virtual_agent_off(&mut self) -> anyhow::Result<()> {
        self.given_property(convsms::engine::properties::VIRTUAL_AGENT_ENABLED, "false")
    }
}
