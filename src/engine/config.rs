//! The engine's settings that are data: `sys_properties` names with their defaults, and the
//! provider numbers Conversational SMS owns (PROVIDER-1).

use crate::domain::phone::E164;
use crate::engine::core::Engine;
use crate::error::Error;

pub use crate::domain::model::CONVERSATIONAL_SMS;

/// `sys_properties` the engine reads, with their defaults.
/// The region national numbers are read in when `glide.phone_number.default_region` is unset.
pub const DEFAULT_REGION_CODE: &str = "US";

pub mod properties {
    /// Region for national numbers when the requester's location is unknown (PHONE-3); default `US`.
    pub const DEFAULT_REGION: &str = "glide.phone_number.default_region";
    /// Whether new requester conversations go to the virtual agent (`true`, default) or straight to
    /// live agents (`false`) (REQ-1).
    pub const VIRTUAL_AGENT_ENABLED: &str = "com.glide.cs.sms.virtual_agent.enabled";
    /// Comma-separated MIME patterns allowed as Compose SMS attachments; default `image/*`
    /// (COMPOSE-6).
    pub const ATTACHMENT_TYPES: &str = "com.glide.cs.sms.attachment.allowed_types";
    /// Whether an inbound number is also matched against consumers' and customer contacts' mobile
    /// phones (`true`), not only sys_users' (`false`, default: seed 002's rule). A sys_user with
    /// the number still wins; a number several consumers or contacts share matches nobody
    /// (PROFILE-1..3; [`crate::domain::conversation::record_for_number`]). Our own property: the
    /// seeds name none.
    pub const MATCH_CUSTOMER_PHONES: &str = "com.glide.cs.sms.profile.match_consumer_contact_phone";
}

/// The longest idle timeout [`check_property`] takes, in seconds (ten years).
pub const MAX_IDLE_TIMEOUT_SECS: i64 = 10 * 365 * 86_400;

/// Every `sys_properties` name the engine reads, sorted.
pub const KNOWN_PROPERTIES: [&str; 5] = [
    crate::domain::messaging_actions::IDLE_TIMEOUT_PROPERTY,
    properties::ATTACHMENT_TYPES,
    properties::MATCH_CUSTOMER_PHONES,
    properties::VIRTUAL_AGENT_ENABLED,
    properties::DEFAULT_REGION,
];

/// Checks that `value` is one the engine reads property `name` as: a region libphonenumber knows
/// (`glide.phone_number.default_region`), `true` or `false` (the two switches), a whole number
/// of seconds up to [`MAX_IDLE_TIMEOUT_SECS`] (`com.glide.cs.conversation_idle_timeout`; 0 or
/// less: no idle close), or
/// comma-separated MIME types and patterns (`image/*`, `application/pdf`, `*/*`) (the allowed
/// attachment types).
///
/// # Errors
/// [`Error::InvalidProperty`] for a name the engine does not read (a typo would otherwise leave
/// the default in force unnoticed) or a value of the wrong kind (which the engine would read as
/// the default), saying what is expected.
pub fn check_property(name: &str, value: &str) -> Result<(), Error> {
    let v = value.trim();
    let problem = |expected: &str| Error::InvalidProperty {
        name: name.to_owned(),
        problem: format!("\"{value}\" is not {expected}"),
    };
    match name {
        properties::DEFAULT_REGION => {
            crate::domain::phone::Region::parse(v)
                .map(drop)
                .map_err(|_| {
                    problem("a region libphonenumber knows; expected a code such as US, GB or FR")
                })
        }
        properties::VIRTUAL_AGENT_ENABLED | properties::MATCH_CUSTOMER_PHONES => {
            matches!(v, "true" | "false")
                .then_some(())
                .ok_or_else(|| problem("a switch; expected true or false"))
        }
        crate::domain::messaging_actions::IDLE_TIMEOUT_PROPERTY => v
            .parse::<i64>()
            .ok()
            .filter(|secs| *secs <= MAX_IDLE_TIMEOUT_SECS)
            .map(drop)
            .ok_or_else(|| {
                problem(
                    "a whole number of seconds up to ten years; expected one such as 7200 \
                     (0: never)",
                )
            }),
        properties::ATTACHMENT_TYPES => {
            let valid = v.split(',').map(str::trim).all(|t| {
                t.parse::<mime::Mime>().is_ok_and(|m| {
                    m.params().next().is_none() && m.essence_str() == t.to_ascii_lowercase()
                })
            });
            valid.then_some(()).ok_or_else(|| {
                problem("a list of MIME types; expected ones such as image/*, application/pdf")
            })
        }
        _ => Err(Error::InvalidProperty {
            name: name.to_owned(),
            problem: format!(
                "the engine reads no property of that name; expected one of {}",
                KNOWN_PROPERTIES.join(", ")
            ),
        }),
    }
}

