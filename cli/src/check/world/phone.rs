//! The world's calls to ServiceNow's validation endpoints: validate_phone_number and
//! validate_profile.

use anyhow::{ensure, Context as _};
use convsms::domain::model::PartyTable;
use serde_json::json;

use super::ConvWorld;
use crate::check::params::{ForConsumer, InRegion, Requester};

impl ConvWorld {
    /// Calls one of ServiceNow's `initiate_message` endpoints with a JSON body; an answer other
    /// than 200 is kept as a refusal.
    async fn call_endpoint(
        &mut self,
        endpoint: &'static str,
        body: serde_json::Value,
    ) -> anyhow::Result<()> {
        self.mark()?;
        let req = self
            .stack
            .http
            .post(format!(
                "{}/api/now/initiate_message/{endpoint}",
                self.stack.engine_url
            ))
            .json(&body);
        let answer = self.answer(req, &format!("calling {endpoint}")).await?;
        if answer.status != 200 {
            // ServiceNow's error shape, `{"error": {"message", "detail"}}`, in its own words.
            let said = serde_json::from_str::<serde_json::Value>(&answer.body)
                .ok()
                .and_then(|v| {
                    let e = &v["error"];
                    let message = e["message"].as_str()?.to_owned();
                    Some(match e["detail"].as_str().filter(|d| !d.is_empty()) {
                        Some(detail) => format!("{message} ({detail})"),
                        None => message,
                    })
                });
            self.refused(said.as_deref().unwrap_or(&answer.body));
        }
        self.last_http = Some(answer);
        self.last_endpoint = Some(endpoint);
        Ok(())
    }

    /// The agent validates a phone number, for a consumer and in a region when given.
    pub async fn validate_number(
        &mut self,
        number: &str,
        consumer: &ForConsumer,
        region: &InRegion,
    ) -> anyhow::Result<()> {
        let mut body = json!({"phone_number": number});
        if let Some(c) = &consumer.0 {
            body["consumer"] = json!(c);
        }
        if let Some(r) = &region.0 {
            body["region"] = json!(r);
        }
        self.call_endpoint("validate_phone_number", body).await
    }

    /// The agent validates the messaging profile of a phone number for a record.
    pub async fn validate_profile(&mut self, number: &str, who: &Requester) -> anyhow::Result<()> {
        let key = match who.table {
            PartyTable::CsmConsumer => "consumer",
            PartyTable::CustomerContact => "contact",
            PartyTable::SysUser => "user",
        };
        let body = json!({"phone_number": number, key: who.name});
        self.call_endpoint("validate_profile", body).await
    }

    /// The last endpoint answer: status and JSON body.
    fn endpoint_answer(&self) -> anyhow::Result<(u16, serde_json::Value)> {
        ensure!(
            self.last_endpoint.is_some(),
            "the last step called no validation endpoint: check the validation's answer right \
             after the step that asks for it (`When the agent validates the number ...`)"
        );
        let h = self.last_http.as_ref().context("no endpoint was called")?;
        let v = serde_json::from_str(&h.body).with_context(|| {
            format!(
                "the endpoint answered {} with no JSON: {}",
                h.status, h.body
            )
        })?;
        Ok((h.status, v))
    }

    /// Checks that the validation answered a valid number (in a region, when given).
    pub fn check_validation_answers(&self, e164: &str, region: &InRegion) -> anyhow::Result<()> {
        let (status, v) = self.endpoint_answer()?;
        let r = &v["result"];
        ensure!(
            status == 200 && r["valid"] == true && r["e164"] == e164,
            "expected the valid number {e164}, got {status}: {v}"
        );
        if let Some(region) = &region.0 {
            ensure!(
                r["region"] == region.as_str(),
                "expected region {region}, got {v}"
            );
        }
        Ok(())
    }

    /// Checks that the validation was refused with a message containing `text`.
    pub fn check_validation_refused(&self, text: &str) -> anyhow::Result<()> {
        super::words_expected(text)?;
        self.refusal_checked();
        let (status, v) = self.endpoint_answer()?;
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        ensure!(
            status == 400 && v["status"] == "failure" && msg.contains(text),
            "expected a 400 failure saying \"{text}\", got {status}: {v}"
        );
        Ok(())
    }
}
