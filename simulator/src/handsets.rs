//! Handsets texting the account (§4.1): record the inbound Message, then POST the signed
//! "A message comes in" webhook to the SMS URL, carry out the app's TwiML answer (§4.2); and
//! re-deliver it as Twilio does on retries.
//!
//! The webhook is a [`twilio_wire::webhook::InboundMessage`] in the order of a captured Twilio
//! MMS webhook: `ToCountry`, `MediaContentType{N}`…, `ToState`, `SmsMessageSid`, `NumMedia`,
//! `ToCity`, `FromZip`, `SmsSid`, `FromState`, `SmsStatus` (`received`), `FromCity`, `Body`,
//! `FromCountry`, `To`, `ToZip`, `NumSegments`, `MessageSid`, `AccountSid`, `From`,
//! `MediaUrl{N}`…, `ApiVersion`, and `OptOutType` for a keyword Twilio handled (see `optout`).
//! The eight geo fields are sent empty (the simulator does no geo lookup), and
//! `MessagingServiceSid` follows `To` when the texted number is in a Messaging Service's sender
//! pool (see `services`, which also says which URL the webhook goes to). `MediaUrl{N}` is the simulator's own media URL
//! `{base_url}/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…` (no `.json`), and
//! `MediaContentType{N}` is the type the handset gave for the file, else the one its URL's
//! extension says (see `InboundMedia`).
//!
//! After the delivery (see [`crate::webhook`] for retries and injected faults):
//!
//! * a 2xx answer is read as TwiML (see `twiml`): each `<Message>` becomes an `outbound-reply`
//!   Message, by default from the texted number to the handset, created `queued` at the clock's
//!   `now` and following the normal lifecycle (see `delivery`), with `action` as its status
//!   callback. A reply whose `to` is not a valid number (14101), whose `from` is not the
//!   account's (14102), or without text and media, over 1,600 UTF-16 units, over 10 media or with
//!   a media URL that is not absolute http(s) (14103) is skipped and logged. A reply to a handset
//!   that opted out (21610) or is not mobile (21614) is recorded as `failed` with that error and
//!   no callback. A document that cannot be read is logged as 12100, and the inbound message gets
//!   `error_code` 12100. Only the first 10 `<Message>` verbs are carried out: more are skipped
//!   with one warning 14109 "TwiML Reply message limit exceeded" (Twilio's limit of replies to
//!   one inbound message; that the first ten are still sent is UNCONFIRMED);
//! * a 2xx answer over 64 KiB (`webhook::MAX_ANSWER_BYTES`; Twilio's 64 kB TwiML limit) is not
//!   read past that: error 11750 "TwiML response body too large" is logged and set on the
//!   inbound message, and nothing of it is carried out;
//! * a non-2xx answer, a timeout or a failed connection leaves the inbound message with
//!   `error_code` 11200 (its status stays `received`); every failed attempt is in the debugger
//!   log.
//!
//! When no SMS URL applies to the texted number, the message is recorded all the same and posted
//! nowhere (there is nothing to re-deliver): Twilio handles an opt-out keyword and answers any
//! other text with its default reply (§7, see `optout`).
//!
//! Choice: the inbound message's `error_code`/`error_message` is set when its final delivery
//! attempt fails or its TwiML is unreadable; a later successful re-delivery does not clear it.

use chrono::{DateTime, Utc};
use twilio_wire::message::{Direction, MessageStatus, API_VERSION};
use twilio_wire::sid::MessageSid;
use twilio_wire::webhook::{InboundMedia, InboundMessage, OptOutType};

use crate::faults::WebhookFault;
use crate::optout;
use crate::state::{Hold, InboundRecord, MediaRecord, NewMessage, Record, SimState};
use crate::twiml::{self, TwimlMessage};
use crate::validate::{is_http_url, MAX_BODY_UNITS, MAX_MEDIA};
use crate::webhook::{self, Outcome};
use crate::{delivery, numbers, Core, InboundDelivery, SimError, WebhookAnswer};

/// The `I-Twilio-Idempotency-Token` of message number `n`: UUID-shaped and deterministic.
fn idempotency_token(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// Who an inbound message is from and to: the handset, the texted number and, when the number is
/// in a sender pool, its Messaging Service (`MG…`).
struct Parties<'a> {
    from: &'a str,
    to: &'a str,
    service: Option<String>,
}

/// The §4.1 parameters, in Twilio's order ([`InboundMessage::to_params`]), with empty geo
/// fields, the simulator's own media URLs and `MessagingServiceSid` for a pool number.
fn webhook_params(
    core: &Core,
    sid: &MessageSid,
    parties: Parties<'_>,
    body: &str,
    media: &[MediaRecord],
    opt_out: Option<OptOutType>,
) -> webhook::Form {
    let media = media
        .iter()
        .map(|m| InboundMedia {
            url: format!(
                "{}/{API_VERSION}/Accounts/{}/Messages/{sid}/Media/{}",
                core.base_url, core.account_sid, m.sid
            ),
            content_type: m.content_type.clone(),
        })
        .collect();
    InboundMessage {
        media,
        opt_out_type: opt_out,
        messaging_service_sid: parties.service,
        ..InboundMessage::sms(
            sid.clone(),
            core.account_sid.clone(),
            parties.from,
            parties.to,
            body,
        )
    }
    .to_params()
    .into()
}

