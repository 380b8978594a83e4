//! Typed parameters of the agent's workspace.

use std::str::FromStr;

use cucumber::Parameter;

use super::Unhonoured;

/// `with` or `without` (a new message).
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "with_or_without", regex = "with|without")]
pub struct NewMessage(pub bool);

impl FromStr for NewMessage {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(NewMessage(words == "with"))
    }
}

/// `receives` or `does not receive`.
#[derive(Clone, Copy, Debug, Parameter)]
#[param(name = "receives", regex = "receives|does not receive")]
pub struct Receives(pub bool);

impl FromStr for Receives {
    type Err = Unhonoured;
    fn from_str(words: &str) -> Result<Self, Unhonoured> {
        Ok(Receives(words == "receives"))
    }
}
