//! The world's Advanced Work Assignment: SMS queues, agents' presence and capacity, and work items
//! offered in the Workspace Inbox, accepted or rejected (ROUTE-1, ROUTE-2, INBOX-3).

use anyhow::{ensure, Context as _};
use convsms::domain::model::InteractionNumber;
use convsms::domain::work_assignment::{Presence, WorkItemState};
use convsms::engine::work_assignment::{TransferTarget, WorkItemView};

use super::{joined, ConvWorld};
use crate::check::params::{Offer, Verdict, Where};

/// A queue's order when a step gives none.
const DEFAULT_QUEUE_ORDER: i32 = 100;

/// A work item as a failure message shows it.
struct ItemShown<'a>(&'a WorkItemView);

impl std::fmt::Display for ItemShown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = self.0;
        write!(f, "{} in queue \"{}\"", i.state.as_str(), i.queue)?;
        if let Some(a) = &i.agent {
            write!(f, " (agent {a})")?;
        }
        if !i.active {
            write!(f, ", inactive")?;
        }
        Ok(())
    }
}

impl ConvWorld {
    fn save_queue(
        &mut self,
        name: &str,
        condition: Option<&str>,
        order: Option<i32>,
        agents: &[String],
    ) -> Result<(), convsms::Error> {
        let agents: Vec<&str> = agents.iter().map(String::as_str).collect();
        let order = order.unwrap_or(DEFAULT_QUEUE_ORDER);
        self.engine()
            .save_sms_queue(name, order, condition, &agents)
    }

    /// Configures an SMS queue: `condition` an encoded query on the interaction (none: takes
    /// all), `agents` its members in preference order.
    pub fn given_queue(
        &mut self,
        name: &str,
        condition: &Where,
        order: Option<i32>,
        agents: &[String],
    ) -> anyhow::Result<()> {
        self.save_queue(name, condition.0.as_deref(), order, agents)
            .with_context(|| format!("saving the queue \"{name}\""))
    }

    /// An administrator saves an SMS queue; a refusal is kept for "Then".
    pub fn admin_saves_queue(
        &mut self,
        name: &str,
        condition: &Where,
        order: Option<i32>,
        agents: &[String],
    ) -> anyhow::Result<()> {
        self.mark()?;
        if let Err(e) = self.save_queue(name, condition.0.as_deref(), order, agents) {
            self.refused(e);
        }
        Ok(())
    }

    /// Sets an agent's presence on the SMS channel (routes at once).
    pub fn given_presence(&mut self, agent: &str, presence: Presence) -> anyhow::Result<()> {
        self.engine()
            .set_sms_presence(agent, presence)
            .with_context(|| format!("making {agent} {}", presence.as_str()))
    }

    /// Sets an agent's SMS capacity (routes at once). The work an agent holds beyond a lowered
    /// capacity is theirs to keep: `Then every soak invariant holds` goes by it, as the soak
    /// does ([`crate::soak::audit::keep_over_capacity`]).
    pub fn given_capacity(&mut self, agent: &str, capacity: usize) -> anyhow::Result<()> {
        let capacity = u32::try_from(capacity)
            .with_context(|| format!("{capacity} is too large an SMS capacity"))?;
        self.engine()
            .set_sms_capacity(agent, capacity)
            .with_context(|| format!("setting {agent}'s SMS capacity to {capacity}"))?;
        let now = convsms::clock::Clock::now(&self.stack.clock);
        crate::soak::audit::keep_over_capacity(
            &self.stack,
            now,
            agent,
            &mut self.kept_over_capacity,
        )
        .context("reading what the agent holds")
    }

    /// The agent accepts (or rejects) the work item for an interaction, or the only one offered
    /// to them. A refusal is kept for "Then".
    pub async fn answer_offer(
        &mut self,
        agent: &str,
        verdict: Verdict,
        offer: &Offer,
    ) -> anyhow::Result<()> {
        let interaction = offer.0.as_ref();
        self.mark()?;
        let engine = self.stack.engine.clone();
        let result = match verdict {
            Verdict::Accept => engine.accept_work_item(agent, interaction).await,
            Verdict::Reject => engine.reject_work_item(agent, interaction).await,
        };
        if let Err(e) = result {
            self.refused(e);
        }
        Ok(())
    }

