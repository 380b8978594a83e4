//! Typed parameters of ServiceNow's validation endpoints.

use std::str::FromStr;

use cucumber::Parameter;

use super::{quoted_texts, Unhonoured};

/// An optional clause ` for consumer "Bea Brown"`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "for_consumer", regex = r#"(?: for consumer "[^"]+")?"#)]
pub struct ForConsumer(pub Option<String>);

impl FromStr for ForConsumer {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(ForConsumer(quoted_texts(words).into_iter().next()))
    }
}

/// An optional clause ` in region "GB"`.
#[derive(Clone, Debug, Parameter)]
#[param(name = "in_region", regex = r#"(?: in region "[^"]+")?"#)]
pub struct InRegion(pub Option<String>);

impl FromStr for InRegion {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(InRegion(quoted_texts(words).into_iter().next()))
    }
}
