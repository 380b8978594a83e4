//! The world's SMS update notifications: START, STOP and Notification (seed 003).

use anyhow::{ensure, Context as _};
use convsms::domain::model::PartyTable;

use super::ConvWorld;

impl ConvWorld {
    /// A case changes state on the instance ([`convsms::engine::Engine::set_case_state`]): its
    /// contact is texted the update when they opted in. A refusal (no such case) is kept for
    /// `Then the request is refused with`.
    pub async fn set_case_state(&mut self, number: &str, state: &str) -> anyhow::Result<()> {
        self.mark()?;
        if let Err(e) = self.engine().set_case_state(number, state).await {
            self.refused(e);
        }
        Ok(())
    }

    /// A sys_user's SMS update setting (`None` when never set).
    fn subscription(&self, user: &str) -> anyhow::Result<Option<bool>> {
        let u = self.party(PartyTable::SysUser, user)?;
        self.store()
            .read(|tx| tx.subscription(&u.sys_id))
            .with_context(|| format!("reading {user}'s SMS update setting"))
    }

    /// Checks a sys_user's SMS update notifications; never set counts as off (NOTIF-1).
    pub fn check_sms_updates(&self, user: &str, on: bool) -> anyhow::Result<()> {
        let got = self.subscription(user)?;
        let show = |on: bool| if on { "on" } else { "off" };
        ensure!(
            got.unwrap_or(false) == on,
            "{user}'s SMS update notifications are {}{}, expected {}",
            show(got.unwrap_or(false)),
            if got.is_none() { " (never set)" } else { "" },
            show(on)
        );
        Ok(())
    }

    /// Checks that a sys_user never set SMS update notifications.
    pub fn check_sms_updates_never_set(&self, user: &str) -> anyhow::Result<()> {
        let got = self.subscription(user)?;
        ensure!(
            got.is_none(),
            "{user} set SMS update notifications {}",
            if got == Some(true) { "on" } else { "off" }
        );
        Ok(())
    }

    /// Checks how many SMS update settings are stored, on or off (`0`: none).
    pub fn check_subscription_count(&self, want: usize) -> anyhow::Result<()> {
        let n = self
            .store()
            .read(|tx| tx.subscription_count())
            .context("counting the SMS update subscriptions")?;
        ensure!(
            usize::try_from(n).is_ok_and(|n| n == want),
            "{n} SMS update subscription(s) are stored, expected {want}"
        );
        Ok(())
    }
}