    /// The agent transfers a conversation assigned to them to another agent. A refusal is kept
    /// for "Then".
    pub async fn transfer_to_agent(
        &mut self,
        agent: &str,
        number: &InteractionNumber,
        to: &str,
    ) -> anyhow::Result<()> {
        self.transfer(agent, number, TransferTarget::Agent(to))
            .await
    }

    /// The agent transfers a conversation assigned to them to an SMS queue. A refusal is kept
    /// for "Then".
    pub async fn transfer_to_queue(
        &mut self,
        agent: &str,
        number: &InteractionNumber,
        queue: &str,
    ) -> anyhow::Result<()> {
        self.transfer(agent, number, TransferTarget::Queue(queue))
            .await
    }

    async fn transfer(
        &mut self,
        agent: &str,
        number: &InteractionNumber,
        to: TransferTarget<'_>,
    ) -> anyhow::Result<()> {
        self.mark()?;
        let engine = self.stack.engine.clone();
        if let Err(e) = engine.transfer(agent, number, to).await {
            self.refused(e);
        }
        Ok(())
    }

    /// The agent leaves a conversation assigned to them: it goes back to its queue. A refusal
    /// is kept for "Then".
    pub async fn leave(&mut self, agent: &str, number: &InteractionNumber) -> anyhow::Result<()> {
        self.mark()?;
        let engine = self.stack.engine.clone();
        if let Err(e) = engine.leave(agent, number).await {
            self.refused(e);
        }
        Ok(())
    }

    /// Checks the interactions in an agent's Workspace Inbox, oldest first.
    pub fn check_inbox(&self, agent: &str, want: &[InteractionNumber]) -> anyhow::Result<()> {
        let got = self
            .engine()
            .workspace_inbox(agent)
            .with_context(|| format!("reading {agent}'s Workspace Inbox"))?;
        ensure!(
            got == want,
            "{agent}'s Workspace Inbox offers {}, expected {}",
            joined(&got),
            joined(want)
        );
        Ok(())
    }

    /// The latest work item of an interaction.
    fn work_item(&self, number: &InteractionNumber) -> anyhow::Result<WorkItemView> {
        self.engine()
            .work_item(number)
            .with_context(|| format!("reading the work item for {number}"))?
            .with_context(|| format!("{number} has no work item: it was never routed"))
    }

    /// Checks the state of an interaction's work item.
    pub fn check_work_item_state(
        &self,
        number: &InteractionNumber,
        state: &str,
    ) -> anyhow::Result<()> {
        ensure!(
            WorkItemState::parse(state).is_some(),
            "\"{state}\" is not a work item state; expected one of pending, offered, accepted, \
             rejected, timed_out, cancelled"
        );
        let item = self.work_item(number)?;
        ensure!(
            item.state.as_str() == state,
            "the work item for {number} is {}, expected {state}",
            ItemShown(&item)
        );
        Ok(())
    }

    /// Checks that an interaction's work item is offered to an agent.
    pub fn check_offered_to(&self, number: &InteractionNumber, agent: &str) -> anyhow::Result<()> {
        let item = self.work_item(number)?;
        ensure!(
            item.active
                && item.state == WorkItemState::Offered
                && item.agent.as_deref() == Some(agent),
            "the work item for {number} is {}, expected offered to {agent}",
            ItemShown(&item)
        );
        Ok(())
    }

    /// Checks the queue of an interaction's work item.
    pub fn check_in_queue(&self, number: &InteractionNumber, queue: &str) -> anyhow::Result<()> {
        let item = self.work_item(number)?;
        ensure!(
            item.queue == queue,
            "the work item for {number} is {}, expected in queue \"{queue}\"",
            ItemShown(&item)
        );
        Ok(())
    }

    /// Checks what waits in a queue, in line (oldest first): exactly `want`, in that order.
    pub fn check_queue_waiting(
        &self,
        queue: &str,
        want: &[InteractionNumber],
    ) -> anyhow::Result<()> {
        let got = self
            .engine()
            .queue_waiting(queue)
            .with_context(|| format!("reading what waits in queue \"{queue}\""))?;
        ensure!(
            got == want,
            "queue \"{queue}\" has waiting {}, expected {}",
            joined(&got),
            joined(want)
        );
        Ok(())
    }
}
