//! Handsets texting the account (§4.1): record the inbound Message, then POST the signed
//! "A message comes in" webhook to the SMS URL; and re-deliver it as Twilio does on retries.
//!
//! The webhook parameters follow the order of a captured Twilio MMS webhook: `ToCountry`,
//! `MediaContentType{N}`…, `ToState`, `SmsMessageSid`, `NumMedia`, `ToCity`, `FromZip`, `SmsSid`,
//! `FromState`, `SmsStatus` (`received`), `FromCity`, `Body`, `FromCountry`, `To`, `ToZip`,
//! `NumSegments`, `MessageSid`, `AccountSid`, `From`, `MediaUrl{N}`…, `ApiVersion`. The eight geo
//! fields are sent empty (the simulator does no geo lookup). `MediaUrl{N}` is the simulator's own
//! media URL `{base_url}/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…` (no `.json`), and
//! `MediaContentType{N}` is guessed from the handset's file name.

use twilio_wire::message::{Direction, MessageStatus, API_VERSION};
use twilio_wire::sid::MessageSid;

use crate::state::{InboundRecord, MediaRecord, NewMessage, Record, SimState};
use crate::{numbers, segments, webhook, Core, InboundDelivery, SimError};

/// The `I-Twilio-Idempotency-Token` of message number `n`: UUID-shaped and deterministic.
fn idempotency_token(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// The §4.1 parameters, in Twilio's order.
fn webhook_params(
    core: &Core,
    sid: &MessageSid,
    from: &str,
    to: &str,
    body: &str,
    media: &[MediaRecord],
) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::with_capacity(24 + 2 * media.len());
    let mut put = |name: &str, value: &str| p.push((name.to_owned(), value.to_owned()));
    let sid = sid.as_str();
    put("ToCountry", "");
    for (i, m) in media.iter().enumerate() {
        put(&format!("MediaContentType{i}"), &m.content_type);
    }
    put("ToState", "");
    put("SmsMessageSid", sid);
    put("NumMedia", &media.len().to_string());
    put("ToCity", "");
    put("FromZip", "");
    put("SmsSid", sid);
    put("FromState", "");
    put("SmsStatus", MessageStatus::Received.as_str());
    put("FromCity", "");
    put("Body", body);
    put("FromCountry", "");
    put("To", to);
    put("ToZip", "");
    put("NumSegments", &segments::num_segments(body).to_string());
    put("MessageSid", sid);
    put("AccountSid", core.account_sid.as_str());
    put("From", from);
    for (i, m) in media.iter().enumerate() {
        let url = format!(
            "{}/{API_VERSION}/Accounts/{}/Messages/{sid}/Media/{}",
            core.base_url, core.account_sid, m.sid
        );
        put(&format!("MediaUrl{i}"), &url);
    }
    put("ApiVersion", API_VERSION);
    p
}

/// See [`crate::Simulator::send_inbound`].
pub(crate) async fn send_inbound(
    core: &Core,
    from: &str,
    to: &str,
    body: &str,
    media_urls: &[String],
) -> Result<InboundDelivery, SimError> {
    let now = core.clock.now();
    let (sid, inbound) = {
        let mut state = core.state();
        let url = state.sms_url().ok_or(SimError::NoSmsUrl)?.to_owned();
        if !state.owns(to) {
            return Err(SimError::NotAccountNumber(to.to_owned()));
        }
        let from = numbers::normalise(from);
        let to = numbers::normalise(to);
        let (sid, n) = state.next_message_sid(!media_urls.is_empty());
        let media = state.new_media(media_urls);
        let inbound = InboundRecord {
            url,
            params: webhook_params(core, &sid, &from, &to, body, &media),
            idempotency_token: idempotency_token(n),
        };
        let message = SimState::new_message(
            &core.account_sid,
            NewMessage {
                sid: sid.clone(),
                direction: Direction::Inbound,
                status: MessageStatus::Received,
                from: &from,
                to: &to,
                body,
                num_media: media.len(),
                now,
                sent: Some(now),
            },
        );
        state.push(Record {
            message,
            status_callback: None,
            media,
            inbound: Some(inbound.clone()),
        });
        (sid, inbound)
    };
    deliver(core, sid, &inbound).await
}

/// See [`crate::Simulator::redeliver_inbound`].
pub(crate) async fn redeliver_inbound(
    core: &Core,
    sid: &MessageSid,
) -> Result<InboundDelivery, SimError> {
    let (sid, inbound) = {
        let state = core.state();
        match state.find(sid) {
            Some(Record {
                message,
                inbound: Some(inbound),
                ..
            }) => (message.sid.clone(), inbound.clone()),
            _ => return Err(SimError::UnknownInbound(sid.to_string())),
        }
    };
    deliver(core, sid, &inbound).await
}

