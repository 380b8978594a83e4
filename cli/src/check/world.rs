//! The scenario world: one engine, one simulated Twilio, one SQLite database and one manual clock
//! per scenario, sharing nothing with other scenarios.
//!
//! Steps are thin: they parse their words and call one method here. Methods that act ("When")
//! record the store digest and the simulator's message count first, so "Then nothing was written"
//! can compare; refusals are kept in [`ConvWorld::last_error`] for "Then ... is refused with ...".

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use convsms::clock::ManualClock;
use convsms::domain::model::*;
use convsms::domain::phone::{Region, E164};
use convsms::domain::topic::TopicSet;
use convsms::engine::extension::{AgentInitiatedConversationUtil, ComposeContext};
use convsms::engine::{
    Attachment, ComposeForm, ComposeRequest, Engine, EngineConfig, SendOutcome, CONVERSATIONAL_SMS,
};
use convsms::store::SqliteStore;
use convsms::twilio::TwilioClient;
use convsms::web::{self, WebState, INBOUND_PATH, STATUS_PATH};
use convsms_sim::{ApiFault, CallbackFault, CarrierProfile, FaultScope, SimConfig, Simulator};
use fake::Fake;
use rand::SeedableRng;
use twilio_wire::sid::MessageSid;

/// Where scenarios start: Monday 5 January 2026, 09:00:00 UTC.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

/// How long each world took to build (database, simulator, engine server), for the run summary.
pub static SETUP_TIMES: std::sync::Mutex<Vec<std::time::Duration>> =
    std::sync::Mutex::new(Vec::new());

/// The per-scenario stack.
pub(crate) struct Stack {
    pub(crate) clock: ManualClock,
    pub(crate) store: Arc<SqliteStore>,
    pub(crate) engine: Arc<Engine>,
    pub(crate) sim: Simulator,
    pub(crate) engine_url: String,
    pub(crate) http: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// What the last HTTP call to the engine answered.
#[derive(Clone, Debug)]
pub struct HttpAnswer {
    /// HTTP status.
    pub status: u16,
    /// Body as text.
    pub body: String,
}

/// One scenario's world.
#[derive(cucumber::World)]
#[world(init = Self::start)]
pub struct ConvWorld {
    pub(crate) stack: Stack,
    /// `<feature file stem>__<scenario name>`, for snapshots.
    pub snapshot_name: String,
    /// Where snapshots live.
    pub snapshot_dir: PathBuf,
    /// The last refusal, as the user would read it.
    pub last_error: Option<String>,
    /// The last Compose SMS form shown.
    pub last_form: Option<ComposeForm>,
    /// The last Compose SMS send.
    pub last_send: Option<SendOutcome>,
    /// The last HTTP answer (webhooks, ServiceNow endpoints).
    pub last_http: Option<HttpAnswer>,
    /// The last inbound message the simulator delivered.
    pub last_inbound: Option<MessageSid>,
    before: Option<(u64, usize)>,
    faker: rand::rngs::StdRng,
    /// Topic files a scenario added or replaced: (file name, text).
    extra_topics: Vec<(String, String)>,
}

impl fmt::Debug for ConvWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConvWorld")
            .field("engine_url", &self.stack.engine_url)
            .field("simulator", &self.stack.sim.base_url())
            .field("last_error", &self.last_error)
            .finish_non_exhaustive()
    }
}

/// A customer's extension that always offers the same numbers (COMPOSE-8).
struct FixedNumbers {
    from: Vec<E164>,
    to: Option<E164>,
}

impl AgentInitiatedConversationUtil for FixedNumbers {
    fn send_from(&self, _: &ComposeContext<'_>) -> Vec<E164> {
        self.from.clone()
    }
    fn send_to(&self, _: &ComposeContext<'_>) -> Option<E164> {
        self.to.clone()
    }
}

type StepResult = Result<(), String>;

/// A messaging profile as steps compare it: (active, linked record's table and name).
pub type ProfileView = (bool, Option<(PartyTable, String)>);

fn e164(text: &str) -> Result<E164, String> {
    E164::parse(text, None).map_err(|e| e.to_string())
}

