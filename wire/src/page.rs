//! List pages of the 2010-04-01 API (§2.4; OAI `ListMessageResponse`, `ListMediaResponse`).
//!
//! A page is a JSON object with exactly the eight meta keys of [`PageMeta`] plus one list key
//! (`messages` in [`MessagePage`], `media_list` in [`MediaPage`]). The SDKs find the list by
//! elimination, so a page must never carry any other top-level key.
//!
//! Paging URIs are host-relative (`/2010-04-01/Accounts/AC…/Messages.json?…`); their query is
//! the request's filters in the order given, then `PageSize`, `Page` and, for the next and
//! previous pages, `PageToken`, form-encoded as Twilio writes them (`To=%2B1…`,
//! `DateSent%3E=2008-01-02`, spaces as `+`). Example (OAI `readFullPage1`):
//!
//! ```text
//! "uri":           "/2010-04-01/Accounts/AC…/Messages.json?To=%2B123456789&DateSent%3E=2008-01-02&PageSize=2&Page=0",
//! "next_page_uri": "/2010-04-01/Accounts/AC…/Messages.json?To=%2B123456789&DateSent%3E=2008-01-02&PageSize=2&Page=1&PageToken=PAMM…",
//! "page": 0, "page_size": 2, "start": 0, "end": 1, "previous_page_uri": null
//! ```

use serde::{Deserialize, Serialize};

use crate::message::{Media, Message};

/// The meta keys every v2010 list page carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageMeta {
    /// URI of page 0 with the same filters and page size (no `PageToken`).
    pub first_page_uri: String,
    /// Index of the last record on this page: `start + count - 1`, or `start` when the page is
    /// empty (the OAI empty examples show `start: 0, end: 0`).
    pub end: u64,
    /// URI of the previous page, `null` on the first one.
    pub previous_page_uri: Option<String>,
    /// URI of this page as requested (filters, `PageSize`, `Page`, and `PageToken` if given).
    pub uri: String,
    /// Records per page, 1..=1000.
    pub page_size: u64,
    /// Index of the first record on this page: `page × page_size`.
    pub start: u64,
    /// URI of the next page, `null` on the last one.
    pub next_page_uri: Option<String>,
    /// The page number (`Page`, 0-based; "simply for client state").
    pub page: u64,
}

/// Where a page sits and how to reach its neighbours; the input of [`PageMeta::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageLinks<'a> {
    /// The list's host-relative path, for example `/2010-04-01/Accounts/AC…/Messages.json`.
    pub path: &'a str,
    /// The filters as request query pairs (`("DateSent>", "2024-01-02")`), in request order.
    pub filters: &'a [(String, String)],
    /// Records per page.
    pub page_size: u64,
    /// This page's number.
    pub page: u64,
    /// The `PageToken` this page was requested with, if any.
    pub token: Option<&'a str>,
    /// How many records this page holds.
    pub count: u64,
    /// `PageToken` of the next page (`PA` + last SID here), `None` on the last page.
    pub next_token: Option<String>,
    /// `PageToken` of the previous page (`PB` + first SID here), `None` on the first page.
    pub previous_token: Option<String>,
}

impl PageMeta {
    /// The meta keys for the page described by `links`.
    pub fn new(links: &PageLinks<'_>) -> PageMeta {
        let uri = |page: u64, token: Option<&str>| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (name, value) in links.filters {
                query.append_pair(name, value);
            }
            query
                .append_pair("PageSize", &links.page_size.to_string())
                .append_pair("Page", &page.to_string());
            if let Some(token) = token {
                query.append_pair("PageToken", token);
            }
            format!("{}?{}", links.path, query.finish())
        };
        let start = links.page.saturating_mul(links.page_size);
        PageMeta {
            first_page_uri: uri(0, None),
            end: start
                .saturating_add(links.count)
                .saturating_sub(1)
                .max(start),
            previous_page_uri: links
                .previous_token
                .as_deref()
                .map(|t| uri(links.page.saturating_sub(1), Some(t))),
            uri: uri(links.page, links.token),
            page_size: links.page_size,
            start,
            next_page_uri: links
                .next_token
                .as_deref()
                .map(|t| uri(links.page.saturating_add(1), Some(t))),
            page: links.page,
        }
    }
}

