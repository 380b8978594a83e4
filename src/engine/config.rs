//! The engine's settings that are data: `sys_properties` names with their defaults, and the
//! provider numbers Conversational SMS owns (PROVIDER-1).

use crate::domain::phone::E164;
use crate::engine::core::Engine;
use crate::error::Error;

/// The integration name of Conversational SMS provider numbers.
pub const CONVERSATIONAL_SMS: &str = "conversational_sms";

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

impl Engine {
    /// Adds `number` to provider application `application` of `integration` (PROVIDER-1).
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
