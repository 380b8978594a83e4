//! Twilio behaviours the simulator's other tests could not tell from a plausible mistake, each
//! found by mutation testing (helper-78, 2026-12-05: a defect that every other test of the
//! crate, the Gherkin suite and the CLI tests let through) and pinned here against the
//! reference (`../shared/reference/twilio-messaging.md`), written out rather than read from the
//! code under test. Each module names the behaviour and the section.

/// The signature must be over the exact URL Twilio requested, port included (reference
/// §6.1 steps 1 and 5: "Start with the full URL … including scheme, host, any port"; "The
/// simulator should sign the exact URL string it calls"). The crate's tests check signatures
/// with `twilio_wire::signature::validate`, which (like twilio-python/-node) also accepts the
/// URL without its port, so a simulator that signs `http://127.0.0.1/sms` for a request to
/// `http://127.0.0.1:PORT/sms` passes them; a strict validator (one candidate URL, as
/// most hand-written and non-SDK validators are) rejects every webhook.
mod signature_over_exact_url {
    use crate::delivery::testing::{send_ok, start, HANDSET, SHOP};
    use crate::test_support::start_receiver;

    #[tokio::test]
    async fn webhooks_and_callbacks_are_signed_over_the_url_with_its_port() {
        let app = start_receiver(200, "<Response/>").await;
        let (sim, clock) = start().await;
        let sms_url = format!("{}/sms?tenant=acme", app.base);
        assert!(
            url::Url::parse(&sms_url).unwrap().port().is_some(),
            "the receiver's URL has an explicit port"
        );
        sim.set_sms_url(&sms_url);
        sim.send_inbound(HANDSET, SHOP, "hi", &[]).await.unwrap();
        let status_url = format!("{}/status", app.base);
        send_ok(&sim, HANDSET, "hello", Some(&status_url)).await;
        clock.advance(10);
        sim.run_due().await;
        let hits = app.hits();
        assert_eq!(
            hits.len(),
            3,
            "one webhook, two callbacks (sent, delivered)"
        );
        for (hit, url) in [
            (&hits[0], &sms_url),
            (&hits[1], &status_url),
            (&hits[2], &status_url),
        ] {
            let exact = twilio_wire::signature::sign(sim.auth_token(), url, &hit.params);
            assert_eq!(
                hit.header("X-Twilio-Signature"),
                exact,
                "X-Twilio-Signature of the POST to {url} is not the HMAC over that exact URL \
                 (with its port) and the parameters (reference §6.1 step 1)"
            );
        }
    }
}

/// Every default opt-out keyword of reference §7 blocks the pair, including the recent
/// REVOKE and OPTOUT ("Default opt-out keywords on long codes: STOP, UNSUBSCRIBE, END, QUIT,
/// STOPALL, REVOKE, OPTOUT, CANCEL"), and each opt-in/help word is classified. The crate's own
/// keyword test iterates `OptOutType::Stop.keywords()`, the very list under test, so dropping
/// a word from it (the older help-centre list) goes unnoticed.
mod every_reference_keyword {
    use crate::delivery::testing::{send, start, HANDSET, SHOP};
    use crate::test_support::start_receiver;
    use twilio_wire::webhook::OptOutType;

    /// Reference §7, written out here rather than read from the code.
    const STOP: [&str; 8] = [
        "STOP",
        "UNSUBSCRIBE",
        "END",
        "QUIT",
        "STOPALL",
        "REVOKE",
        "OPTOUT",
        "CANCEL",
    ];
    const START: [&str; 3] = ["START", "YES", "UNSTOP"];
    const HELP: [&str; 2] = ["HELP", "INFO"];

    #[test]
    fn the_keyword_lists_are_the_references() {
        for (words, kind) in [
            (&STOP[..], OptOutType::Stop),
            (&START[..], OptOutType::Start),
            (&HELP[..], OptOutType::Help),
        ] {
            for w in words {
                assert_eq!(
                    OptOutType::of_keyword(w),
                    Some(kind),
                    "{w} is a default {kind} keyword (reference §7)"
                );
                assert_eq!(OptOutType::of_keyword(&w.to_lowercase()), Some(kind), "{w}");
            }
            let mut listed: Vec<&str> = kind.keywords().to_vec();
            listed.sort_unstable();
            let mut expected = words.to_vec();
            expected.sort_unstable();
            assert_eq!(listed, expected, "the {kind} keywords");
        }
    }

