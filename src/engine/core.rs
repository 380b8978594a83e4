//! The [`Engine`] itself: its ports (store, provider, clock), its settings and the installed
//! extension and topics. The use cases are `impl Engine` blocks in the sibling modules.
//!
//! Lock policy (the same for every lock in the engine, the store's connection and the clock): a
//! lock guards a value that is replaced whole or a SQLite transaction that rolls back when
//! dropped, so a panic while it was held cannot leave it half-written; a poisoned lock is
//! therefore read through ([`PoisonError::into_inner`]) rather than turned into a second panic.

use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::domain::topic::TopicSet;
use crate::engine::extension::{
    AgentInitiatedConversationUtil, AgentInitiatedMessagingUtilExtPointImpl,
};
use crate::provider::SmsProvider;
use crate::store::SqliteStore;

/// Settings that are not data: where the provider posts statuses, where attachments are served.
#[derive(Clone, Debug, Default)]
pub struct EngineConfig {
    /// The StatusCallback URL sent with every message, if any.
    pub status_callback: Option<String>,
    /// The engine's public base URL (`http://127.0.0.1:PORT`), for attachment URLs.
    pub public_url: String,
}

/// The Conversational SMS engine.
pub struct Engine {
    pub(super) store: Arc<SqliteStore>,
    pub(super) provider: Arc<dyn SmsProvider>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) extension: RwLock<Arc<dyn AgentInitiatedConversationUtil>>,
    pub(super) config: RwLock<EngineConfig>,
    pub(super) topics: RwLock<Arc<TopicSet>>,
    /// Sends between one provider number and one handset go one at a time, each with the record
    /// of its answer (`delivery::dispatch`): a send whose answer was lost looks for its message
    /// in the provider's list, where another send's message must already have its row. Striped
    /// by a hash of the pair ([`SEND_LOCK_STRIPES`]), so memory stays bounded.
    pub(super) send_locks: Box<[tokio::sync::Mutex<()>]>,
}

/// How many locks the sends' pairs are spread over (`Engine::send_locks`).
pub(super) const SEND_LOCK_STRIPES: usize = 64;

impl Engine {
    /// An engine over `store`, sending through `provider`, with time from `clock`.
    pub fn new(
        store: Arc<SqliteStore>,
        provider: Arc<dyn SmsProvider>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Engine {
            store,
            provider,
            clock,
            extension: RwLock::new(Arc::new(AgentInitiatedMessagingUtilExtPointImpl)),
            config: RwLock::new(EngineConfig::default()),
            topics: RwLock::new(Arc::new(TopicSet::default())),
            send_locks: (0..SEND_LOCK_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
        }
    }

    /// The store (read access for queries and scenarios).
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// The current instant of the engine's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A copy of the current settings.
    pub fn settings(&self) -> EngineConfig {
        self.config
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the settings.
    pub fn configure(&self, config: EngineConfig) {
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = config;
    }

    /// Installs a customer's send-from/send-to implementation (COMPOSE-8).
    pub fn install_extension(&self, ext: Arc<dyn AgentInitiatedConversationUtil>) {
        *self
            .extension
            .write()
            .unwrap_or_else(PoisonError::into_inner) = ext;
    }

    /// Replaces the virtual agent's topics (VA-1..10). Load them with [`TopicSet::load_dir`], which
    /// refuses what SMS cannot carry (VA-9).
    pub fn set_topics(&self, topics: Arc<TopicSet>) {
        *self.topics.write().unwrap_or_else(PoisonError::into_inner) = topics;
    }

    /// The virtual agent's topics.
    pub fn topics(&self) -> Arc<TopicSet> {
        self.topics
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The lock of sends from `from` to `to` (see `send_locks`).
    pub(super) fn send_lock(&self, from: &str, to: &str) -> &tokio::sync::Mutex<()> {
        use std::hash::{Hash, Hasher};
        // Only spread, not security: the std hasher with its fixed keys.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (from, to).hash(&mut h);
        &self.send_locks[(h.finish() % SEND_LOCK_STRIPES as u64) as usize]
    }

    pub(super) fn extension(&self) -> Arc<dyn AgentInitiatedConversationUtil> {
        self.extension
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