impl Engine {
    /// An administrator sets a `sys_properties` value ([`check_property`] first), stored without
    /// surrounding blanks.
    ///
    /// # Errors
    /// [`Error::InvalidProperty`] (nothing is written); [`Error::Store`].
    pub fn set_property(&self, name: &str, value: &str) -> Result<(), Error> {
        check_property(name, value)?;
        // Stored as checked: the readers compare without trimming (`" false"` would read as on).
        let value = value.trim();
        Ok(self.store.write(|tx| tx.set_property(name, value))?)
    }
}

/// The path of the engine's inbound webhook ("A message comes in"), under
/// [`crate::engine::EngineConfig::public_url`]; served by [`crate::web`] as
/// [`crate::web::INBOUND_PATH`].
pub const INBOUND_WEBHOOK_PATH: &str = "/sms/inbound";

impl Engine {
    /// An administrator adds `number` as a Conversational SMS provider number (PROVIDER-1): the
    /// engine points the number's messaging webhook at its own inbound webhook,
    /// `{public_url}/sms/inbound`, through the provider ([`SmsProvider::set_number_sms_url`]:
    /// Twilio's IncomingPhoneNumber `SmsUrl`), as ServiceNow's Twilio setup points a number at
    /// the instance, then records the number.
    ///
    /// # Errors
    /// [`Error::InvalidPhoneNumber`] unless `number` is E.164; [`Error::ProviderNumberInUse`]
    /// when any application already has it; [`Error::ProviderSetup`] when the provider refuses
    /// or cannot be reached (the number is not the account's, bad credentials). Nothing is
    /// recorded in any of these cases.
    ///
    /// [`SmsProvider::set_number_sms_url`]: crate::provider::SmsProvider::set_number_sms_url
    pub async fn connect_provider_number(&self, number: &str) -> Result<E164, Error> {
        let number = E164::parse(number, None)?;
        if let Some((application, integration)) =
            self.store.read(|tx| tx.provider_number_owner(&number))?
        {
            return Err(Error::ProviderNumberInUse {
                number,
                application,
                integration,
            });
        }
        let sms_url = format!("{}{INBOUND_WEBHOOK_PATH}", self.settings().public_url);
        self.provider
            .set_number_sms_url(&number, &sms_url)
            .await
            .map_err(|source| Error::ProviderSetup {
                number: number.clone(),
                source,
            })?;
        self.add_provider_number("Conversational SMS", CONVERSATIONAL_SMS, number.as_str())
    }

