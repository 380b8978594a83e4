//! The retention window seen from outside: through the REST API, status callbacks, inbound
//! webhooks and [`crate::Simulator::messages_after`] (the state-level rules are tested in
//! `state`).

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::Router;
use twilio_wire::message::MessageStatus;
use twilio_wire::sid::MessageSid;

use crate::delivery::testing::{send, send_ok, start, FINAL_AFTER, HANDSET, SHOP};
use crate::test_support::{assert_error_shape, receiver_app};
use crate::{CallbackFault, Core, FaultScope, Simulator};

/// No socket listens on this host: only the in-process app answers.
const APP: &str = "http://app.invalid";

fn sid(s: &str) -> MessageSid {
    MessageSid::parse(s).unwrap()
}

/// `GET …/Messages/{sid}.json`: the HTTP status, after checking a 404's Twilio shape.
async fn fetch(sim: &Simulator, sid: &str) -> u16 {
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/2010-04-01/Accounts/{}/Messages/{sid}.json",
            sim.base_url(),
            sim.account_sid()
        ))
        .basic_auth(sim.account_sid(), Some(sim.auth_token()))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    if status == 404 {
        assert_error_shape(&resp.json().await.unwrap(), 20404, 404);
    }
    status
}

fn numbers(messages: &[twilio_wire::message::Message]) -> Vec<u128> {
    messages.iter().map(|m| m.sid.number()).collect()
}

#[tokio::test]
async fn a_pending_callback_keeps_the_oldest_message_and_dropped_ones_404() {
    let (sim, clock) = start().await;
    sim.set_retention(1);
    let (app, hits) = receiver_app(200, "");
    sim.route_in_process(APP, app);
    let slow = "+14155550199";
    sim.set_callback_fault(
        FaultScope::Number(slow.into()),
        Some(CallbackFault::Delay { seconds: 100 }),
        1.0,
    );
    let url = format!("{APP}/status");
    let a = send_ok(&sim, slow, "a", Some(&url)).await;
    let b = send_ok(&sim, HANDSET, "b", Some(&url)).await;
    assert_eq!(
        sim.stored(),
        2,
        "messages in flight are kept over the window"
    );

    clock.advance(FINAL_AFTER);
    assert_eq!(sim.run_due().await, 2, "b's callbacks; a's are delayed");
    // Both are delivered; a's delayed callbacks keep it although it is the oldest.
    assert_eq!(
        sim.message(&sid(&a)).map(|m| m.status),
        Some(MessageStatus::Delivered)
    );
    assert_eq!(sim.message(&sid(&b)), None);
    assert_eq!(fetch(&sim, &b).await, 404);
    assert_eq!(fetch(&sim, &a).await, 200);

    clock.advance(100);
    assert_eq!(sim.run_due().await, 2, "a's delayed callbacks");
    assert_eq!(hits.lock().unwrap().len(), 4);
    assert_eq!(sim.stored(), 1, "a is settled, and within the window");
    let c = send_ok(&sim, HANDSET, "c", None).await;
    assert_eq!(fetch(&sim, &a).await, 404, "dropped for c");
    assert_eq!(numbers(&sim.messages()), [3]);
    // Counters go on as if nothing was dropped.
    assert_eq!(sid(&c), MessageSid::sms(3));
    assert_eq!(sim.outbound_created(), 3);
}

/// A status-callback app that notes, for each callback, whether the simulator still holds the
/// message it reports on.
#[derive(Clone)]
struct Witness {
    core: Arc<Core>,
    seen: Arc<Mutex<Vec<(String, bool)>>>,
}

async fn witness(State(w): State<Witness>, body: Bytes) -> &'static str {
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let value = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let kept = w.core.state().find(&sid(&value("MessageSid"))).is_some();
    w.seen.lock().unwrap().push((value("MessageStatus"), kept));
    ""
}

#[tokio::test]
async fn a_callback_being_posted_holds_its_message() {
    let (sim, clock) = start().await;
    sim.set_retention(0);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().fallback(witness).with_state(Witness {
        core: sim.core.clone(),
        seen: seen.clone(),
    });
    sim.route_in_process(APP, app);
    let a = send_ok(&sim, HANDSET, "a", Some(&format!("{APP}/status"))).await;
    assert!(sim.message(&sid(&a)).is_some(), "queued: in flight");
    clock.advance(FINAL_AFTER);
    assert_eq!(sim.run_due().await, 2);
    assert_eq!(
        *seen.lock().unwrap(),
        [("sent".to_owned(), true), ("delivered".to_owned(), true)]
    );
    assert_eq!(
        sim.message(&sid(&a)),
        None,
        "dropped once its last callback is done"
    );
    assert_eq!(sim.stored(), 0);
}

