//! Media (§2.5, §9): fetching a send's `MediaUrl` files and the Media subresource.
//!
//! At create time the simulator GETs every `MediaUrl`, side by side (reqwest; 10 s to connect,
//! 15 s in all, at most 10 redirects, no proxy, `User-Agent: TwilioProxy/1.1`), so a test can
//! serve its files from loopback; the answers are read in `MediaUrl` order. It keeps the bytes and the `Content-Type` the server answered
//! (its MIME essence, lower case; guessed from the URL's extension when the server sends none
//! or `application/octet-stream`).
//!
//! When a file cannot be fetched the send is still accepted (201, `queued`) and each `MediaUrl`
//! still becomes a Media resource; the message then fails as soon as it is queued, as Twilio
//! fails an MMS asynchronously: at the next run of due changes (`Simulator::run_due`), with a
//! status callback, since `queued` to `failed` is a change after creation (§3) (choice;
//! UNCONFIRMED which code Twilio reports):
//!
//! * connection error, timeout or a non-2xx answer → `failed`, `error_code` 11200
//!   "HTTP retrieval failure";
//! * more than 5 MB for the whole message (§9) → `failed`, `error_code` 30019
//!   "Content size exceeds carrier limit".
//!
//! The files after the first failure (in `MediaUrl` order) are not kept: their fetches are
//! dropped. Media without bytes are served as a
//! `307 Temporary Redirect` to the original URL.
//!
//! Endpoints (live credentials; test credentials get 403 / 20008; an unknown message or media
//! SID gives 404 / 20404):
//!
//! * `GET …/Messages/{MessageSid}/Media.json`: 200 + page with list key `media_list`, in
//!   `MediaUrl` order, paged as in [`crate::list`] (filters `DateCreated`, `DateCreated<`,
//!   `DateCreated>` on the media's `date_created`, which is the message's);
//! * `GET …/Messages/{MessageSid}/Media/{Sid}.json`: 200 + Media JSON;
//! * `DELETE …/Messages/{MessageSid}/Media/{Sid}.json`: 204, empty body (the message's
//!   `num_media` does not change: UNCONFIRMED);
//! * `GET …/Messages/{MessageSid}/Media/{Sid}` (no `.json`): 200 with the file's bytes and
//!   `Content-Type` (HTTP Basic auth required, as Twilio enforces), or the redirect above.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use twilio_wire::date::rfc2822;
use twilio_wire::message::{Media, API_VERSION};
use twilio_wire::page::MediaPage;
use twilio_wire::sid::{MediaSid, MessageSid};

use crate::api::respond::{live_only, resource_not_found, ApiReply};
use crate::list::{paginate, DateFilter, ListQuery};
use crate::state::{guess_content_type, FetchedMedia, MediaRecord, Record};
use crate::{transport, webhook, Core, SimError};

/// Most bytes of media one message may carry (§9: 5 MB).
pub(crate) const MAX_MESSAGE_BYTES: usize = 5 * 1024 * 1024;

/// Why a message's media could not be fetched: the `error_code` and `error_message` it fails
/// with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MediaFailure {
    /// 11200 or 30019.
    pub(crate) code: u32,
    /// What went wrong, with the URL.
    pub(crate) message: String,
}

/// The HTTP client for media fetches.
///
/// # Errors
/// [`SimError::Http`] when reqwest cannot build it.
pub(crate) fn client() -> Result<reqwest::Client, SimError> {
    reqwest::Client::builder()
        .user_agent(webhook::USER_AGENT)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::limited(10))
        .no_proxy()
        .build()
        .map_err(SimError::Http)
}