    /// Adds `number` to provider application `application` of `integration` (PROVIDER-1), without
    /// configuring the provider (set-up data, bulk loads; see
    /// [`Engine::connect_provider_number`] for what an administrator does).
    ///
    /// # Errors
    /// [`Error::InvalidPhoneNumber`] unless `number` is E.164; [`Error::ProviderNumberInUse`] when
    /// any application already has the number.
    pub fn add_provider_number(
        &self,
        application: &str,
        integration: &str,
        number: &str,
    ) -> Result<E164, Error> {
        let number = E164::parse(number, None)?;
        self.store.write(|tx| {
            if let Some((app, integ)) = tx.provider_number_owner(&number)? {
                return Err(Error::ProviderNumberInUse {
                    number: number.clone(),
                    application: app,
                    integration: integ,
                });
            }
            tx.insert_provider_number(application, integration, &number)?;
            Ok(number.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::clock::ManualClock;
    use crate::engine::EngineConfig;
    use crate::store::SqliteStore;
    use crate::twilio::TwilioClient;

    struct SimClock(ManualClock);
    impl convsms_sim::SimClock for SimClock {
        fn now(&self) -> chrono::DateTime<Utc> {
            crate::clock::Clock::now(&self.0)
        }
    }

    #[tokio::test]
    async fn an_added_number_is_pointed_at_the_engine_and_a_refusal_records_nothing() {
        let clock = ManualClock::starting_at(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap());
        let sim = convsms_sim::Simulator::start(
            convsms_sim::SimConfig {
                numbers: vec!["+14155550100".into(), "+14155550199".into()],
                ..convsms_sim::SimConfig::for_tests()
            },
            Arc::new(SimClock(clock.clone())),
        )
        .await
        .unwrap();
        let provider = TwilioClient::new(&sim.base_url(), sim.account_sid(), sim.auth_token());
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let engine = Engine::new(store, Arc::new(provider), Arc::new(clock));
        engine.configure(EngineConfig {
            status_callback: None,
            public_url: "http://127.0.0.1:8080".into(),
        });

        let added = engine
            .connect_provider_number("+14155550100")
            .await
            .unwrap();
        assert_eq!(added.as_str(), "+14155550100");
        assert_eq!(
            sim.incoming_phone_number("+14155550100").unwrap().sms_url,
            "http://127.0.0.1:8080/sms/inbound"
        );
        let owner = |n: &str| {
            engine
                .store()
                .read(|tx| tx.provider_number_owner(&E164::parse(n, None).unwrap()))
                .unwrap()
        };
        assert!(owner("+14155550100").is_some());

        // Not the Twilio account's: the provider refuses, nothing is recorded.
        let err = engine
            .connect_provider_number("+14155550142")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::ProviderSetup { source, .. } if source.code() == Some(20404)),
            "{err}"
        );
        assert_eq!(err.class(), crate::error::ErrorClass::Configuration);
        assert!(owner("+14155550142").is_none());

        // Another integration's number: refused before Twilio is asked.
        engine
            .add_provider_number("Twilio Notify", "twilio_notify", "+14155550199")
            .unwrap();
        let err = engine
            .connect_provider_number("+14155550199")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ProviderNumberInUse { .. }), "{err}");
        assert_eq!(
            sim.incoming_phone_number("+14155550199").unwrap().sms_url,
            ""
        );
        sim.shutdown().await;
    }

    #[test]
    fn properties_the_engine_would_misread_are_refused_saying_what_it_expects() {
        use crate::domain::messaging_actions::IDLE_TIMEOUT_PROPERTY as IDLE;
        let ok = |name: &str, value: &str| check_property(name, value).map_err(|e| e.to_string());
        assert_eq!(ok(properties::DEFAULT_REGION, "gb"), Ok(()));
        assert_eq!(ok(properties::VIRTUAL_AGENT_ENABLED, "false"), Ok(()));
        assert_eq!(ok(IDLE, "60"), Ok(()));
        assert_eq!(
            ok(properties::ATTACHMENT_TYPES, "image/*, application/pdf"),
            Ok(())
        );
        let e = ok("com.glide.cs.conversation_idle_timout", "60").unwrap_err();
        assert!(e.contains("reads no property of that name"), "{e}");
        assert!(e.contains(IDLE), "{e}");
        let e = ok(IDLE, "soon").unwrap_err();
        assert!(
            e.contains("\"soon\" is not a whole number of seconds"),
            "{e}"
        );
        assert!(ok(properties::DEFAULT_REGION, "USA")
            .unwrap_err()
            .contains("such as US"));
        assert!(ok(properties::MATCH_CUSTOMER_PHONES, "yes").is_err());
        assert!(ok(IDLE, "9000000000000")
            .unwrap_err()
            .contains("up to ten years"));
        assert_eq!(ok(IDLE, "-1"), Ok(()));
        assert!(ok(properties::ATTACHMENT_TYPES, "images").is_err());
        assert!(ok(properties::ATTACHMENT_TYPES, "").is_err());
        assert!(ok(properties::ATTACHMENT_TYPES, "text/plain; charset=utf-8").is_err());
    }
}