/// See [`crate::Simulator::send_inbound`].
pub(crate) async fn send_inbound(
    core: &Core,
    from: &str,
    to: &str,
    body: &str,
    media: &[crate::InboundMedia],
) -> Result<InboundDelivery, SimError> {
    let now = core.clock.now();
    let (sid, inbound, fault) = {
        let mut state = core.state();
        // The number's own SMS URL, its Messaging Service's, or the simulator-wide one.
        let route = crate::services::inbound_route(&state, to)?;
        if !state.owns(to) {
            return Err(SimError::NotAccountNumber(to.to_owned()));
        }
        let from = numbers::normalise(from);
        let to = numbers::normalise(to);
        let (sid, n) = state.next_message_sid(!media.is_empty());
        let media = state.new_inbound_media(media);
        let opt_out = optout::on_inbound(&mut state, &to, &from, body, now);
        let inbound = route.webhook.map(|(url, method)| InboundRecord {
            url,
            params: webhook_params(
                core,
                &sid,
                Parties {
                    from: &from,
                    to: &to,
                    service: route.service.clone(),
                },
                body,
                &media,
                opt_out,
            ),
            idempotency_token: idempotency_token(n),
            method,
        });
        if inbound.is_none() && opt_out.is_none() {
            optout::no_url_reply(&mut state, &to, &from, now);
        }
        let mut message = SimState::new_message(NewMessage {
            sid: sid.clone(),
            direction: Direction::Inbound,
            status: MessageStatus::Received,
            from: &from,
            to: &to,
            body,
            num_media: media.len(),
            now,
            sent: Some(now),
        });
        message.messaging_service_sid = route.service;
        state.push(Record {
            message: message.into(),
            sent_at: None,
            status_callback: None,
            media,
            inbound: inbound.clone().map(Box::new),
            // The webhook delivery below; `deliver` releases it.
            holds: u32::from(inbound.is_some()),
        });
        let Some(inbound) = inbound else {
            return Ok(InboundDelivery { sid, answer: None });
        };
        let fault = state.faults.pick_webhook(&[&from, &to]);
        (sid, inbound, fault)
    };
    deliver(core, sid, &inbound, fault).await
}

/// See [`crate::Simulator::redeliver_inbound`].
pub(crate) async fn redeliver_inbound(
    core: &Core,
    sid: &MessageSid,
) -> Result<InboundDelivery, SimError> {
    let (sid, inbound, fault) = {
        let mut state = core.state();
        let (sid, inbound, numbers) = match state.find(sid) {
            Some(Record {
                message,
                inbound: Some(inbound),
                ..
            }) => (
                message.sid.clone(),
                (**inbound).clone(),
                [message.from.clone().unwrap_or_default(), message.to.clone()],
            ),
            _ => return Err(SimError::UnknownInbound(sid.to_string())),
        };
        let fault = state
            .faults
            .pick_webhook(&[numbers[0].as_str(), numbers[1].as_str()]);
        // The re-delivery below; `deliver` releases it.
        state.hold(&sid);
        (sid, inbound, fault)
    };
    deliver(core, sid, &inbound, fault).await
}

/// Delivers the webhook of inbound message `sid`, which holds one hold for it (released when
/// this returns or is dropped: retention keeps the message until its replies are recorded).
async fn deliver(
    core: &Core,
    sid: MessageSid,
    inbound: &InboundRecord,
    fault: Option<WebhookFault>,
) -> Result<InboundDelivery, SimError> {
    let _hold = Hold::adopt(core, sid.clone());
    let outcome = webhook::deliver_as(
        core,
        inbound.method,
        &inbound.url,
        &inbound.params,
        &inbound.idempotency_token,
        fault,
        &sid,
    )
    .await;
    let retrieval_failed = |detail: &str| {
        let mut state = core.state();
        mark_inbound(&mut state, &sid, webhook::HTTP_RETRIEVAL_FAILURE, detail);
    };
    match outcome {
        Outcome::Answered(answer) => {
            if (200..300).contains(&answer.status) && answer.too_large {
                let detail = format!(
                    "the answer is larger than {} bytes; nothing of it was carried out",
                    webhook::MAX_ANSWER_BYTES
                );
                let mut state = core.state();
                let now = core.clock.now();
                let code = webhook::TWIML_TOO_LARGE;
                webhook::log(
                    &mut state,
                    now,
                    code,
                    &detail,
                    Some(&sid),
                    Some(&inbound.url),
                );
                mark_inbound(&mut state, &sid, code, &detail);
            } else if (200..300).contains(&answer.status) {
                let mut state = core.state();
                apply_twiml(
                    &mut state,
                    &sid,
                    &inbound.url,
                    &answer.body,
                    core.clock.now(),
                );
            } else {
                retrieval_failed(&format!("the app answered HTTP {}", answer.status));
            }
            Ok(InboundDelivery {
                sid,
                answer: Some(WebhookAnswer {
                    http_status: answer.status,
                    body: answer.body,
                }),
            })
        }
        Outcome::TimedOut => {
            retrieval_failed("the app did not answer in time");
            Err(SimError::WebhookTimeout {
                sid,
                url: inbound.url.clone(),
            })
        }
        Outcome::Failed(source) => {
            retrieval_failed(&source.to_string());
            Err(SimError::Webhook {
                sid,
                url: inbound.url.clone(),
                source,
            })
        }
    }
}