impl ConvWorld {
    /// Builds a fresh stack: in-memory SQLite, simulator and engine on loopback port 0.
    ///
    /// # Errors
    /// A port cannot be bound or the database cannot be created.
    pub async fn start() -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let world = Self::build().await?;
        SETUP_TIMES
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(started.elapsed());
        Ok(world)
    }

    async fn build() -> anyhow::Result<Self> {
        let clock = ManualClock::starting_at(epoch());
        let store = Arc::new(SqliteStore::open_in_memory()?);
        let sim = Simulator::start(
            SimConfig::for_tests(),
            crate::sim_clock::for_simulator(clock.clone()),
        )
        .await?;
        let (listener, addr) = web::bind(0).await?;
        let engine_url = format!("http://{addr}");
        let provider = TwilioClient::new(&sim.base_url(), sim.account_sid(), sim.auth_token());
        let engine = Arc::new(Engine::new(
            store.clone(),
            Arc::new(provider),
            Arc::new(clock.clone()),
        ));
        engine.configure(EngineConfig {
            status_callback: Some(format!("{engine_url}{STATUS_PATH}")),
            public_url: engine_url.clone(),
        });
        let app = web::router(WebState {
            engine: engine.clone(),
            auth_token: sim.auth_token().to_owned(),
            public_url: engine_url.clone(),
        });
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        sim.set_sms_url(&format!("{engine_url}{INBOUND_PATH}"));
        let (topic_dir, topic_files) = super::topic_sources();
        let topics =
            TopicSet::from_sources(topic_files.iter().map(|(f, t)| (f.as_str(), t.as_str())))?
                .with_media_root(topic_dir.clone());
        engine.set_topics(Arc::new(topics));
        Ok(ConvWorld {
            stack: Stack {
                clock,
                store,
                engine,
                sim,
                engine_url,
                http: reqwest::Client::new(),
                server,
            },
            snapshot_name: String::new(),
            snapshot_dir: PathBuf::from("snapshots"),
            last_error: None,
            last_form: None,
            last_send: None,
            last_http: None,
            last_inbound: None,
            before: None,
            faker: rand::rngs::StdRng::seed_from_u64(2026),
            extra_topics: vec![],
        })
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.stack.engine
    }

    pub(crate) fn store(&self) -> &SqliteStore {
        &self.stack.store
    }

    /// Remembers the state before an action, for "nothing was written".
    pub(crate) fn mark(&mut self) {
        self.last_error = None;
        self.last_form = None;
        self.last_send = None;
        self.last_http = None;
        self.before = Some((
            self.store().content_digest().expect("digest"),
            self.sent_count(),
        ));
    }

    pub(crate) fn refused(&mut self, e: impl ToString) {
        self.last_error = Some(e.to_string());
    }

    // ----- Given: configuration and records ---------------------------------------------------

    /// Adds Conversational SMS provider numbers (and makes the simulated account own them).
    pub fn given_provider_numbers(&mut self, numbers: &[String]) -> StepResult {
        for n in numbers {
            let n = self
                .engine()
                .add_provider_number("Conversational SMS", CONVERSATIONAL_SMS, n)
                .map_err(|e| e.to_string())?;
            self.stack.sim.add_number(n.as_str());
        }
        Ok(())
    }

    /// Registers a number with another integration (ServiceNowTwilioDirect, Twilio Notify).
    pub fn given_other_integration_number(
        &mut self,
        integration: &str,
        number: &str,
    ) -> StepResult {
        let key = integration.to_ascii_lowercase().replace(' ', "_");
        let n = self
            .engine()
            .add_provider_number(integration, &key, number)
            .map_err(|e| e.to_string())?;
        // One Twilio account can hold the numbers of several integrations.
        self.stack.sim.add_number(n.as_str());
        Ok(())
    }

    /// Sets a sys_property.
    pub fn given_property(&mut self, name: &str, value: &str) -> StepResult {
        self.store()
            .write(|tx| tx.set_property(name, value))
            .map_err(|e| e.to_string())
    }

    /// Creates a requester or agent record. `phone` is read in `country` (or the default region).
    pub fn given_party(
        &mut self,
        table: PartyTable,
        name: Option<&str>,
        phone: Option<&str>,
        country: Option<&str>,
    ) -> StepResult {
        let name = match name {
            Some(n) => n.to_owned(),
            None => fake::faker::name::en::Name().fake_with_rng::<String, _>(&mut self.faker),
        };
        let country = country
            .map(Region::parse)
            .transpose()
            .map_err(|e| e.to_string())?;
        let phone = phone
            .map(|p| {
                let region = country.unwrap_or_else(|| Region::parse("US").expect("US"));
                E164::parse(p, Some(region)).map_err(|e| e.to_string())
            })
            .transpose()?;
        self.store()
            .write(|tx| {
                tx.insert_party(table, &name, None, phone.as_ref(), country)
                    .map(|_| ())
            })
            .map_err(|e| e.to_string())
    }

    /// Creates an agent: a sys_user with (or without) the agent_workspace_user role; `available`:
    /// Available on the SMS channel with the default SMS capacity (AWA).
    pub fn given_agent(&mut self, user_name: &str, with_role: bool, available: bool) -> StepResult {
        self.store()
            .write(|tx| {
                let u =
                    tx.insert_party(PartyTable::SysUser, user_name, Some(user_name), None, None)?;
                if with_role {
                    tx.grant_role(&u.sys_id, AGENT_ROLE)?;
                }
                Ok::<_, rusqlite::Error>(())
            })
            .map_err(|e| e.to_string())?;
        if available {
            self.given_presence(
                user_name,
                convsms::domain::work_assignment::Presence::Available,
            )?;
        }
        Ok(())
    }

    pub(crate) fn party(&self, table: PartyTable, name: &str) -> Result<Party, String> {
        self.store()
            .read(|tx| tx.party_by_name(table, name))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no {} named '{name}'", table.as_str()))
    }

    /// Creates an active messaging profile for `phone`, linked to a record or to nobody.
    pub fn given_profile(&mut self, phone: &str, to: Option<(PartyTable, &str)>) -> StepResult {
        let phone = e164(phone)?;
        let party = to.map(|(t, n)| self.party(t, n)).transpose()?;
        let now = self.stack.clock.now_utc();
        self.store()
            .write(|tx| tx.insert_profile(&phone, party.as_ref(), now).map(|_| ()))
            .map_err(|e| e.to_string())
    }

    /// Opens a phone-call interaction for a record (VALIDATE-2).
    pub fn given_phone_interaction(&mut self, table: PartyTable, name: &str) -> StepResult {
        let party = self.party(table, name)?;
        let now = self.stack.clock.now_utc();
        self.store()
            .write(|tx| {
                tx.insert_interaction(
                    InteractionType::Phone,
                    &Handler::Queue,
                    &party,
                    None,
                    party.phone.as_ref(),
                    None,
                    None,
                    now,
                )
                .map(|_| ())
            })
            .map_err(|e| e.to_string())
    }

    /// Installs a customer's send-from/send-to extension (COMPOSE-8).
    pub fn given_extension(&mut self, from: &[String], to: Option<&str>) -> StepResult {
        let from = from
            .iter()
            .map(|f| e164(f))
            .collect::<Result<Vec<_>, _>>()?;
        let to = to.map(e164).transpose()?;
        self.engine()
            .install_extension(Arc::new(FixedNumbers { from, to }));
        Ok(())
    }

    /// Adds a topic file (or replaces the folder's file of that name) and reloads the topics.
    ///
    /// # Errors
    /// The topic set does not load (VA-9): the error names the file and the node.
    pub fn load_topic_file(&mut self, file: &str, text: &str) -> Result<(), String> {
        let mut extra = self.extra_topics.clone();
        extra.retain(|(f, _)| f != file);
        extra.push((file.to_owned(), text.to_owned()));
        let (dir, base) = super::topic_sources();
        let sources = base
            .iter()
            .filter(|(f, _)| !extra.iter().any(|(e, _)| e == f))
            .chain(extra.iter());
        let set = TopicSet::from_sources(sources.map(|(f, t)| (f.as_str(), t.as_str())))
            .map_err(|e| e.to_string())?
            .with_media_root(dir.clone());
        self.engine().set_topics(Arc::new(set));
        self.extra_topics = extra;
        Ok(())
    }

    /// Tries to load a topic file as an administrator would; a refusal is kept for "Then".
    pub fn try_load_topic_file(&mut self, file: &str, text: &str) {
        self.mark();
        if let Err(e) = self.load_topic_file(file, text) {
            self.refused(e);
        }
    }

    /// Gives a requester a customer service case.
    pub fn given_case(
        &mut self,
        table: PartyTable,
        name: &str,
        number: &str,
        text: &str,
        state: &str,
    ) -> StepResult {
        let party = self.party(table, name)?;
        self.store()
            .write(|tx| tx.insert_case(number, text, state, &party))
            .map_err(|e| e.to_string())
    }

    /// Creates an order record.
    pub fn given_order(
        &mut self,
        number: &str,
        state: &str,
        carrier: &str,
        eta: &str,
    ) -> StepResult {
        self.store()
            .write(|tx| tx.insert_order(number, state, carrier, eta))
            .map_err(|e| e.to_string())
    }

    /// A live agent sends a card of a record into an interaction (VA-8).
    pub async fn send_card(
        &mut self,
        agent: &str,
        interaction: &str,
        table: &str,
        number: &str,
    ) -> StepResult {
        let fields: Vec<String> = ["number", "short_description", "state"]
            .map(str::to_owned)
            .to_vec();
        let values = self
            .store()
            .read(|tx| tx.card_values(table, number, &fields))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no {table} record {number}"))?;
        let labels = ["Case", "Subject", "State"];
        let pairs: Vec<(String, String)> =
            labels.iter().map(|l| l.to_string()).zip(values).collect();
        let body = convsms::domain::topic::render::card(None, &pairs).body;
        self.compose(ComposeRequest {
            agent: agent.to_owned(),
            interaction: Some(InteractionNumber::parse(interaction).map_err(|e| e.to_string())?),
            body,
            ..Default::default()
        })
        .await
    }

    // ----- When: handsets and webhooks --------------------------------------------------------

    /// A handset texts a provider number through the simulated Twilio.
    pub async fn text(&mut self, from: &str, body: &str, to: &str, media: &[String]) -> StepResult {
        self.mark();
        let d = match self.stack.sim.send_inbound(from, to, body, media).await {
            Ok(d) => d,
            Err(e) => {
                self.refused(e);
                return Ok(());
            }
        };
        self.last_http = Some(HttpAnswer {
            status: d.http_status,
            body: d.body.clone(),
        });
        self.last_inbound = Some(d.sid);
        if d.http_status != 200 {
            self.refused(format!("webhook answered {}: {}", d.http_status, d.body));
        }
        Ok(())
    }

    /// Several handsets text the same provider number concurrently.
    pub async fn text_concurrently(&mut self, from: &[String], body: &str, to: &str) -> StepResult {
        self.mark();
        let sim = &self.stack.sim;
        let sends = from.iter().map(|f| sim.send_inbound(f, to, body, &[]));
        for d in futures::future::join_all(sends).await {
            let d = d.map_err(|e| e.to_string())?;
            if d.http_status != 200 {
                return Err(format!("webhook answered {}: {}", d.http_status, d.body));
            }
        }
        Ok(())
    }

    /// The Conversational SMS provider numbers.
    pub fn provider_numbers(&self) -> Result<Vec<String>, String> {
        self.store()
            .read(|tx| tx.provider_numbers(CONVERSATIONAL_SMS))
            .map(|v| v.into_iter().map(|n| n.to_string()).collect())
            .map_err(|e| e.to_string())
    }

    /// The simulator delivers the last inbound webhook again (a Twilio retry).
    pub async fn redeliver(&mut self) -> StepResult {
        let sid = self
            .last_inbound
            .clone()
            .ok_or("no inbound message was sent yet")?;
        self.mark();
        let d = self
            .stack
            .sim
            .redeliver_inbound(&sid)
            .await
            .map_err(|e| e.to_string())?;
        self.last_http = Some(HttpAnswer {
            status: d.http_status,
            body: d.body,
        });
        Ok(())
    }

    /// Posts an inbound webhook that Twilio did not sign: a wrong signature, or none.
    pub async fn forged_webhook(
        &mut self,
        from: &str,
        body: &str,
        to: &str,
        signature: Option<&str>,
    ) -> StepResult {
        self.mark();
        let params = [
            ("MessageSid", "SM00000000000000000000000000000bad"),
            ("AccountSid", self.stack.sim.account_sid()),
            ("From", from),
            ("To", to),
            ("Body", body),
            ("NumMedia", "0"),
        ];
        let mut req = self
            .stack
            .http
            .post(format!("{}{INBOUND_PATH}", self.stack.engine_url))
            .form(&params);
        if let Some(sig) = signature {
            req = req.header("X-Twilio-Signature", sig);
        }
        let resp = req.send().await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let body = resp.text().await.map_err(|e| e.to_string())?;
        if status != 200 {
            self.refused(&body);
        }
        self.last_http = Some(HttpAnswer { status, body });
        Ok(())
    }

    // ----- When: agents ----------------------------------------------------------------------

    /// The agent opens Compose SMS.
    pub fn open_compose(
        &mut self,
        agent: &str,
        interaction: Option<&str>,
        requester: Option<(PartyTable, &str)>,
    ) -> StepResult {
        self.mark();
        let number = interaction
            .map(InteractionNumber::parse)
            .transpose()
            .map_err(|e| e.to_string())?;
        match self
            .engine()
            .compose_form(agent, number.as_ref(), requester)
        {
            Ok(form) => self.last_form = Some(form),
            Err(e) => self.refused(e),
        }
        Ok(())
    }

    /// The agent fills in Compose SMS and presses Send.
    pub async fn compose(&mut self, req: ComposeRequest) -> StepResult {
        self.mark();
        match self.stack.engine.send_sms(req).await {
            Ok(out) => {
                if let Some(e) = &out.provider_error {
                    self.refused(e);
                }
                self.last_send = Some(out);
            }
            Err(e) => self.refused(e),
        }
        Ok(())
    }

    /// An attachment with made-up bytes of the given type.
    pub fn attachment(file_name: &str, content_type: &str) -> Attachment {
        Attachment {
            file_name: file_name.to_owned(),
            content_type: content_type.to_owned(),
            data: format!("{content_type}:{file_name}").into_bytes(),
        }
    }

    /// An administrator adds a Conversational SMS provider number (PROVIDER-1).
    pub fn admin_adds_provider_number(&mut self, number: &str) -> StepResult {
        self.mark();
        match self
            .engine()
            .add_provider_number("Conversational SMS", CONVERSATIONAL_SMS, number)
        {
            Ok(n) => self.stack.sim.add_number(n.as_str()),
            Err(e) => self.refused(e),
        }
        Ok(())
    }

    /// An agent (or the VA) re-links an interaction and its profile to a record (PROFILE-4).
    pub fn relink(&mut self, interaction: &str, to: (PartyTable, &str)) -> StepResult {
        self.mark();
        let n = InteractionNumber::parse(interaction).map_err(|e| e.to_string())?;
        if let Err(e) = self.engine().relink(&n, to) {
            self.refused(e);
        }
        Ok(())
    }

    /// Closes an interaction.
    pub async fn close(&mut self, interaction: &str) -> StepResult {
        let n = InteractionNumber::parse(interaction).map_err(|e| e.to_string())?;
        self.stack.engine.close(&n).await.map_err(|e| e.to_string())
    }

    /// Calls one of ServiceNow's `initiate_message` endpoints with a JSON body.
    pub async fn call_endpoint(&mut self, endpoint: &str, body: serde_json::Value) -> StepResult {
        self.mark();
        let resp = self
            .stack
            .http
            .post(format!(
                "{}/api/now/initiate_message/{endpoint}",
                self.stack.engine_url
            ))
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(|e| e.to_string())?;
        if status != 200 {
            self.refused(&text);
        }
        self.last_http = Some(HttpAnswer { status, body: text });
        Ok(())
    }

    /// The MessageSid of message `seq` (from 1) of an interaction's transcript.
    pub fn message_sid(&self, interaction: &str, seq: i64) -> Result<String, String> {
        let i = self.interaction(interaction)?;
        let t = self
            .store()
            .read(|tx| tx.transcript(&i.sys_id))
            .map_err(|e| e.to_string())?;
        t.into_iter()
            .find(|m| m.seq == seq)
            .ok_or_else(|| format!("{interaction} has no message #{seq}"))?
            .provider_sid
            .map(|sid| sid.to_string())
            .ok_or_else(|| format!("message #{seq} of {interaction} has no MessageSid"))
    }

    /// A message's (status, error code) in the transcript.
    pub fn message_status(
        &self,
        interaction: &str,
        seq: i64,
    ) -> Result<(String, Option<i64>), String> {
        let i = self.interaction(interaction)?;
        let t = self
            .store()
            .read(|tx| tx.transcript(&i.sys_id))
            .map_err(|e| e.to_string())?;
        let m = t
            .into_iter()
            .find(|m| m.seq == seq)
            .ok_or_else(|| format!("{interaction} has no message #{seq}"))?;
        Ok((m.status.to_string(), m.error_code))
    }

    /// Posts a signed status callback for message `seq` of an interaction, as Twilio would (used to
    /// replay late, duplicated or out-of-order reports).
    pub async fn post_status_callback(
        &mut self,
        interaction: &str,
        seq: i64,
        status: &str,
        error: Option<u32>,
    ) -> StepResult {
        let sid = self.message_sid(interaction, seq)?;
        let i = self.interaction(interaction)?;
        let mut params = vec![
            (
                "AccountSid".to_owned(),
                self.stack.sim.account_sid().to_owned(),
            ),
            ("ApiVersion".to_owned(), "2010-04-01".to_owned()),
            (
                "From".to_owned(),
                i.provider_phone.map(|p| p.to_string()).unwrap_or_default(),
            ),
            ("MessageSid".to_owned(), sid.clone()),
            ("MessageStatus".to_owned(), status.to_owned()),
            ("SmsSid".to_owned(), sid),
            ("SmsStatus".to_owned(), status.to_owned()),
            (
                "To".to_owned(),
                i.requester_phone.map(|p| p.to_string()).unwrap_or_default(),
            ),
        ];
        if let Some(code) = error {
            params.push(("ErrorCode".to_owned(), code.to_string()));
        }
        let url = format!("{}{STATUS_PATH}", self.stack.engine_url);
        let signature = twilio_wire::signature::sign(self.stack.sim.auth_token(), &url, &params);
        self.mark();
        let resp = self
            .stack
            .http
            .post(&url)
            .header("X-Twilio-Signature", signature)
            .form(&params)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let body = resp.text().await.map_err(|e| e.to_string())?;
        self.last_http = Some(HttpAnswer { status, body });
        Ok(())
    }

    /// Moves the scenario clock and runs what became due: first Twilio's side (status
    /// transitions and their callbacks), then the engine's ([`Engine::tick`]: retries, status
    /// reconciliation).
    pub async fn pass_time(&mut self, by: Duration) -> StepResult {
        self.stack.clock.advance(by);
        self.stack.sim.run_due().await;
        self.stack
            .engine
            .tick()
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Gives a handset a carrier profile in the simulated Twilio.
    pub fn given_carrier(&mut self, phone: &str, profile: CarrierProfile) -> StepResult {
        let phone = e164(phone)?;
        self.stack.sim.set_carrier(phone.as_str(), profile);
        Ok(())
    }

    /// Makes Twilio's Messages API fail every create (or stop failing with `None`).
    pub fn given_api_fault(&mut self, fault: Option<ApiFault>) {
        self.stack.sim.set_api_fault(FaultScope::Global, fault, 1.0);
    }

    /// Makes every status callback suffer `fault` (or none).
    pub fn given_callback_fault(&mut self, fault: Option<CallbackFault>) {
        self.stack
            .sim
            .set_callback_fault(FaultScope::Global, fault, 1.0);
    }

    /// Turns Twilio's own STOP/START/HELP handling on or off (Advanced Opt-Out off/on).
    pub fn given_opt_out_handling(&mut self, enabled: bool) {
        self.stack.sim.set_opt_out_handling(enabled);
    }

    // ----- Then -------------------------------------------------------------------------------

    /// An interaction by number, or a message saying which exist.
    pub fn interaction(&self, number: &str) -> Result<Interaction, String> {
        let n = InteractionNumber::parse(number).map_err(|e| e.to_string())?;
        self.store()
            .read(|tx| tx.interaction(&n))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                let all = self.interaction_numbers().join(", ");
                format!("no interaction {number}; the interactions are: [{all}]")
            })
    }

    /// Every interaction number, sorted.
    pub fn interaction_numbers(&self) -> Vec<String> {
        self.store()
            .read(|tx| tx.interactions())
            .map(|v| v.into_iter().map(|i| i.number.to_string()).collect())
            .unwrap_or_default()
    }

    /// Who an interaction is opened for, as (table, name).
    pub fn opened_for(&self, i: &Interaction) -> Result<(PartyTable, String), String> {
        let p = self
            .store()
            .read(|tx| tx.party(i.opened_for.0, &i.opened_for.1))
            .map_err(|e| e.to_string())?
            .ok_or("opened_for points to no record")?;
        Ok((p.table, p.name))
    }

    /// The user_name an interaction is assigned to: `virtual.agent`, an agent, or `None`.
    pub fn assignee(&self, i: &Interaction) -> Result<Option<String>, String> {
        match &i.handler {
            Handler::Queue => Ok(None),
            Handler::VirtualAgent => Ok(Some("virtual.agent".into())),
            Handler::Agent(a) => self
                .store()
                .read(|tx| tx.user_name(a))
                .map_err(|e| e.to_string()),
        }
    }

    /// The live group profile of an interaction (user_names, in joining order).
    pub fn live_group(&self, number: &str) -> Result<Vec<String>, String> {
        let i = self.interaction(number)?;
        self.store()
            .read(|tx| tx.live_group(&i.sys_id))
            .map_err(|e| e.to_string())
    }

    /// A sys_user's SMS update setting (`None` when never set).
    pub fn subscription(&self, user: &str) -> Result<Option<bool>, String> {
        let u = self.party(PartyTable::SysUser, user)?;
        self.store()
            .read(|tx| tx.subscription(&u.sys_id))
            .map_err(|e| e.to_string())
    }

    /// How many SMS update subscriptions are stored.
    pub fn subscription_count(&self) -> Result<i64, String> {
        self.store()
            .read(|tx| tx.subscription_count())
            .map_err(|e| e.to_string())
    }

    /// Every profile of a phone, oldest first, as (active, linked record name or None).
    pub fn profiles(&self, phone: &str) -> Result<Vec<ProfileView>, String> {
        let phone = e164(phone)?;
        self.store()
            .read(|tx| {
                tx.profiles(&phone)?
                    .into_iter()
                    .map(|p| {
                        let linked = match &p.user {
                            Some((t, id)) => tx.party(*t, id)?.map(|x| (x.table, x.name)),
                            None => None,
                        };
                        Ok((p.active, linked))
                    })
                    .collect::<Result<Vec<_>, rusqlite::Error>>()
            })
            .map_err(|e| e.to_string())
    }

    /// A record's mobile phone.
    pub fn phone_of(&self, table: PartyTable, name: &str) -> Result<Option<String>, String> {
        Ok(self.party(table, name)?.phone.map(|p| p.to_string()))
    }

    /// Bodies a handset received, oldest first, with the number each came from.
    pub fn received(&self, phone: &str) -> Vec<(String, String, usize)> {
        self.stack
            .sim
            .messages_to(phone)
            .into_iter()
            .filter(|m| m.direction != twilio_wire::message::Direction::Inbound)
            .map(|m| {
                let media = m.num_media.parse().unwrap_or(0);
                (m.from.unwrap_or_default(), m.body, media)
            })
            .collect()
    }

    /// How many messages went out through the simulated Twilio (inbound ones excluded).
    fn sent_count(&self) -> usize {
        self.stack
            .sim
            .messages()
            .iter()
            .filter(|m| m.direction != twilio_wire::message::Direction::Inbound)
            .count()
    }

    /// Whether the store is as it was before the last action and no message went out since.
    pub fn nothing_written(&self) -> Result<(), String> {
        let (digest, sent) = self.before.ok_or("no action was taken yet")?;
        if self.store().content_digest().map_err(|e| e.to_string())? != digest {
            return Err("the store changed".into());
        }
        let now = self.sent_count();
        if now != sent {
            return Err(format!(
                "{} message(s) went through the simulator",
                now - sent
            ));
        }
        Ok(())
    }

    /// The human-readable transcript of an interaction.
    pub fn transcript(&self, number: &str) -> Result<String, String> {
        let n = InteractionNumber::parse(number).map_err(|e| e.to_string())?;
        convsms::transcript::render(self.store(), &n).map_err(|e| e.to_string())
    }

    /// Compares the transcripts of every interaction with the snapshot named after the scenario.
    pub fn assert_transcripts_snapshot(&self) -> StepResult {
        let mut text = String::new();
        for n in self.interaction_numbers() {
            text.push_str(&self.transcript(&n)?);
            text.push('\n');
        }
        let dir = std::env::current_dir()
            .map_err(|e| e.to_string())?
            .join(&self.snapshot_dir);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        let name = self.snapshot_name.clone();
        settings.bind(|| insta::assert_snapshot!(name, text));
        Ok(())
    }
}

/// Extension to read a [`ManualClock`] as the engine does.
trait NowUtc {
    fn now_utc(&self) -> DateTime<Utc>;
}

impl NowUtc for ManualClock {
    fn now_utc(&self) -> DateTime<Utc> {
        convsms::clock::Clock::now(self)
    }
}