/// The MIME essence of a `Content-Type` header value (`image/png; q=1` → `image/png`).
fn essence(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let essence = text.split(';').next()?.trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

/// GETs `url` (in process when an app is routed for it, `transport`), reading at most `budget`
/// bytes.
///
/// # Errors
/// A [`MediaFailure`] as in the module docs.
pub(crate) async fn fetch(
    core: &Core,
    url: &str,
    budget: usize,
) -> Result<FetchedMedia, MediaFailure> {
    let http = &core.media_http;
    let retrieval = |why: String| MediaFailure {
        code: 11200,
        message: format!("HTTP retrieval failure: {url}: {why}"),
    };
    if let Some(app) = core.routes.find(url) {
        let request = http
            .get(url)
            .build()
            .map_err(|e| retrieval(e.to_string()))?;
        let answered = transport::in_process(app, request, budget)
            .await
            .map_err(|e| retrieval(e.to_string()))?;
        if !(200..300).contains(&answered.status) {
            return Err(retrieval(format!("answered {}", answered.status)));
        }
        if answered.truncated {
            return Err(too_big(url));
        }
        return Ok(FetchedMedia {
            source_url: url.to_owned(),
            content_type: answered
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(essence)
                .filter(|ct| ct != "application/octet-stream")
                .unwrap_or_else(|| guess_content_type(url).to_owned()),
            bytes: Some(answered.body),
        });
    }
    let mut response = http
        .get(url)
        .send()
        .await
        .map_err(|e| retrieval(e.to_string()))?;
    if !response.status().is_success() {
        return Err(retrieval(format!("answered {}", response.status())));
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(essence)
        .filter(|ct| ct != "application/octet-stream")
        .unwrap_or_else(|| guess_content_type(url).to_owned());
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| retrieval(e.to_string()))?
    {
        if bytes.len() + chunk.len() > budget {
            return Err(too_big(url));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(FetchedMedia {
        source_url: url.to_owned(),
        content_type,
        bytes: Some(Bytes::from(bytes)),
    })
}

/// The 30019 failure of media over the 5 MB budget.
fn too_big(url: &str) -> MediaFailure {
    MediaFailure {
        code: 30019,
        message: format!(
            "Content size exceeds carrier limit: the media of this message exceed {MAX_MESSAGE_BYTES} bytes ({url})"
        ),
    }
}

/// Fetches `urls` side by side (so a create waits about as long as its slowest file, at most
/// the client's 15 s, not for their sum) and reads the answers in `MediaUrl` order within the
/// 5 MB budget: one [`FetchedMedia`] per URL (without bytes from the first failure on) and the
/// failure, if any. At the first failure in that order the fetches still under way are
/// dropped. Each file may take the whole budget while they arrive, so a create holds at most
/// [`crate::validate::MAX_MEDIA`] × 5 MB for a moment; which file fails, and why, depends only
/// on the answers, not on their arrival order.
pub(crate) async fn fetch_all(
    core: &Core,
    urls: &[String],
) -> (Vec<FetchedMedia>, Option<MediaFailure>) {
    use futures::StreamExt as _;
    let fetches: Vec<_> = urls
        .iter()
        .map(|url| fetch(core, url, MAX_MESSAGE_BYTES))
        .collect();
    let mut answers = futures::stream::iter(fetches).buffered(crate::validate::MAX_MEDIA);
    let mut out = Vec::with_capacity(urls.len());
    let mut failure = None;
    let mut budget = MAX_MESSAGE_BYTES;
    for url in urls {
        if failure.is_none() {
            let answer = answers.next().await.unwrap_or_else(|| {
                Err(MediaFailure {
                    code: 11200,
                    message: format!("HTTP retrieval failure: {url}: not fetched"),
                })
            });
            let answer = answer.and_then(|f| {
                let size = f.bytes.as_ref().map_or(0, Bytes::len);
                budget = budget.checked_sub(size).ok_or_else(|| too_big(url))?;
                Ok(f)
            });
            match answer {
                Ok(f) => {
                    out.push(f);
                    continue;
                }
                Err(e) => failure = Some(e),
            }
        }
        out.push(FetchedMedia {
            source_url: url.clone(),
            content_type: guess_content_type(url).to_owned(),
            bytes: None,
        });
    }
    (out, failure)
}

/// Fetches the files of message `sid`'s media that have no bytes yet (for example an inbound
/// MMS's handset files) and stores what could be fetched, so the media URLs serve them. Files
/// that cannot be fetched stay without bytes; nothing fails.
#[allow(dead_code)] // for handsets (inbound MMS)
pub(crate) async fn fetch_into_state(core: &Core, sid: &MessageSid) {
    let wanted: Vec<(MediaSid, String)> = {
        let state = core.state();
        let Some(record) = state.find(sid) else {
            return;
        };
        record
            .media
            .iter()
            .filter(|m| m.bytes.is_none())
            .map(|m| (m.sid.clone(), m.source_url.clone()))
            .collect()
    };
    let mut budget = MAX_MESSAGE_BYTES;
    for (media_sid, url) in wanted {
        let Ok(f) = fetch(core, &url, budget).await else {
            continue;
        };
        if let Some(bytes) = f.bytes {
            budget -= bytes.len();
            core.state()
                .store_media_bytes(&media_sid, &f.content_type, bytes);
        }
    }
}

/// The Media resource JSON of `media` of message `record`.
fn resource(core: &Core, record: &Record, media: &MediaRecord) -> Media {
    let m = &record.message;
    Media {
        account_sid: core.account_sid.clone(),
        content_type: media.content_type.clone(),
        date_created: rfc2822(m.date_created),
        date_updated: rfc2822(m.date_created),
        parent_sid: m.sid.clone(),
        sid: media.sid.clone(),
        uri: Media::uri_for(&core.account_sid, &m.sid, &media.sid),
    }
}

/// `GET /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json`.
pub(crate) async fn list(
    State(core): State<Arc<Core>>,
    Path((account, message)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<MediaPage>, ApiReply> {
    live_only(&core, &headers, &account)?;
    let sid = MessageSid::parse(&message).map_err(|_| resource_not_found(&uri))?;
    let query = ListQuery::parse(
        uri.query(),
        &["DateCreated", "DateCreated<", "DateCreated>"],
    );
    query.check_page()?;
    let dates = DateFilter::from_query(&query, "DateCreated")?;
    let state = core.state();
    let record = state.find(&sid).ok_or_else(|| resource_not_found(&uri))?;
    let items: Vec<Media> = record
        .media
        .iter()
        .map(|m| resource(&core, record, m))
        .filter(|m| dates.matches(Some(&m.date_created)))
        .collect();
    let path = format!(
        "/{API_VERSION}/Accounts/{}/Messages/{}/Media.json",
        core.account_sid, record.message.sid
    );
    let page = paginate(&items, |m| m.sid.as_str(), false, &path, &query);
    Ok(Json(MediaPage {
        meta: page.meta,
        media_list: page.items,
    }))
}

/// The message and media SIDs of a media path, and whether it asked for JSON.
fn media_path(
    message: &str,
    file: &str,
    uri: &Uri,
) -> Result<(MessageSid, MediaSid, bool), ApiReply> {
    let (name, json) = match file.strip_suffix(".json") {
        Some(name) => (name, true),
        None => (file, false),
    };
    let message = MessageSid::parse(message).map_err(|_| resource_not_found(uri))?;
    let media = MediaSid::parse(name).map_err(|_| resource_not_found(uri))?;
    Ok((message, media, json))
}

/// `GET …/Media/{Sid}.json` (the resource) and `GET …/Media/{Sid}` (the file).
pub(crate) async fn fetch_one(
    State(core): State<Arc<Core>>,
    Path((account, message, file)): Path<(String, String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiReply> {
    live_only(&core, &headers, &account)?;
    let (message, media, json) = media_path(&message, &file, &uri)?;
    let state = core.state();
    let record = state
        .find(&message)
        .ok_or_else(|| resource_not_found(&uri))?;
    let item = record
        .media
        .iter()
        .find(|m| m.sid.as_str().eq_ignore_ascii_case(media.as_str()))
        .ok_or_else(|| resource_not_found(&uri))?;
    if json {
        return Ok(Json(resource(&core, record, item)).into_response());
    }
    Ok(match &item.bytes {
        Some(bytes) => (
            [(header::CONTENT_TYPE, item.content_type.clone())],
            bytes.clone(),
        )
            .into_response(),
        None => (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, item.source_url.clone())],
        )
            .into_response(),
    })
}

/// `DELETE …/Media/{Sid}.json`: 204 with an empty body.
pub(crate) async fn delete(
    State(core): State<Arc<Core>>,
    Path((account, message, file)): Path<(String, String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<StatusCode, ApiReply> {
    live_only(&core, &headers, &account)?;
    let (message, media, json) = media_path(&message, &file, &uri)?;
    if !json {
        return Err(resource_not_found(&uri).into());
    }
    let mut state = core.state();
    let record = state
        .find_mut(&message)
        .ok_or_else(|| resource_not_found(&uri))?;
    let before = record.media.len();
    record
        .media
        .retain(|m| !m.sid.as_str().eq_ignore_ascii_case(media.as_str()));
    if record.media.len() == before {
        return Err(resource_not_found(&uri).into());
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use axum::routing::get;
    use axum::Router;
    use serde_json::Value;

    const FROM: &str = "+14155550100";
    const TO: &str = "+14155552671";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really a png";

    /// A file server on loopback: `/cat.png` (image/png), `/card` (text/vcard; charset),
    /// `/big` (6 MB), `/three` (3 MB), `/missing` (404).
    async fn files() -> (String, tokio::task::JoinHandle<()>) {
        let app = Router::new()
            .route(
                "/cat.png",
                get(|| async { ([(header::CONTENT_TYPE, "image/png")], PNG) }),
            )
            .route(
                "/card",
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "text/vcard; charset=utf-8")],
                        "BEGIN:VCARD",
                    )
                }),
            )
            .route(
                "/raw.gif",
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "application/octet-stream")],
                        "GIF89a",
                    )
                }),
            )
            .route("/big", get(|| async { vec![0u8; 6 * 1024 * 1024] }))
            .route("/three", get(|| async { vec![0u8; 3 * 1024 * 1024] }))
            .route("/missing", get(|| async { StatusCode::NOT_FOUND }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        (base, task)
    }

    fn send_form(media: &[String]) -> String {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("To", TO)
            .append_pair("From", FROM)
            .append_pair("Body", "look");
        for m in media {
            form.append_pair("MediaUrl", m);
        }
        form.finish()
    }

    async fn get_auth(sim: &crate::Simulator, path: &str) -> reqwest::Response {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(format!("{}{path}", sim.base_url()))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .send()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn media_are_fetched_stored_listed_and_served() {
        let (base, _server) = files().await;
        let sim = start_sim(&[FROM]).await;
        let urls = [
            format!("{base}/cat.png"),
            format!("{base}/card"),
            format!("{base}/raw.gif"),
        ];
        let resp = post_form(&sim, &send_form(&urls)).await;
        assert_eq!(resp.status(), 201);
        let created: Value = resp.json().await.unwrap();
        let mm = "MM00000000000000000000000000000001";
        assert_eq!(created["sid"], mm);
        assert_eq!(created["num_media"], "3");
        assert_eq!(created["num_segments"], "1");
        assert_eq!(created["status"], "queued");

        let ac = sim.account_sid().to_owned();
        let list_path = created["subresource_uris"]["media"]
            .as_str()
            .unwrap()
            .to_owned();
        let resp = get_auth(&sim, &list_path).await;
        assert_eq!(resp.status(), 200);
        let page: Value = resp.json().await.unwrap();
        assert_eq!(page.as_object().unwrap().len(), 9);
        let list = page["media_list"].as_array().unwrap();
        assert_eq!(list.len(), 3);
        let me1 = "ME00000000000000000000000000000001";
        assert_eq!(
            list[0],
            serde_json::json!({
                "account_sid": ac,
                "content_type": "image/png",
                "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
                "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000",
                "parent_sid": mm,
                "sid": me1,
                "uri": format!("/2010-04-01/Accounts/{ac}/Messages/{mm}/Media/{me1}.json"),
            })
        );
        assert_eq!(list[1]["content_type"], "text/vcard");
        assert_eq!(list[2]["content_type"], "image/gif");
        assert_eq!(page["uri"], format!("{list_path}?PageSize=50&Page=0"));
        assert_eq!(page["next_page_uri"], Value::Null);

        // Paging and the DateCreated filters.
        let p: Value = get_auth(&sim, &format!("{list_path}?PageSize=2"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(p["media_list"].as_array().unwrap().len(), 2);
        let next = p["next_page_uri"].as_str().unwrap().to_owned();
        assert!(
            next.ends_with("PageSize=2&Page=1&PageToken=PAME00000000000000000000000000000002"),
            "{next}"
        );
        let p2: Value = get_auth(&sim, &next).await.json().await.unwrap();
        assert_eq!(
            p2["media_list"][0]["sid"],
            "ME00000000000000000000000000000003"
        );
        assert_eq!(p2["next_page_uri"], Value::Null);
        let none: Value = get_auth(&sim, &format!("{list_path}?DateCreated%3C=2023-08-23"))
            .await
            .json()
            .await
            .unwrap();
        assert!(none["media_list"].as_array().unwrap().is_empty());
        let all: Value = get_auth(&sim, &format!("{list_path}?DateCreated=2023-08-24"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(all["media_list"].as_array().unwrap().len(), 3);

        // The resource and the file.
        let item = list[0]["uri"].as_str().unwrap();
        let resp = get_auth(&sim, item).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.json::<Value>().await.unwrap(), list[0]);
        let file = item.strip_suffix(".json").unwrap();
        let resp = get_auth(&sim, file).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()[header::CONTENT_TYPE], "image/png");
        assert_eq!(resp.bytes().await.unwrap().as_ref(), PNG);
        // Basic auth is required for the file too.
        let resp = reqwest::get(format!("{}{file}", sim.base_url()))
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);

        // Delete one item: 204, empty; then it is gone.
        let resp = reqwest::Client::new()
            .delete(format!("{}{item}", sim.base_url()))
            .basic_auth(sim.account_sid(), Some(sim.auth_token()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
        assert!(resp.bytes().await.unwrap().is_empty());
        let resp = get_auth(&sim, item).await;
        assert_eq!(resp.status(), 404);
        assert_error_shape(&resp.json().await.unwrap(), 20404, 404);
        let after: Value = get_auth(&sim, &list_path).await.json().await.unwrap();
        assert_eq!(after["media_list"].as_array().unwrap().len(), 2);

        // Unknown message or media SIDs are 20404.
        for path in [
            format!("/2010-04-01/Accounts/{ac}/Messages/MM000000000000000000000000000000ff/Media.json"),
            format!("/2010-04-01/Accounts/{ac}/Messages/{mm}/Media/ME000000000000000000000000000000ff.json"),
            format!("/2010-04-01/Accounts/{ac}/Messages/{mm}/Media/ME000000000000000000000000000000ff"),
            format!("/2010-04-01/Accounts/{ac}/Messages/{mm}/Media/nope.json"),
        ] {
            let resp = get_auth(&sim, &path).await;
            assert_eq!(resp.status(), 404, "{path}");
            assert_error_shape(&resp.json().await.unwrap(), 20404, 404);
        }
    }

    #[tokio::test]
    async fn files_that_together_pass_5_mb_fail_at_the_file_that_passes_it() {
        let (base, _server) = files().await;
        let sim = start_sim(&[FROM]).await;
        let three = format!("{base}/three");
        let cat = format!("{base}/cat.png");
        let resp = post_form(&sim, &send_form(&[three.clone(), three.clone(), cat])).await;
        assert_eq!(resp.status(), 201);
        sim.run_due().await;
        let m = &sim.messages()[0];
        assert_eq!(m.error_code, Some(30019));
        assert!(sim.fails_for_media(&m.sid));
        // The first file fits and is kept; the second passes 5 MB; the third is not kept.
        let stored = sim.core.state().find(&m.sid).unwrap().media.clone();
        let kept: Vec<bool> = stored.iter().map(|x| x.bytes.is_some()).collect();
        assert_eq!(kept, [true, false, false]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_send_fetches_its_media_side_by_side_and_keeps_their_order() {
        // Each file is served only once all three have been asked for: fetched one after
        // another, the first would wait for the others until the client gives up (15 s).
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(3));
        let app = Router::new().route(
            "/{name}",
            get(move |Path(name): Path<String>| {
                let barrier = barrier.clone();
                async move {
                    barrier.wait().await;
                    let kind = if name.ends_with(".png") {
                        "image/png"
                    } else {
                        "text/vcard"
                    };
                    ([(header::CONTENT_TYPE, kind)], name)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let sim = start_sim(&[FROM]).await;
        let urls = ["a.png", "b.vcf", "c.png"].map(|n| format!("{base}/{n}"));
        let resp = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            post_form(&sim, &send_form(&urls)),
        )
        .await
        .expect("the three files are fetched at once");
        assert_eq!(resp.status(), 201);
        let record = sim.core.state().messages().remove(0);
        let types = sim.media_types(&record.sid).unwrap();
        assert_eq!(
            types,
            ["image/png", "text/vcard", "image/png"],
            "in MediaUrl order"
        );
        server.abort();
    }

    #[tokio::test]
    async fn unfetchable_media_fail_the_message_after_the_201_with_a_status_callback() {
        let (base, _server) = files().await;
        let app = start_receiver(200, "").await;
        let (sim, clock) = crate::delivery::testing::start().await;
        let missing = format!("{base}/missing");
        let after = format!("{base}/cat.png");
        let form = format!(
            "{}&StatusCallback={}",
            send_form(&[missing.clone(), after]),
            form_urlencoded::byte_serialize(format!("{}/status", app.base).as_bytes())
                .collect::<String>()
        );
        let resp = post_form(&sim, &form).await;
        assert_eq!(resp.status(), 201);
        let created: Value = resp.json().await.unwrap();
        assert_eq!(created["status"], "queued");
        assert_eq!(created["num_media"], "2");
        assert_eq!(
            sim.messages()[0].status.as_str(),
            "queued",
            "until the next run"
        );
        // Queued to failed is a change after creation: the status callback reports it (§3).
        assert_eq!(sim.run_due().await, 1);
        let stored = &sim.messages()[0];
        assert_eq!(stored.status.as_str(), "failed");
        assert_eq!(stored.error_code, Some(11200));
        assert!(stored.error_message.as_deref().unwrap().contains(&missing));
        let hit = &app.hits()[0];
        assert_eq!(hit.param("MessageStatus"), "failed");
        assert_eq!(hit.param("ErrorCode"), "11200");
        assert_eq!(sim.run_due().await, 0, "once");
        assert!(sim.fails_for_media(&stored.sid));

        // Scheduled: queued at its SendAt, with no error, then failed with it.
        let service = crate::test_support::pool(&sim, FROM);
        let send_at = crate::test_support::t0() + chrono::TimeDelta::seconds(300);
        let scheduled = format!(
            "{form}&MessagingServiceSid={}&ScheduleType=fixed&SendAt={}",
            service.sid.as_str(),
            form_urlencoded::byte_serialize(send_at.to_rfc3339().as_bytes()).collect::<String>()
        );
        let resp = post_form(&sim, &scheduled).await;
        assert_eq!(resp.status(), 201);
        let sid: Value = resp.json().await.unwrap();
        let sid = MessageSid::parse(sid["sid"].as_str().unwrap()).unwrap();
        assert!(sim.fails_for_media(&sid), "before its failed step too");
        clock.advance(300);
        assert_eq!(sim.run_due().await, 2);
        let hits = app.hits();
        let (queued, failed) = (&hits[1], &hits[2]);
        assert_eq!(queued.param("MessageStatus"), "queued");
        assert!(
            queued.params.iter().all(|(n, _)| n != "ErrorCode"),
            "{:?}",
            queued.params
        );
        assert_eq!(failed.param("MessageStatus"), "failed");
        assert_eq!(failed.param("ErrorCode"), "11200");
        // Media without bytes redirect to where they came from.
        let ac = sim.account_sid().to_owned();
        let mm = created["sid"].as_str().unwrap();
        let resp = get_auth(
            &sim,
            &format!(
                "/2010-04-01/Accounts/{ac}/Messages/{mm}/Media/ME00000000000000000000000000000001"
            ),
        )
        .await;
        assert_eq!(resp.status(), 307);
        assert_eq!(resp.headers()[header::LOCATION], missing.as_str());

        // A dead host and a file over 5 MB.
        let resp = post_form(&sim, &send_form(&[format!("{}/x.png", dead_url().await)])).await;
        assert_eq!(resp.status(), 201);
        let resp = post_form(&sim, &send_form(&[format!("{base}/big")])).await;
        assert_eq!(resp.status(), 201);
        sim.run_due().await;
        assert_eq!(sim.messages()[2].error_code, Some(11200));
        assert_eq!(sim.messages()[3].error_code, Some(30019));
        assert_eq!(sim.messages()[3].status.as_str(), "failed");
    }

    #[tokio::test]
    async fn inbound_media_bytes_can_be_stored_and_served() {
        let (base, _server) = files().await;
        let app = start_receiver(200, "").await;
        let sim = start_sim(&[FROM]).await;
        sim.set_sms_url(&format!("{}/sms", app.base));
        let d = sim
            .send_inbound(
                TO,
                FROM,
                "",
                &[format!("{base}/cat.png"), format!("{base}/missing")],
            )
            .await
            .unwrap();
        fetch_into_state(&sim.core, &d.sid).await;
        let hit = &app.hits()[0];
        let url = hit.param("MediaUrl0").to_owned();
        let path = url.strip_prefix(&sim.base_url()).unwrap();
        let resp = get_auth(&sim, path).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.bytes().await.unwrap().as_ref(), PNG);
        let second = hit
            .param("MediaUrl1")
            .strip_prefix(&sim.base_url())
            .unwrap()
            .to_owned();
        assert_eq!(get_auth(&sim, &second).await.status(), 307);
        assert!(!sim.core.state().store_media_bytes(
            &MediaSid::from_counter(99),
            "image/png",
            Bytes::from_static(b"x")
        ));
    }
}