    #[tokio::test]
    async fn revoke_and_optout_block_the_pair_with_21610() {
        for word in ["REVOKE", "optout"] {
            let app = start_receiver(200, "<Response/>").await;
            let (sim, _clock) = start().await;
            sim.set_sms_url(&format!("{}/sms", app.base));
            sim.send_inbound(HANDSET, SHOP, word, &[]).await.unwrap();
            assert_eq!(app.hits()[0].param("OptOutType"), "STOP", "{word}");
            let resp = send(&sim, HANDSET, "after", None).await;
            let status = resp.status().as_u16();
            let v: serde_json::Value = resp.json().await.unwrap();
            assert_eq!(
                (status, v["code"].as_i64()),
                (400, Some(21610)),
                "a send after {word} must be refused with 21610: {v}"
            );
        }
    }
}

/// With `StickySender` on (the default), every later send to a recipient goes from the
/// number that first sent to it, whoever else is texted in between (reference: Messaging
/// Service sticky sender; simulator docs `services`). The crate's test sends H1, H2, H1 through
/// a pool of two, where plain round robin also gives A, B, A: a simulator that never remembers
/// a round-robin pick passes it.
mod sticky_sender_is_remembered {
    use crate::test_support::{pool_service, post_form, start_sim};
    use serde_json::Value;

    const A: &str = "+14155550100";
    const B: &str = "+14155550101";

    #[tokio::test]
    async fn the_same_recipient_keeps_its_sender_across_sends() {
        let sim = start_sim(&[A, B]).await;
        let mg = pool_service(&sim, &[A, B]);
        let mut picked = Vec::new();
        for to in [
            "+14155552671",
            "+14155552671",
            "+14155552672",
            "+14155552673",
            "+14155552671",
        ] {
            let form = form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("To", to),
                    ("MessagingServiceSid", mg.as_str()),
                    ("Body", "hi"),
                ])
                .finish();
            let resp = post_form(&sim, &form).await;
            assert_eq!(resp.status(), 201);
            let v: Value = resp.json().await.unwrap();
            let sid = twilio_wire::sid::MessageSid::parse(v["sid"].as_str().unwrap()).unwrap();
            picked.push((to, sim.message(&sid).unwrap().from.unwrap()));
        }
        let first = picked[0].1.clone();
        for (to, from) in &picked {
            if *to == "+14155552671" {
                assert_eq!(
                    from, &first,
                    "sticky sender: every send to {to} through the service comes from the number \
                     that first texted it; picks were {picked:?}"
                );
            }
        }
    }
}

/// START lifts the block of the pair it was texted to, and only that one (reference §7:
/// "Twilio creates a block for that (sender, recipient) pair"; the opt-in re-subscribes "to
/// messages from this number"). The crate blocks one pair and lifts it, so a START that clears
/// every block of the handset passes.
mod start_lifts_only_its_pair {
    use crate::delivery::testing::{start, HANDSET, SHOP};
    use crate::test_support::{send_from, start_receiver};

    const OTHER: &str = "+14155550101";

    #[tokio::test]
    async fn start_to_one_number_keeps_the_stop_sent_to_another() {
        let app = start_receiver(200, "<Response/>").await;
        let (sim, _clock) = start().await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        sim.send_inbound(HANDSET, SHOP, "STOP", &[]).await.unwrap();
        sim.send_inbound(HANDSET, OTHER, "STOP", &[]).await.unwrap();
        assert_eq!(
            (send_from(&sim, SHOP).await, send_from(&sim, OTHER).await),
            (400, 400)
        );
        sim.send_inbound(HANDSET, SHOP, "START", &[]).await.unwrap();
        assert_eq!(
            send_from(&sim, SHOP).await,
            201,
            "START lifted the block of {SHOP}"
        );
        assert!(
            sim.is_opted_out(OTHER, HANDSET),
            "a START texted to {SHOP} must not lift the handset's STOP to {OTHER}"
        );
        assert_eq!(
            send_from(&sim, OTHER).await,
            400,
            "{OTHER} is still blocked: 21610"
        );
    }
}

