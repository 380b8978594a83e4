//! The world's messaging profiles (sys_cs_channel_user_profile) and records' mobile phones.

use anyhow::{ensure, Context as _};
use convsms::domain::model::InteractionNumber;
use convsms::domain::phone::E164;

use super::{lines, ConvWorld};
use crate::check::params::{MobilePhone, Requester, RequesterOrNobody};

/// A messaging profile as steps compare it: active or not, and the record it links to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileView {
    /// Whether it is active.
    pub active: bool,
    /// The record it links to, if any.
    pub linked: Option<Requester>,
}

impl std::fmt::Display for ProfileView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.active { "active" } else { "inactive" };
        match &self.linked {
            Some(r) => write!(f, "{state}, linked to {r}"),
            None => write!(f, "{state}, linked to nobody"),
        }
    }
}

fn phone(text: &str) -> anyhow::Result<E164> {
    E164::parse(text, None).with_context(|| format!("the phone number \"{text}\""))
}

impl ConvWorld {
    /// Creates an active messaging profile for `phone`, linked to a record or to nobody.
    pub fn given_profile(
        &mut self,
        phone_text: &str,
        to: &RequesterOrNobody,
    ) -> anyhow::Result<()> {
        let phone = phone(phone_text)?;
        let party =
            to.0.as_ref()
                .map(|r| self.party(r.table, &r.name))
                .transpose()?;
        let now = self.now();
        self.store()
            .write(|tx| tx.insert_profile(&phone, party.as_ref(), now).map(|_| ()))
            .with_context(|| format!("creating a messaging profile for {phone}"))
    }

    /// An agent (or the VA) re-links an interaction and its profile to a record (PROFILE-4); a
    /// refusal is kept for "Then".
    pub fn relink(&mut self, number: &InteractionNumber, to: &Requester) -> anyhow::Result<()> {
        self.mark()?;
        if let Err(e) = self.engine().relink(number, to.as_pair()) {
            self.refused(e);
        }
        Ok(())
    }

    /// Every profile of a phone, oldest first.
    fn profiles(&self, phone_text: &str) -> anyhow::Result<Vec<ProfileView>> {
        let phone = phone(phone_text)?;
        self.store()
            .read(|tx| {
                tx.profiles(&phone)?
                    .into_iter()
                    .map(|p| {
                        let linked = match &p.user {
                            Some((t, id)) => tx.party(*t, id)?.map(|x| Requester {
                                table: x.table,
                                name: x.name,
                            }),
                            None => None,
                        };
                        Ok(ProfileView {
                            active: p.active,
                            linked,
                        })
                    })
                    .collect::<Result<Vec<_>, rusqlite::Error>>()
            })
            .with_context(|| format!("reading the messaging profiles of {phone}"))
    }

    /// Checks that a phone has a profile in that state, linked to that record (or nobody).
    pub fn check_profile(
        &self,
        phone: &str,
        active: bool,
        linked: &RequesterOrNobody,
    ) -> anyhow::Result<()> {
        let want = ProfileView {
            active,
            linked: linked.0.clone(),
        };
        let all = self.profiles(phone)?;
        ensure!(
            all.contains(&want),
            "{phone} has no messaging profile {want}; its profiles:{}",
            lines(&all)
        );
        Ok(())
    }

    /// Checks how many messaging profiles a phone has.
    pub fn check_profile_count(&self, phone: &str, count: usize) -> anyhow::Result<()> {
        if count == 0 {
            // "No profile" of a number nobody has (a typo) would pass checking nothing.
            self.handset_in_scenario(phone, "has no messaging profile")?;
        }
        let all = self.profiles(phone)?;
        ensure!(
            all.len() == count,
            "{phone} has {} messaging profile{}, expected {count}:{}",
            all.len(),
            if all.len() == 1 { "" } else { "s" },
            lines(&all)
        );
        Ok(())
    }

    /// Checks a record's mobile phone (or that it has none).
    pub fn check_mobile_phone(&self, who: &Requester, want: &MobilePhone) -> anyhow::Result<()> {
        let want = want.0.as_deref();
        let got = self
            .party(who.table, &who.name)?
            .phone
            .map(|p| p.to_string());
        let show = |p: Option<&str>| {
            p.map_or_else(
                || "no mobile phone".to_owned(),
                |p| format!("mobile phone {p}"),
            )
        };
        ensure!(
            got.as_deref() == want,
            "{who} has {}, expected {}",
            show(got.as_deref()),
            show(want)
        );
        Ok(())
    }
}
