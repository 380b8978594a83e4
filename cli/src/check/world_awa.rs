//! The scenario world's Advanced Work Assignment and workspace: queues, presence and capacity,
//! the Workspace Inbox, work items, the Ongoing tab and system messages (ROUTE, INBOX, SYSMSG).

use convsms::domain::model::InteractionNumber;
use convsms::domain::work_assignment::Presence;
use convsms::engine::work_assignment::{OngoingRow, WorkItemView};

use super::world::ConvWorld;

type StepResult = Result<(), String>;

fn number(text: &str) -> Result<InteractionNumber, String> {
    InteractionNumber::parse(text).map_err(|e| e.to_string())
}

impl ConvWorld {
    /// Configures an SMS queue: `condition` an encoded query on the interaction (empty: takes
    /// all), `agents` its members in preference order.
    pub fn given_queue(
        &mut self,
        name: &str,
        condition: &str,
        order: i32,
        agents: &[String],
    ) -> StepResult {
        let agents: Vec<&str> = agents.iter().map(String::as_str).collect();
        let condition = (!condition.is_empty()).then_some(condition);
        self.engine()
            .save_sms_queue(name, order, condition, &agents)
            .map_err(|e| e.to_string())
    }

    /// Tries to save an SMS queue as an administrator would; a refusal is kept for "Then".
    pub fn try_save_queue(&mut self, name: &str, condition: &str, order: i32, agents: &[String]) {
        self.mark();
        if let Err(e) = self.given_queue(name, condition, order, agents) {
            self.refused(e);
        }
    }

    /// Sets an agent's presence on the SMS channel (routes at once).
    pub fn given_presence(&mut self, agent: &str, presence: Presence) -> StepResult {
        self.engine()
            .set_sms_presence(agent, presence)
            .map_err(|e| e.to_string())
    }

    /// Sets an agent's SMS capacity (routes at once).
    pub fn given_capacity(&mut self, agent: &str, capacity: u32) -> StepResult {
        self.engine()
            .set_sms_capacity(agent, capacity)
            .map_err(|e| e.to_string())
    }

    /// The agent accepts (or rejects) the work item for `interaction`, or the only one offered to
    /// them. A refusal is kept for "Then the request is refused with ...".
    pub async fn answer_offer(
        &mut self,
        agent: &str,
        accept: bool,
        interaction: Option<&str>,
    ) -> StepResult {
        let n = interaction.map(number).transpose()?;
        self.mark();
        let engine = self.stack.engine.clone();
        let result = if accept {
            engine.accept_work_item(agent, n.as_ref()).await
        } else {
            engine.reject_work_item(agent, n.as_ref()).await
        };
        if let Err(e) = result {
            self.refused(e);
        }
        Ok(())
    }

    /// The interactions in the agent's Workspace Inbox, oldest first.
    pub fn inbox(&self, agent: &str) -> Result<Vec<String>, String> {
        self.engine()
            .workspace_inbox(agent)
            .map(|v| v.into_iter().map(|n| n.to_string()).collect())
            .map_err(|e| e.to_string())
    }

    /// The latest work item of an interaction.
    pub fn work_item(&self, interaction: &str) -> Result<WorkItemView, String> {
        self.engine()
            .work_item(&number(interaction)?)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{interaction} has no work item: it was never routed"))
    }

    /// The agent's Ongoing tab, most recent activity first.
    pub fn ongoing(&self, agent: &str) -> Result<Vec<OngoingRow>, String> {
        self.engine().ongoing_tab(agent).map_err(|e| e.to_string())
    }

    /// The agent opens a conversation in the workspace.
    pub fn read_conversation(&mut self, agent: &str, interaction: &str) -> StepResult {
        self.engine()
            .read_conversation(agent, &number(interaction)?)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The bodies of an interaction's internal (agents-only) transcript lines: system messages.
    pub fn system_lines(&self, interaction: &str) -> Result<Vec<String>, String> {
        let i = self.interaction(interaction)?;
        let t = self
            .store()
            .read(|tx| tx.transcript(&i.sys_id))
            .map_err(|e| e.to_string())?;
        Ok(t.into_iter()
            .filter(|m| m.direction == convsms::domain::delivery::Direction::Internal)
            .map(|m| m.body)
            .collect())
    }

    /// What the requester of an interaction received from its provider number, oldest first.
    pub fn requester_received(&self, interaction: &str) -> Result<Vec<String>, String> {
        let i = self.interaction(interaction)?;
        let (Some(requester), Some(provider)) = (i.requester_phone, i.provider_phone) else {
            return Err(format!("{interaction} is not an SMS conversation"));
        };
        Ok(self
            .received(requester.as_str())
            .into_iter()
            .filter(|(from, _, _)| from == provider.as_str())
            .map(|(_, body, _)| body)
            .collect())
    }
}