/// `RawDlrDoneDate` is when the carrier's delivery receipt says the message was done
/// (reference §3.1, Twilio changelog 2023-02-14: `YYMMDDhhmm`, added to delivered and
/// undelivered callbacks), i.e. the minute of the final transition. Every crate test delivers
/// within seconds of the create, in the same minute, so a simulator that writes the creation
/// minute (or the `sent` minute) passes them.
mod raw_dlr_done_date_is_the_final_minute {
    use crate::delivery::testing::{send_ok, start_with, HANDSET};
    use crate::delivery::DeliveryTiming;
    use crate::test_support::start_receiver;
    use std::time::Duration;

    #[tokio::test]
    async fn a_receipt_two_minutes_after_the_send_says_that_minute() {
        let app = start_receiver(200, "").await;
        let (sim, clock) = start_with(DeliveryTiming {
            to_sending: Duration::from_secs(1),
            to_sent: Duration::from_secs(1),
            to_final: Duration::from_secs(120),
        })
        .await;
        // Created at t0 = Thu, 24 Aug 2023 05:01:45 UTC; delivered 122 s later, at 05:03:47.
        send_ok(&sim, HANDSET, "hi", Some(&format!("{}/status", app.base))).await;
        clock.advance(200);
        sim.run_due().await;
        let delivered = app
            .hits()
            .into_iter()
            .find(|h| h.param("MessageStatus") == "delivered")
            .expect("a delivered callback");
        assert_eq!(
            delivered.param("RawDlrDoneDate"),
            "2308240503",
            "RawDlrDoneDate is the minute the message was delivered (05:03), not when it was \
             created (05:01)"
        );
    }
}

/// A message's own `StatusCallback` wins over its Messaging Service's (reference §2.2:
/// `StatusCallback` "overrides the Messaging Service callback"). The crate's service test sends
/// without `StatusCallback`, so a simulator that always posts to the service's callback passes.
mod own_status_callback_beats_the_services {
    use crate::test_support::{post_form, start_receiver, start_sim};
    use crate::ServiceSetup;

    #[tokio::test]
    async fn callbacks_go_to_the_messages_own_url() {
        let app = start_receiver(200, "").await;
        let sim = start_sim(&["+14155550100"]).await;
        let mg = sim
            .create_service(&ServiceSetup {
                params: vec![
                    ("FriendlyName".into(), "Pool".into()),
                    (
                        "StatusCallback".into(),
                        format!("{}/service-status", app.base),
                    ),
                ],
                senders: vec!["+14155550100".into()],
            })
            .unwrap()
            .sid
            .to_string();
        let own = format!("{}/own-status", app.base);
        let form = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("To", "+14155552671"),
                ("MessagingServiceSid", mg.as_str()),
                ("Body", "hi"),
                ("StatusCallback", own.as_str()),
            ])
            .finish();
        assert_eq!(post_form(&sim, &form).await.status(), 201);
        sim.run_due().await; // accepted -> queued: a callback (not the initial status)
        let hits = app.hits();
        assert!(!hits.is_empty(), "the queued callback");
        let paths: Vec<String> = hits.iter().map(|h| h.uri.path().to_owned()).collect();
        assert!(
            paths.iter().all(|p| p == "/own-status"),
            "the message's StatusCallback overrides the service's: callbacks went to {paths:?}"
        );
        assert!(hits.iter().all(|h| h.param("MessagingServiceSid") == mg));
    }
}

/// Reference §7 "Scope": "When a user opts out of a phone number that belongs to a Messaging
/// Service, the user is also opted out … from that Messaging Service" (and §12 item 8: the block
/// is on the "(sender or Messaging Service, recipient) pair"): a send through the service is
/// refused whichever pool number it would pick, until START to one of its numbers.
mod stop_to_a_pool_number_blocks_the_service {
    use crate::test_support::{pool_service, post_form, start_receiver, start_sim};