/// Sets `error_code` / `error_message` on inbound message `sid`.
fn mark_inbound(state: &mut SimState, sid: &MessageSid, code: u32, detail: &str) {
    if let Some(record) = state.find_mut(sid) {
        let m = record.message_mut();
        m.error_code = Some(code);
        m.error_message = Some(detail.to_owned());
    }
}

/// Carries out the TwiML `doc` the app answered to inbound message `sid` (webhook `url`).
fn apply_twiml(state: &mut SimState, sid: &MessageSid, url: &str, doc: &str, now: DateTime<Utc>) {
    let Some(inbound) = state.find(sid).map(|r| r.message.clone()) else {
        return;
    };
    let parsed = match twiml::parse(doc) {
        Ok(parsed) => parsed,
        Err(detail) => {
            webhook::log(
                state,
                now,
                webhook::DOCUMENT_PARSE_FAILURE,
                &detail,
                Some(sid),
                Some(url),
            );
            mark_inbound(state, sid, webhook::DOCUMENT_PARSE_FAILURE, &detail);
            return;
        }
    };
    for warning in &parsed.warnings {
        webhook::log(
            state,
            now,
            webhook::SCHEMA_VALIDATION_WARNING,
            warning,
            Some(sid),
            Some(url),
        );
    }
    let handset = inbound.from.clone().unwrap_or_default();
    let verbs = parsed.messages.len();
    if verbs > twiml::MAX_REPLIES {
        let detail = format!(
            "the answer has {verbs} <Message> verbs; the first {} were carried out, the other {} skipped",
            twiml::MAX_REPLIES,
            verbs - twiml::MAX_REPLIES
        );
        webhook::log(
            state,
            now,
            webhook::REPLY_LIMIT_EXCEEDED,
            &detail,
            Some(sid),
            Some(url),
        );
    }
    for reply in parsed.messages.into_iter().take(twiml::MAX_REPLIES) {
        if let Err((code, detail)) = send_reply(state, &inbound.to, &handset, url, reply, now) {
            webhook::log(state, now, code, &detail, Some(sid), Some(url));
        }
    }
}