#[tokio::test]
async fn an_inbound_message_stays_until_its_webhook_is_answered() {
    let (sim, clock) = start().await;
    sim.set_retention(0);
    let (app, hits) = receiver_app(
        200,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Thanks</Message></Response>",
    );
    sim.route_in_process(APP, app);
    sim.set_sms_url(&format!("{APP}/sms"));
    let delivery = sim.send_inbound(HANDSET, SHOP, "hello", &[]).await.unwrap();
    assert_eq!(hits.lock().unwrap().len(), 1);
    // The reply was made from the inbound message, so it was kept while the app answered; it
    // went once the answer was carried out.
    assert_eq!(sim.message(&delivery.sid), None);
    assert_eq!(sim.outbound_created(), 1);
    let replies = sim.messages();
    assert_eq!(numbers(&replies), [2]);
    assert_eq!(replies[0].body, "Thanks");
    assert!(matches!(
        sim.redeliver_inbound(&delivery.sid).await,
        Err(crate::SimError::UnknownInbound(_))
    ));
    clock.advance(FINAL_AFTER);
    sim.run_due().await;
    assert_eq!(sim.stored(), 0);
}

#[tokio::test]
async fn messages_after_pages_across_a_retention_drop() {
    let (sim, clock) = start().await;
    sim.set_retention(3);
    for body in ["m1", "m2", "m3"] {
        send_ok(&sim, HANDSET, body, None).await;
    }
    clock.advance(FINAL_AFTER);
    sim.run_due().await;
    let first = sim.messages_after(0, 2);
    assert_eq!(numbers(&first), [1, 2]);
    let cursor = 2;
    // A canceled scheduled message is settled at once (its SendAt is a day away).
    let service = crate::test_support::pool(&sim, SHOP);
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("To", HANDSET)
        .append_pair("From", SHOP)
        .append_pair("MessagingServiceSid", service.sid.as_str())
        .append_pair("Body", "later")
        .append_pair("ScheduleType", "fixed")
        .append_pair("SendAt", "2023-08-25T00:00:00Z")
        .finish();
    let resp = crate::test_support::post_form(&sim, &form).await;
    assert_eq!(resp.status(), 201);
    let canceled = MessageSid::sms(4);
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/2010-04-01/Accounts/{}/Messages/{canceled}.json",
            sim.base_url(),
            sim.account_sid()
        ))
        .basic_auth(sim.account_sid(), Some(sim.auth_token()))
        .body("Status=canceled")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(numbers(&sim.messages()), [2, 3, 4], "m1 dropped for it");
    send_ok(&sim, HANDSET, "m5", None).await;
    send_ok(&sim, HANDSET, "m6", None).await;
    // m2, m3 went (oldest settled); m4 canceled is settled too but younger; m5, m6 in flight.
    assert_eq!(numbers(&sim.messages()), [4, 5, 6]);
    assert_eq!(numbers(&sim.messages_after(cursor, 2)), [4, 5]);
    assert_eq!(numbers(&sim.messages_after(5, 2)), [6]);
    assert!(sim.messages_after(6, 2).is_empty());
    assert_eq!(numbers(&sim.messages_after(0, 10)), [4, 5, 6]);
    assert_eq!(sim.message(&MessageSid::sms(2)), None);
    assert_eq!(send(&sim, HANDSET, "m7", None).await.status(), 201);
    assert_eq!(
        numbers(&sim.messages()),
        [5, 6, 7],
        "the canceled one goes next"
    );
}

#[tokio::test]
async fn sids_count_on_from_a_given_counter_and_never_move_back() {
    let (sim, _clock) = start().await;
    let first = send_ok(&sim, HANDSET, "one", None).await;
    assert_eq!(first, "SM00000000000000000000000000000001");
    sim.count_sids_from(1 << 32);
    let next = send_ok(&sim, HANDSET, "two", None).await;
    assert_eq!(next, "SM00000000000000000000000100000001");
    sim.count_sids_from(5);
    let after = send_ok(&sim, HANDSET, "three", None).await;
    assert_eq!(after, "SM00000000000000000000000100000002");
}