    const A: &str = "+14155550100";
    const B: &str = "+14155550101";
    const OUTSIDE: &str = "+14155550102";
    const HANDSET: &str = "+14155552671";

    /// The status and error code of a send to the handset, through `service` or `From` a number.
    async fn send(sim: &crate::Simulator, service: Option<&str>, from: Option<&str>) -> (u16, i64) {
        let mut pairs = vec![("To", HANDSET), ("Body", "hi")];
        pairs.extend(service.map(|mg| ("MessagingServiceSid", mg)));
        pairs.extend(from.map(|f| ("From", f)));
        let form = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let resp = post_form(sim, &form).await;
        let status = resp.status().as_u16();
        let v: serde_json::Value = resp.json().await.unwrap();
        (status, v["code"].as_i64().unwrap_or(0))
    }

    #[tokio::test]
    async fn a_stop_to_one_pool_number_refuses_the_service_until_a_start_to_any() {
        let app = start_receiver(200, "<Response/>").await;
        let sim = start_sim(&[A, B, OUTSIDE]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let mg = pool_service(&sim, &[A, B]);
        // The service's first send to the handset goes from A, its sticky sender from then on.
        assert_eq!(send(&sim, Some(&mg), None).await, (201, 0));
        // The handset texts STOP to B: it opted out of the service, whichever sender it picks.
        sim.send_inbound(HANDSET, B, "STOP", &[]).await.unwrap();
        assert_eq!(
            send(&sim, Some(&mg), None).await,
            (400, 21610),
            "through the service"
        );
        assert_eq!(
            send(&sim, None, Some(A)).await,
            (400, 21610),
            "From a pool number"
        );
        assert!(sim.is_opted_out(A, HANDSET) && sim.is_opted_out(B, HANDSET));
        assert_eq!(
            send(&sim, None, Some(OUTSIDE)).await.0,
            201,
            "a number outside the pool"
        );
        // Opted out, HELP to another pool number gets no auto-reply (§7).
        let received = sim.messages_to(HANDSET).len();
        sim.send_inbound(HANDSET, A, "HELP", &[]).await.unwrap();
        assert_eq!(
            sim.messages_to(HANDSET).len(),
            received,
            "no HELP reply from {A}"
        );
        // A START to A, not the number the STOP went to, re-subscribes to the whole service.
        sim.send_inbound(HANDSET, A, "START", &[]).await.unwrap();
        assert!(!sim.is_opted_out(B, HANDSET));
        assert_eq!(
            send(&sim, Some(&mg), None).await,
            (201, 0),
            "back through the service"
        );
        assert_eq!(send(&sim, None, Some(B)).await, (201, 0), "and From B");
    }
}

/// OAI `num_segments`: "For messages sent via a Messaging Service, `num_segments` is initially
/// `0`, since a sender hasn't yet been assigned" (reference §2.3); counted once it is queued.
mod messaging_service_create_shows_zero_segments {
    use crate::test_support::{pool_service, post_form, start_sim};

    #[tokio::test]
    async fn the_create_answer_says_num_segments_0() {
        let sim = start_sim(&["+14155550100"]).await;
        let mg = pool_service(&sim, &["+14155550100"]);
        let form = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("To", "+14155552671"),
                ("MessagingServiceSid", mg.as_str()),
                ("Body", "hi"),
            ])
            .finish();
        let resp = post_form(&sim, &form).await;
        assert_eq!(resp.status(), 201);
        let v: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(
            (v["status"].as_str(), v["num_segments"].as_str()),
            (Some("accepted"), Some("0")),
            "{v}"
        );
        sim.run_due().await;
        let sid = twilio_wire::sid::MessageSid::parse(v["sid"].as_str().unwrap()).unwrap();
        assert_eq!(
            sim.message(&sid).unwrap().num_segments,
            "1",
            "counted once queued"
        );
    }
}