/// Records one `<Message>` reply from `number` (the texted number) to `handset`, unless its
/// attributes or body are unusable.
///
/// # Errors
/// The debugger code and detail when it is skipped (14101, 14102, 14103).
fn send_reply(
    state: &mut SimState,
    number: &str,
    handset: &str,
    webhook_url: &str,
    reply: TwimlMessage,
    now: DateTime<Utc>,
) -> Result<(), (u32, String)> {
    let to = reply.to.as_deref().unwrap_or(handset);
    if !numbers::is_valid(to) {
        return Err((
            webhook::TO_ATTRIBUTE_INVALID,
            format!("'{to}' is not a valid phone number"),
        ));
    }
    let from = reply.from.as_deref().unwrap_or(number);
    if !state.owns(from) {
        return Err((
            webhook::FROM_ATTRIBUTE_INVALID,
            format!("'{from}' is not one of the account's numbers"),
        ));
    }
    let invalid_body = |detail: String| Err((webhook::INVALID_BODY, detail));
    if reply.body.is_empty() && reply.media.is_empty() {
        return invalid_body("a <Message> needs text or <Media>".to_owned());
    }
    if reply.body.encode_utf16().count() > MAX_BODY_UNITS {
        return invalid_body(format!(
            "the text is longer than {MAX_BODY_UNITS} characters"
        ));
    }
    if reply.media.len() > MAX_MEDIA {
        return invalid_body(format!("more than {MAX_MEDIA} <Media>"));
    }
    if let Some(bad) = reply.media.iter().find(|u| !is_http_url(u)) {
        return invalid_body(format!("'{bad}' is not an absolute http(s) URL"));
    }
    let to = numbers::normalise(to);
    let from = numbers::normalise(from);
    // Relative `action` URLs resolve against the webhook URL, as TwiML URLs do.
    let status_callback = reply.status_callback.map(|cb| {
        let base = webhook::split_overrides(webhook_url).0;
        url::Url::parse(base)
            .and_then(|b| b.join(&cb))
            .map(String::from)
            .unwrap_or(cb)
    });
    let refused = delivery::admit(state, &from, &to).err();
    let (sid, _) = state.next_message_sid(!reply.media.is_empty());
    let media = state.new_media(&reply.media);
    let mut message = SimState::new_message(NewMessage {
        sid: sid.clone(),
        direction: Direction::OutboundReply,
        status: MessageStatus::Queued,
        from: &from,
        to: &to,
        body: &reply.body,
        num_media: media.len(),
        now,
        sent: None,
    });
    if let Some(e) = &refused {
        message.status = MessageStatus::Failed;
        message.error_code = Some(e.code);
        message.error_message = Some(e.message.clone());
    }
    state.push(Record {
        message: message.into(),
        sent_at: None,
        status_callback,
        media,
        inbound: None,
        holds: 0,
    });
    delivery::schedule(state, &sid, now);
    Ok(())
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
                answer: Some(WebhookAnswer {
                    http_status: 200,
                    body: TWIML.to_owned(),
                }),
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
        assert_eq!(delivery.answer.as_ref().unwrap().body, "");

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
        // The form reads back as the typed webhook.
        let read = InboundMessage::from_params(&hit.params).unwrap();
        assert_eq!(read.message_sid.as_str(), mm);
        assert_eq!(read.media.len(), 2);
        assert_eq!(read.media[1].content_type, "text/vcard");
        assert_eq!(read.to_params(), hit.params);
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

    /// §7: with no SMS URL, a text is recorded and posted nowhere; Twilio answers it with its
    /// default reply, and its opt-out keywords work all the same ("the block works … even if your
    /// number currently has no messaging request URL").
    #[tokio::test]
    async fn a_text_to_a_number_without_an_sms_url_is_recorded_and_answered_by_twilio() {
        let sim = start_sim(&[SHOP]).await;
        let replies = || -> Vec<String> {
            sim.messages_to(HANDSET)
                .into_iter()
                .map(|m| {
                    assert_eq!(
                        (m.from.as_deref(), m.status),
                        (Some(SHOP), MessageStatus::Delivered)
                    );
                    m.body
                })
                .collect()
        };
        let hi = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        assert_eq!(hi.answer, None, "nothing was posted");
        assert_eq!(hi.http_status(), None);
        // The text takes its SID first, Twilio's reply the next.
        assert_eq!(hi.sid, MessageSid::sms(1));
        assert_eq!(
            sim.messages_to(HANDSET)[0].sid.as_str(),
            MessageSid::sms(2).as_str()
        );
        let stored = sim.message(&hi.sid).unwrap();
        assert_eq!(
            (stored.body.as_str(), stored.status, stored.error_code),
            ("hi", MessageStatus::Received, None)
        );
        assert_eq!(replies(), [optout::NO_URL_REPLY]);
        // Nothing to re-deliver: no webhook was ever posted.
        let err = sim.redeliver_inbound(&hi.sid).await.unwrap_err();
        assert!(matches!(err, SimError::UnknownInbound(_)), "{err}");

        sim.send_inbound(HANDSET, SHOP, "STOP", &[]).await.unwrap();
        assert!(sim.core.state().optout.is_blocked(SHOP, HANDSET));
        // Blocked: neither the default reply nor the help reply is sent.
        sim.send_inbound(HANDSET, SHOP, "anyone?", &[])
            .await
            .unwrap();
        sim.send_inbound(HANDSET, SHOP, "HELP", &[]).await.unwrap();
        sim.send_inbound(HANDSET, SHOP, "start", &[]).await.unwrap();
        assert!(!sim.core.state().optout.is_blocked(SHOP, HANDSET));
        sim.send_inbound(HANDSET, SHOP, "help", &[]).await.unwrap();
        assert_eq!(
            replies(),
            [
                optout::NO_URL_REPLY,
                optout::STOP_REPLY,
                optout::START_REPLY,
                optout::HELP_REPLY
            ]
        );
        // With Twilio's handling off no text is a keyword: STOP blocks nothing and gets the
        // default reply as any text does.
        sim.set_opt_out_handling(false);
        sim.send_inbound(HANDSET, SHOP, "STOP", &[]).await.unwrap();
        sim.set_opt_out_handling(true);
        assert!(!sim.core.state().optout.is_blocked(SHOP, HANDSET));
        assert_eq!(
            replies().last().map(String::as_str),
            Some(optout::NO_URL_REPLY)
        );
        assert_eq!(replies().len(), 5);
        let received: Vec<String> = sim.messages().into_iter().map(|m| m.body).collect();
        assert_eq!(
            received,
            ["hi", "STOP", "anyone?", "HELP", "start", "help", "STOP"]
        );

        // A number that cannot receive SMS is refused before anything is recorded, URL or not.
        let voice_only = "+14155550102";
        sim.provision_number(
            voice_only,
            crate::NumberUpdate {
                capabilities: Some(twilio_wire::phone_number::Capabilities {
                    voice: true,
                    sms: false,
                    mms: false,
                    fax: false,
                }),
                ..crate::NumberUpdate::default()
            },
        )
        .unwrap();
        let err = sim
            .send_inbound(HANDSET, voice_only, "hello?", &[])
            .await
            .unwrap_err();
        assert!(matches!(err, SimError::NotSmsCapable(_)), "{err}");
        assert_eq!(sim.messages().len(), 7);
    }

    /// A text posted nowhere holds nothing: with `retain` 0 it is dropped at once, as a settled
    /// message is, and Twilio's reply is not kept either.
    #[tokio::test]
    async fn a_text_posted_nowhere_is_settled_at_once() {
        let config = crate::SimConfig {
            numbers: vec![SHOP.to_owned()],
            retain: 0,
            ..crate::SimConfig::for_tests()
        };
        let sim = crate::Simulator::start(config, std::sync::Arc::new(FixedClock(t0())))
            .await
            .unwrap();
        let hi = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        assert_eq!(hi.answer, None);
        assert!(sim.message(&hi.sid).is_none(), "dropped by retention");
        assert!(sim.messages().is_empty());
        assert!(sim.messages_to(HANDSET).is_empty());
    }

    #[tokio::test]
    async fn inbound_errors() {
        let sim = start_sim(&[SHOP]).await;
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
        assert!(!err.to_string().contains("E.164"), "{err}");
        // The account's own number written nationally: the error says how to write it.
        let err = sim
            .send_inbound(HANDSET, "4155550100", "hi", &[])
            .await
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "4155550100 is not a number of the simulated Twilio account (its numbers are in \
                 E.164: '+' and the country code first"
            ),
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
        assert_eq!(d.http_status(), Some(500));
        assert_eq!(d.answer.as_ref().unwrap().body, "<html>oops</html>");
    }

    // ----- opt-out (§7) ---------------------------------------------------------------------

    mod opt_out {
        use crate::delivery::testing::{send, start, HANDSET, SHOP};
        use crate::optout::{HELP_REPLY, START_REPLY, STOP_REPLY};
        use crate::test_support::*;
        use twilio_wire::message::{Direction, MessageStatus};

        const OTHER: &str = "+14155550101";

        #[tokio::test]
        async fn stop_blocks_the_pair_with_21610_until_start() {
            let app = start_receiver(200, "<Response/>").await;
            let (sim, _clock) = start().await;
            let url = format!("{}/sms", app.base);
            sim.set_sms_url(&url);
            assert_eq!(send(&sim, HANDSET, "before", None).await.status(), 201);

            sim.send_inbound(HANDSET, SHOP, "  Stop \n", &[])
                .await
                .unwrap();
            let hit = &app.hits()[0];
            assert_eq!(hit.param("OptOutType"), "STOP");
            assert_eq!(hit.param("Body"), "  Stop \n");
            assert_eq!(hit.params.last().unwrap().0, "OptOutType");
            assert!(twilio_wire::signature::validate(
                sim.auth_token(),
                &url,
                &hit.params,
                hit.header("X-Twilio-Signature")
            ));
            assert!(sim.is_opted_out(SHOP, HANDSET));
            assert!(!sim.is_opted_out(OTHER, HANDSET));

            // Twilio's auto-reply reaches the handset but is not one of the account's messages.
            let got = sim.messages_to(HANDSET);
            let bodies: Vec<&str> = got.iter().map(|m| m.body.as_str()).collect();
            assert_eq!(bodies, ["before", STOP_REPLY]);
            let reply = &got[1];
            assert_eq!(reply.sid.as_str(), "SM00000000000000000000000000000003");
            assert_eq!(reply.direction, Direction::OutboundReply);
            assert_eq!(reply.status, MessageStatus::Delivered);
            assert_eq!(reply.from.as_deref(), Some(SHOP));
            assert!(sim.messages().iter().all(|m| m.body != STOP_REPLY));
            assert_eq!(sim.messages().len(), 2);

            let resp = send(&sim, HANDSET, "after", None).await;
            assert_eq!(resp.status(), 400);
            let v: serde_json::Value = resp.json().await.unwrap();
            assert_error_shape(&v, 21610, 400);
            assert_eq!(v["message"], "Attempt to send to unsubscribed recipient");
            assert_eq!(sim.messages().len(), 2, "a refused create records nothing");
            assert_eq!(send_from(&sim, OTHER).await, 201, "the block is per pair");

            sim.send_inbound(HANDSET, SHOP, "unstop", &[])
                .await
                .unwrap();
            assert_eq!(app.hits()[1].param("OptOutType"), "START");
            assert!(!sim.is_opted_out(SHOP, HANDSET));
            assert_eq!(sim.messages_to(HANDSET).last().unwrap().body, START_REPLY);
            assert_eq!(
                send(&sim, HANDSET, "welcome back", None).await.status(),
                201
            );
        }

        #[tokio::test]
        async fn help_is_answered_unless_opted_out_and_plain_messages_are_not_keywords() {
            let app = start_receiver(200, "").await;
            let (sim, _clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            sim.send_inbound(HANDSET, SHOP, "info", &[]).await.unwrap();
            assert_eq!(app.hits()[0].param("OptOutType"), "HELP");
            assert_eq!(sim.messages_to(HANDSET).last().unwrap().body, HELP_REPLY);
            assert!(!sim.is_opted_out(SHOP, HANDSET));

            sim.send_inbound(HANDSET, SHOP, "please stop", &[])
                .await
                .unwrap();
            assert!(app.hits()[1].params.iter().all(|(n, _)| n != "OptOutType"));
            assert!(!sim.is_opted_out(SHOP, HANDSET));

            sim.send_inbound(HANDSET, SHOP, "QUIT", &[]).await.unwrap();
            sim.send_inbound(HANDSET, SHOP, "HELP", &[]).await.unwrap();
            assert_eq!(app.hits()[3].param("OptOutType"), "HELP");
            let replies: Vec<String> = sim
                .messages_to(HANDSET)
                .into_iter()
                .map(|m| m.body)
                .collect();
            assert_eq!(
                replies,
                [HELP_REPLY, STOP_REPLY],
                "no help reply while opted out"
            );
        }

        #[tokio::test]
        async fn with_handling_off_keywords_are_plain_messages() {
            let app = start_receiver(200, "").await;
            let (sim, _clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            sim.set_opt_out_handling(false);
            sim.send_inbound(HANDSET, SHOP, "STOP", &[]).await.unwrap();
            assert!(app.hits()[0].params.iter().all(|(n, _)| n != "OptOutType"));
            assert!(sim.messages_to(HANDSET).is_empty(), "no auto-reply");
            assert!(!sim.is_opted_out(SHOP, HANDSET));
            assert_eq!(send(&sim, HANDSET, "still here", None).await.status(), 201);
            // Turning handling on again does not invent a block for the earlier STOP.
            sim.set_opt_out_handling(true);
            assert!(!sim.is_opted_out(SHOP, HANDSET));
        }

        #[tokio::test]
        async fn a_twiml_reply_to_stop_is_recorded_as_failed_21610() {
            let app = start_receiver(200, "<Response><Message>Bye!</Message></Response>").await;
            let (sim, clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            sim.send_inbound(HANDSET, SHOP, "stop", &[]).await.unwrap();
            let reply = sim
                .messages()
                .into_iter()
                .find(|m| m.body == "Bye!")
                .unwrap();
            assert_eq!(reply.status, MessageStatus::Failed);
            assert_eq!(reply.error_code, Some(21610));
            clock.advance(60);
            assert_eq!(sim.run_due().await, 0);
            assert_eq!(sim.messages().len(), 2);
        }
    }

    // ----- TwiML answers (§4.2) ---------------------------------------------------------------

    mod twiml_answers {
        use std::sync::{Arc, Mutex};

        use axum::body::Bytes;

        use crate::delivery::testing::{start, HANDSET, SHOP};
        use crate::test_support::*;
        use twilio_wire::message::{Direction, MessageStatus};

        #[tokio::test]
        async fn each_message_verb_becomes_an_outbound_reply_with_the_lifecycle() {
            let app = start_receiver(
                200,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\
                 <Message>First</Message>\
                 <Message action=\"/status\"><Body>Second</Body><Media>https://cdn.test/a.jpg</Media></Message>\
                 </Response>",
            )
            .await;
            let (sim, clock) = start().await;
            sim.set_sms_url(&format!("{}/sms#rc=0", app.base));
            let d = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
            assert_eq!(d.http_status(), Some(200));

            let replies = sim.messages_to(HANDSET);
            assert_eq!(replies.len(), 2);
            assert_eq!(
                replies[0].sid.as_str(),
                "SM00000000000000000000000000000002"
            );
            assert_eq!(replies[0].body, "First");
            assert_eq!(
                replies[1].sid.as_str(),
                "MM00000000000000000000000000000003"
            );
            assert_eq!(
                (replies[1].body.as_str(), replies[1].num_media.as_str()),
                ("Second", "1")
            );
            for r in &replies {
                assert_eq!(r.direction, Direction::OutboundReply);
                assert_eq!(r.status, MessageStatus::Queued);
                assert_eq!(r.from.as_deref(), Some(SHOP));
                assert_eq!(r.date_sent, None);
            }
            clock.advance(5);
            assert_eq!(
                sim.run_due().await,
                2,
                "sent + delivered of the second reply"
            );
            let statuses: Vec<MessageStatus> =
                sim.messages_to(HANDSET).iter().map(|m| m.status).collect();
            assert_eq!(
                statuses,
                [MessageStatus::Delivered, MessageStatus::Delivered]
            );
            let callbacks: Vec<Hit> = app
                .hits()
                .into_iter()
                .filter(|h| h.uri.path() == "/status")
                .collect();
            assert_eq!(callbacks.len(), 2);
            assert_eq!(callbacks[1].param("MessageSid"), replies[1].sid.as_str());
            assert!(twilio_wire::signature::validate(
                sim.auth_token(),
                &format!("{}/status", app.base),
                &callbacks[1].params,
                callbacks[1].header("X-Twilio-Signature")
            ));
            assert!(sim.errors().is_empty(), "{:?}", sim.errors());
        }

        #[tokio::test]
        async fn an_empty_response_sends_nothing() {
            for body in ["<Response/>", ""] {
                let app = start_receiver(200, body).await;
                let (sim, _clock) = start().await;
                sim.set_sms_url(&format!("{}/sms", app.base));
                sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
                assert!(sim.messages_to(HANDSET).is_empty(), "{body:?}");
                assert!(sim.errors().is_empty(), "{body:?}");
                assert_eq!(sim.messages()[0].error_code, None);
            }
        }

        #[tokio::test]
        async fn a_broken_document_is_12100_not_a_crash() {
            let app = start_receiver(200, "<Response><Message>Hi</Response>").await;
            let (sim, _clock) = start().await;
            let url = format!("{}/sms", app.base);
            sim.set_sms_url(&url);
            let d = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
            assert_eq!(d.http_status(), Some(200));
            assert!(sim.messages_to(HANDSET).is_empty());
            let errors = sim.errors();
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].code, 12100);
            assert!(
                errors[0].message.starts_with("Document parse failure: "),
                "{}",
                errors[0].message
            );
            assert_eq!(errors[0].sid, Some(d.sid.clone()));
            assert_eq!(errors[0].url.as_deref(), Some(url.as_str()));
            let inbound = &sim.messages()[0];
            assert_eq!(inbound.error_code, Some(12100));
            assert_eq!(inbound.status, MessageStatus::Received);
        }

        #[tokio::test]
        async fn unusable_message_verbs_are_skipped_and_logged() {
            let app = start_receiver(
                200,
                "<Response><Message to=\"nope\">a</Message><Message from=\"+14155550199\">b</Message>\
                 <Message>  </Message><Message><Media>ftp://x/a.jpg</Media></Message>\
                 <Message to=\"+14155550123\" from=\"+14155550101\">ok</Message><Redirect>/x</Redirect></Response>",
            )
            .await;
            let (sim, _clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
            let codes: Vec<u32> = sim.errors().iter().map(|e| e.code).collect();
            assert_eq!(codes, [12200, 14101, 14102, 14103, 14103]);
            assert!(sim.messages_to(HANDSET).is_empty());
            let sent = sim.messages_to("+14155550123");
            assert_eq!(sent.len(), 1);
            assert_eq!(sent[0].from.as_deref(), Some("+14155550101"));
        }

        #[tokio::test]
        async fn a_500_answer_is_11200_on_the_inbound_message() {
            let app = start_receiver(500, "<Response><Message>ignored</Message></Response>").await;
            let (sim, _clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            let d = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
            assert_eq!(d.http_status(), Some(500));
            assert!(
                sim.messages_to(HANDSET).is_empty(),
                "TwiML of a 500 is not run"
            );
            let errors = sim.errors();
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].code, 11200);
            assert_eq!(
                errors[0].message,
                "HTTP retrieval failure: the app answered HTTP 500"
            );
            assert_eq!(sim.messages()[0].error_code, Some(11200));
            assert_eq!(app.hits().len(), 1, "no retry without connection overrides");
        }

        /// The producers of [`endless_app`]'s answers, each ending when its reader hangs up.
        type Producers = Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>;

        /// An app (served on a base URL, and as a Router) whose every answer is 200 and an
        /// endless body of `<Message>` verbs.
        async fn endless_app() -> (String, axum::Router, Producers) {
            let producers = Producers::default();
            let spawned = producers.clone();
            let app = axum::Router::new().fallback(move || {
                let spawned = spawned.clone();
                async move {
                    let (mut tx, body) =
                        http_body_util::channel::Channel::<Bytes, axum::Error>::new(4);
                    let chunk = Bytes::from(
                        "<Response>".to_owned() + &"<Message>spam</Message>".repeat(400),
                    );
                    spawned.lock().unwrap().push(tokio::spawn(async move {
                        while tx.send_data(chunk.clone()).await.is_ok() {}
                    }));
                    axum::body::Body::new(body)
                }
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let served = app.clone();
            tokio::spawn(async move { axum::serve(listener, served).await });
            (base, app, producers)
        }

        #[tokio::test]
        async fn an_answer_over_64_kib_is_11750_and_read_no_further() {
            let (base, app, producers) = endless_app().await;
            let (sim, _clock) = start().await;
            for (how, url) in [
                ("network", format!("{base}/sms")),
                ("in process", "http://app.invalid/sms".to_owned()),
            ] {
                sim.route_in_process("http://app.invalid", app.clone());
                sim.set_sms_url(&url);
                let d = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
                assert_eq!(d.http_status(), Some(200), "{how}");
                assert_eq!(
                    d.answer.as_ref().unwrap().body.len(),
                    65_536,
                    "{how}: the first 64 KiB"
                );
                let inbound = sim.message(&d.sid).unwrap();
                assert_eq!(inbound.error_code, Some(11750), "{how}");
                let error = sim.errors().pop().unwrap();
                assert_eq!(error.code, 11750);
                assert_eq!(
                    error.message,
                    "TwiML response body too large: the answer is larger than 65536 bytes; \
                     nothing of it was carried out"
                );
                assert!(sim.messages_to(HANDSET).is_empty(), "{how}: no reply");
            }
            // Both endless answers were hung up on once 64 KiB had been read: their producers end.
            let producers = std::mem::take(&mut *producers.lock().unwrap());
            assert_eq!(producers.len(), 2);
            for producer in producers {
                tokio::time::timeout(std::time::Duration::from_secs(30), producer)
                    .await
                    .expect("the simulator stopped reading the endless answer")
                    .unwrap();
            }
        }

        #[tokio::test]
        async fn more_than_ten_message_verbs_send_ten_and_warn_14109() {
            let twiml: &'static str = Box::leak(
                format!(
                    "<Response>{}</Response>",
                    (1..=12)
                        .map(|i| format!("<Message>reply {i}</Message>"))
                        .collect::<String>()
                )
                .into_boxed_str(),
            );
            let app = start_receiver(200, twiml).await;
            let (sim, _clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
            let bodies: Vec<String> = sim
                .messages_to(HANDSET)
                .into_iter()
                .map(|m| m.body)
                .collect();
            let first_ten: Vec<String> = (1..=10).map(|i| format!("reply {i}")).collect();
            assert_eq!(bodies, first_ten);
            let errors = sim.errors();
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].code, 14109);
            assert_eq!(
                errors[0].message,
                "TwiML Reply message limit exceeded: the answer has 12 <Message> verbs; \
                 the first 10 were carried out, the other 2 skipped"
            );
        }
    }

    // ----- webhook faults ------------------------------------------------------------------------

    mod webhook_faults {
        use crate::delivery::testing::{start, HANDSET, SHOP};
        use crate::test_support::*;
        use crate::{FaultScope, SimError, WebhookFault};

        #[tokio::test]
        async fn a_server_error_never_reaches_the_app_unless_retried() {
            let app = start_receiver(200, "").await;
            let (sim, _clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            sim.set_webhook_fault(FaultScope::Global, Some(WebhookFault::ServerError), 1.0);
            let d = sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
            assert_eq!(
                (d.http_status(), d.answer.as_ref().unwrap().body.as_str()),
                (Some(500), "")
            );
            assert!(app.hits().is_empty());
            assert_eq!(sim.errors()[0].code, 11200);
            assert_eq!(sim.messages()[0].error_code, Some(11200));

            // The URL asks for one retry on 5xx: the retry gets through.
            sim.set_sms_url(&format!("{}/sms#rc=1&rp=5xx", app.base));
            let d = sim.send_inbound(HANDSET, SHOP, "again", &[]).await.unwrap();
            assert_eq!(d.http_status(), Some(200));
            assert_eq!(app.hits().len(), 1);
            assert_eq!(app.hits()[0].uri.to_string(), "/sms");
            assert_eq!(sim.errors().len(), 2);
            assert_eq!(sim.messages()[1].error_code, None);
        }

        #[tokio::test]
        async fn a_timeout_delivers_but_loses_the_answer_and_a_retry_repeats_the_request() {
            let app = start_receiver(200, "<Response/>").await;
            let (sim, _clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            sim.set_webhook_fault(
                FaultScope::Number(HANDSET.to_owned()),
                Some(WebhookFault::Timeout),
                1.0,
            );
            let err = sim
                .send_inbound(HANDSET, SHOP, "hi", &[])
                .await
                .unwrap_err();
            assert!(matches!(err, SimError::WebhookTimeout { .. }), "{err}");
            assert_eq!(app.hits().len(), 1, "the app got the request");
            assert_eq!(sim.messages()[0].error_code, Some(11200));
            assert_eq!(sim.errors()[0].code, 11200);

            // Another handset is not affected.
            let d = sim
                .send_inbound("+14155550123", SHOP, "hi", &[])
                .await
                .unwrap();
            assert_eq!(d.http_status(), Some(200));

            sim.set_sms_url(&format!("{}/sms#rc=1&rp=rt", app.base));
            let d = sim
                .send_inbound(HANDSET, SHOP, "retried", &[])
                .await
                .unwrap();
            assert_eq!(d.http_status(), Some(200));
            let hits = app.hits();
            assert_eq!(
                hits.len(),
                4,
                "the timed-out attempt and its retry both reached the app"
            );
            assert_eq!(hits[2].raw, hits[3].raw);
            assert_eq!(
                hits[2].header("I-Twilio-Idempotency-Token"),
                hits[3].header("I-Twilio-Idempotency-Token")
            );
            assert_eq!(hits[3].param("MessageSid"), d.sid.as_str());

            // A re-delivery (to the URL of the first delivery, without overrides) draws the
            // fault again.
            let first = twilio_wire::sid::MessageSid::sms(1);
            let err = sim.redeliver_inbound(&first).await.unwrap_err();
            assert!(matches!(err, SimError::WebhookTimeout { .. }), "{err}");
            sim.clear_faults();
            assert_eq!(
                sim.redeliver_inbound(&first).await.unwrap().http_status(),
                Some(200)
            );
        }
    }
}