async fn deliver(
    core: &Core,
    sid: MessageSid,
    inbound: &InboundRecord,
) -> Result<InboundDelivery, SimError> {
    let answer = webhook::post_form(
        core,
        &inbound.url,
        &inbound.params,
        &inbound.idempotency_token,
    )
    .await?;
    Ok(InboundDelivery {
        sid,
        http_status: answer.status,
        body: answer.body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use twilio_wire::message::Message;

    const SHOP: &str = "+14155550100";
    const HANDSET: &str = "+14155552671";
    const TWIML: &str =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Thanks</Message></Response>";

    #[tokio::test]
    async fn inbound_webhook_carries_the_4_1_params_and_a_valid_signature() {
        let app = start_receiver(200, TWIML).await;
        let sim = start_sim(&[SHOP]).await;
        let sms_url = format!("{}/sms/inbound?tenant=acme", app.base);
        sim.set_sms_url(&sms_url);

        let delivery = sim
            .send_inbound(HANDSET, SHOP, "Hello there", &[])
            .await
            .unwrap();
        let sm = "SM00000000000000000000000000000001";
        assert_eq!(
            delivery,
            InboundDelivery {
                sid: MessageSid::parse(sm).unwrap(),
                http_status: 200,
                body: TWIML.to_owned(),
            }
        );

        let hits = app.hits();
        assert_eq!(hits.len(), 1);
        let hit = &hits[0];
        assert_eq!(hit.uri.to_string(), "/sms/inbound?tenant=acme");
        let names: Vec<&str> = hit.params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "ToCountry",
                "ToState",
                "SmsMessageSid",
                "NumMedia",
                "ToCity",
                "FromZip",
                "SmsSid",
                "FromState",
                "SmsStatus",
                "FromCity",
                "Body",
                "FromCountry",
                "To",
                "ToZip",
                "NumSegments",
                "MessageSid",
                "AccountSid",
                "From",
                "ApiVersion"
            ]
        );
        for geo in [
            "ToCountry",
            "ToState",
            "ToCity",
            "ToZip",
            "FromCountry",
            "FromState",
            "FromCity",
            "FromZip",
        ] {
            assert_eq!(hit.param(geo), "", "{geo}");
        }
        for (name, value) in [
            ("MessageSid", sm),
            ("SmsSid", sm),
            ("SmsMessageSid", sm),
            ("SmsStatus", "received"),
            ("NumMedia", "0"),
            ("NumSegments", "1"),
            ("Body", "Hello there"),
            ("From", HANDSET),
            ("To", SHOP),
            ("AccountSid", sim.account_sid()),
            ("ApiVersion", "2010-04-01"),
        ] {
            assert_eq!(hit.param(name), value, "{name}");
        }
        assert!(hit.raw.contains("Body=Hello+there"), "{}", hit.raw);
        assert!(hit.raw.contains("&ToZip=&"), "{}", hit.raw);

        assert_eq!(hit.header("User-Agent"), "TwilioProxy/1.1");
        assert_eq!(
            hit.header("Content-Type"),
            "application/x-www-form-urlencoded"
        );
        assert_eq!(
            hit.header("I-Twilio-Idempotency-Token"),
            "00000000-0000-4000-8000-000000000001"
        );
        let signature = hit.header("X-Twilio-Signature");
        assert!(twilio_wire::signature::validate(
            sim.auth_token(),
            &sms_url,
            &hit.params,
            signature
        ));
        // The receiver can rebuild the URL from what it got.
        let seen = format!("http://{}{}", hit.header("Host"), hit.uri);
        assert!(twilio_wire::signature::validate(
            sim.auth_token(),
            &seen,
            &hit.params,
            signature
        ));
        assert!(!twilio_wire::signature::validate(
            "another-token",
            &sms_url,
            &hit.params,
            signature
        ));

        let recorded: Vec<Message> = sim.messages_to(SHOP);
        assert_eq!(recorded.len(), 1);
        let m = &recorded[0];
        assert_eq!(m.sid.as_str(), sm);
        assert_eq!(m.direction, Direction::Inbound);
        assert_eq!(m.status, MessageStatus::Received);
        assert_eq!(m.from.as_deref(), Some(HANDSET));
        assert_eq!(m.body, "Hello there");
        assert_eq!(
            m.date_sent.as_deref(),
            Some("Thu, 24 Aug 2023 05:01:45 +0000")
        );
    }

    #[tokio::test]
    async fn inbound_mms_gets_an_mm_sid_and_media_params() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let media = [
            "https://cdn.test/cat.JPG".to_owned(),
            "https://cdn.test/card.vcf".to_owned(),
        ];
        let delivery = sim.send_inbound(HANDSET, SHOP, "", &media).await.unwrap();
        let mm = "MM00000000000000000000000000000001";
        assert_eq!(delivery.sid.as_str(), mm);
        assert_eq!(delivery.body, "");

        let hit = &app.hits()[0];
        let base = format!(
            "{}/2010-04-01/Accounts/{}/Messages/{mm}/Media/",
            sim.base_url(),
            sim.account_sid()
        );
        assert_eq!(hit.param("NumMedia"), "2");
        assert_eq!(hit.param("MediaContentType0"), "image/jpeg");
        assert_eq!(hit.param("MediaContentType1"), "text/vcard");
        assert_eq!(
            hit.param("MediaUrl0"),
            format!("{base}ME00000000000000000000000000000001")
        );
        assert_eq!(
            hit.param("MediaUrl1"),
            format!("{base}ME00000000000000000000000000000002")
        );
        assert_eq!(hit.params[1].0, "MediaContentType0");
        assert_eq!(hit.params[hit.params.len() - 1].0, "ApiVersion");
        assert!(twilio_wire::signature::validate(
            sim.auth_token(),
            &format!("{}/sms", app.base),
            &hit.params,
            hit.header("X-Twilio-Signature")
        ));
        assert_eq!(sim.messages()[0].num_media, "2");
    }

    #[tokio::test]
    async fn redelivery_repeats_params_and_idempotency_token() {
        let app = start_receiver(200, "<Response/>").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let first = sim.send_inbound(HANDSET, SHOP, "one", &[]).await.unwrap();
        let second = sim.send_inbound(HANDSET, SHOP, "two", &[]).await.unwrap();
        let again = sim.redeliver_inbound(&first.sid).await.unwrap();
        assert_eq!(again, first);

        let hits = app.hits();
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[2].params, hits[0].params);
        assert_eq!(hits[2].raw, hits[0].raw);
        let token =
            |h: &crate::test_support::Hit| h.header("I-Twilio-Idempotency-Token").to_owned();
        assert_eq!(token(&hits[2]), token(&hits[0]));
        assert_ne!(token(&hits[1]), token(&hits[0]));
        assert_eq!(second.sid, MessageSid::sms(2));
        // A redelivery does not record a new message.
        assert_eq!(sim.messages().len(), 2);

        let err = sim
            .redeliver_inbound(&MessageSid::sms(99))
            .await
            .unwrap_err();
        assert!(matches!(err, SimError::UnknownInbound(_)), "{err}");
    }

    #[tokio::test]
    async fn inbound_and_outbound_share_the_sid_counter() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        let v: serde_json::Value =
            post_form(&sim, "To=%2B14155552671&From=%2B14155550100&Body=hello")
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(v["sid"], "SM00000000000000000000000000000002");
        let err = sim
            .redeliver_inbound(&MessageSid::sms(2))
            .await
            .unwrap_err();
        assert!(matches!(err, SimError::UnknownInbound(_)), "{err}");
        let to_handset = sim.messages_to(HANDSET);
        assert_eq!(to_handset.len(), 1);
        assert_eq!(to_handset[0].body, "hello");
    }

    #[tokio::test]
    async fn inbound_errors() {
        let sim = start_sim(&[SHOP]).await;
        let err = sim
            .send_inbound(HANDSET, SHOP, "hi", &[])
            .await
            .unwrap_err();
        assert!(matches!(err, SimError::NoSmsUrl), "{err}");

        let dead = dead_url().await;
        sim.set_sms_url(&dead);
        let err = sim
            .send_inbound(HANDSET, "+14155550199", "hi", &[])
            .await
            .unwrap_err();
        assert!(
            matches!(err, SimError::NotAccountNumber(ref n) if n == "+14155550199"),
            "{err}"
        );
        assert!(sim.messages().is_empty());

        let err = sim
            .send_inbound(HANDSET, SHOP, "hi", &[])
            .await
            .unwrap_err();
        assert!(
            matches!(err, SimError::Webhook { ref url, .. } if *url == dead),
            "{err}"
        );
        // The message was recorded before the delivery failed, and can be re-delivered later.
        assert_eq!(sim.messages().len(), 1);
        let err = sim
            .redeliver_inbound(&MessageSid::sms(1))
            .await
            .unwrap_err();
        assert!(matches!(err, SimError::Webhook { .. }), "{err}");
    }

    #[tokio::test]
    async fn non_2xx_answers_are_reported_not_errors() {
        let app = start_receiver(500, "<html>oops</html>").await;
        let sim = start_sim(&[SHOP]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let d = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        assert_eq!(d.http_status, 500);
        assert_eq!(d.body, "<html>oops</html>");
    }
}