/// A page of `GET …/Messages.json`: the meta keys and `messages`, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    /// The eight meta keys.
    #[serde(flatten)]
    pub meta: PageMeta,
    /// The records of this page.
    pub messages: Vec<Message>,
}

/// A page of `GET …/Messages/{Sid}/Media.json`: the meta keys and `media_list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaPage {
    /// The eight meta keys.
    #[serde(flatten)]
    pub meta: PageMeta,
    /// The records of this page.
    pub media_list: Vec<Media>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json";

    fn filters() -> Vec<(String, String)> {
        vec![
            ("To".into(), "+123456789".into()),
            ("From".into(), "+987654321".into()),
            ("DateSent>".into(), "2008-01-02".into()),
        ]
    }

    #[test]
    fn reproduces_the_oai_read_full_page1_meta() {
        let filters = filters();
        let meta = PageMeta::new(&PageLinks {
            path: PATH,
            filters: &filters,
            page_size: 2,
            page: 0,
            token: None,
            count: 2,
            next_token: Some("PAMMc26223853f8c46b4ab7dfaa6abba0a26".into()),
            previous_token: None,
        });
        let q = "To=%2B123456789&From=%2B987654321&DateSent%3E=2008-01-02&PageSize=2";
        assert_eq!(meta.uri, format!("{PATH}?{q}&Page=0"));
        assert_eq!(meta.first_page_uri, meta.uri);
        assert_eq!(
            meta.next_page_uri.as_deref(),
            Some(
                format!("{PATH}?{q}&Page=1&PageToken=PAMMc26223853f8c46b4ab7dfaa6abba0a26")
                    .as_str()
            )
        );
        assert_eq!(meta.previous_page_uri, None);
        assert_eq!(
            (meta.page, meta.page_size, meta.start, meta.end),
            (0, 2, 0, 1)
        );
    }

    #[test]
    fn empty_and_later_pages() {
        let none: Vec<(String, String)> =
            vec![("DateSent>".into(), "Wed, 19 Jun 2019 22:04:00 -0000".into())];
        let meta = PageMeta::new(&PageLinks {
            path: PATH,
            filters: &none,
            page_size: 25,
            page: 0,
            token: None,
            count: 0,
            next_token: None,
            previous_token: None,
        });
        assert_eq!((meta.start, meta.end), (0, 0));
        assert!(meta
            .uri
            .ends_with("?DateSent%3E=Wed%2C+19+Jun+2019+22%3A04%3A00+-0000&PageSize=25&Page=0"));
        let meta = PageMeta::new(&PageLinks {
            path: PATH,
            filters: &[],
            page_size: 50,
            page: 2,
            token: Some("PASM01"),
            count: 3,
            next_token: None,
            previous_token: Some("PBSM02".into()),
        });
        assert_eq!((meta.start, meta.end), (100, 102));
        assert_eq!(
            meta.uri,
            format!("{PATH}?PageSize=50&Page=2&PageToken=PASM01")
        );
        assert_eq!(
            meta.previous_page_uri.as_deref(),
            Some(format!("{PATH}?PageSize=50&Page=1&PageToken=PBSM02").as_str())
        );
    }

    #[test]
    fn pages_have_exactly_one_non_meta_key() {
        let meta = PageMeta::new(&PageLinks {
            path: PATH,
            filters: &[],
            page_size: 50,
            page: 0,
            token: None,
            count: 0,
            next_token: None,
            previous_token: None,
        });
        let v = serde_json::to_value(MessagePage {
            meta: meta.clone(),
            messages: vec![],
        })
        .unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "end",
                "first_page_uri",
                "messages",
                "next_page_uri",
                "page",
                "page_size",
                "previous_page_uri",
                "start",
                "uri"
            ]
        );
        assert!(v["next_page_uri"].is_null() && v["previous_page_uri"].is_null());
        let v = serde_json::to_value(MediaPage {
            meta,
            media_list: vec![],
        })
        .unwrap();
        assert!(v["media_list"].as_array().unwrap().is_empty());
        assert_eq!(v.as_object().unwrap().len(), 9);
    }
}
