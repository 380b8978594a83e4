//! List queries and paging shared by `GET …/Messages.json` and `GET …/Media.json` (§2.4, §2.5).
//!
//! * The query is form-decoded (`form_urlencoded`), so `DateSent%3E=…` and a literal
//!   `DateSent>=…` both give the key `DateSent>`; a `+` that was not percent-encoded arrives as a
//!   space, and a filter value starting with a space is read back with `+`.
//! * `PageSize`: default 50; values outside 1..=1000 are clamped into that range, and a value
//!   that is not an integer counts as absent (UNCONFIRMED: Twilio's answer to a bad `PageSize` is
//!   not documented for Messages; its error 20007 says "the maximum page size is 1000", but
//!   twilio-python's `messages.list(limit=5000)` sends `PageSize=5000` as it is, which a
//!   refusal would break, so the simulator clamps). `Page`: default 0; not a non-negative integer counts as 0; a `Page` whose
//!   records would be numbered past 2^64 − 1 is refused with 400 / 20001 (UNCONFIRMED).
//! * `PageToken`: `PA` + SID continues after that record (what `next_page_uri` carries, §2.4);
//!   `PB` + SID gives the page just before that record (what `previous_page_uri` carries;
//!   UNCONFIRMED, modelled on Twilio's own `PB` tokens). A record that has since been deleted
//!   still positions the page, by its SID counter. Without a usable token the page starts at
//!   record `Page × PageSize`.
//! * `start` = `Page × PageSize` and `end` = `start + count − 1` (`start` when empty), as §2.4
//!   infers them from the OAI examples; `uri` echoes the filters, `PageSize`, `Page` and any
//!   `PageToken`; `next_page_uri` is null on the last page, `previous_page_uri` on the first.
//!
//! Date filters (`DateSent`, `DateSent<`, `DateSent>`; `DateCreated…` for media): the value may
//! be a GMT date `YYYY-MM-DD`, an ISO 8601 date-time (`2024-01-02T00:00:00Z`, what the SDKs
//! send for a datetime; without an offset it is read as UTC), `YYYY-MM-DD HH:MM:SS[.fff]`,
//! RFC 2822, or `MM/DD/YYYY HH:MM:SS ZONE` (`06/11/2019 22:05:25 MST`, one of the OAI's
//! examples; UNCONFIRMED beyond it) whose zone is an offset `±HHMM`, `UTC`, or a name RFC 5322
//! knows: UT, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST, PDT (any case); another name (`CET`) is
//! refused. A year is four digits. Semantics, as the OAI descriptions give them for dates:
//!
//! | filter | date `D` | date-time `T` |
//! |---|---|---|
//! | `DateSent=` | sent on day `D` | sent on the GMT day of `T` |
//! | `DateSent<=` | sent on or before day `D` | sent at or before `T` |
//! | `DateSent>=` | sent on or after day `D` | sent at or after `T` |
//!
//! A message that has not been sent (`date_sent` null) never matches a `DateSent` filter. A value
//! that is none of these formats is refused with 400 / 20001 (UNCONFIRMED).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use twilio_wire::page::{PageLinks, PageMeta};
use twilio_wire::ApiError;

/// Records per page when `PageSize` is not given (§2.4).
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 50;
/// The largest `PageSize` (§2.4).
pub(crate) const MAX_PAGE_SIZE: u64 = 1000;

/// Which record a `PageToken` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    /// `PA` + SID: the page after this record.
    After(String),
    /// `PB` + SID: the page before this record.
    Before(String),
}

/// A decoded list request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ListQuery {
    /// The recognised filters, in request order, as given (first occurrence of each name).
    pub(crate) filters: Vec<(String, String)>,
    /// Records per page, 1..=1000.
    pub(crate) page_size: u64,
    /// `Page`, 0-based.
    pub(crate) page: u64,
    /// `PageToken` as given.
    pub(crate) raw_token: Option<String>,
}

impl ListQuery {
    /// Decodes `query` (the URI's query string, without `?`), keeping the filters named in
    /// `filter_names` and ignoring unknown parameters.
    pub(crate) fn parse(query: Option<&str>, filter_names: &[&str]) -> ListQuery {
        let mut q = ListQuery {
            filters: Vec::new(),
            page_size: DEFAULT_PAGE_SIZE,
            page: 0,
            raw_token: None,
        };
        for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match name.as_ref() {
                "PageSize" => {
                    if let Ok(n) = value.trim().parse::<i64>() {
                        q.page_size = n.clamp(1, MAX_PAGE_SIZE as i64) as u64;
                    }
                }
                "Page" => q.page = parse_page(&value),
                "PageToken" if !value.is_empty() => q.raw_token = Some(value.into_owned()),
                other
                    if filter_names.contains(&other)
                        && !value.is_empty()
                        && !q.filters.iter().any(|(n, _)| n == other) =>
                {
                    let value = match value.strip_prefix(' ') {
                        Some(rest) => format!("+{rest}"),
                        None => value.into_owned(),
                    };
                    q.filters.push((other.to_owned(), value));
                }
                _ => {}
            }
        }
        q
    }

    /// Checks that the page's first record number, `Page × PageSize`, and the one after the page
    /// are counted without overflow (they are the page's `start` and `end`).
    ///
    /// # Errors
    /// 400 / 20001 when `Page × PageSize + PageSize` exceeds 2^64 − 1 (for example
    /// `Page=18446744073709551615`); UNCONFIRMED: what Twilio answers is not documented.
    pub(crate) fn check_page(&self) -> Result<(), ApiError> {
        let after_page = self
            .page
            .checked_mul(self.page_size)
            .and_then(|start| start.checked_add(self.page_size));
        match after_page {
            Some(_) => Ok(()),
            None => Err(ApiError::new(
                20001,
                400,
                format!(
                    "Invalid Page: {} pages of {} records is past the end of any list; expected \
                     a Page whose records, Page × PageSize, are numbered below 2^64",
                    self.page, self.page_size
                ),
            )),
        }
    }

    /// The value of filter `name`, if given.
    pub(crate) fn filter(&self, name: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `PageToken`, when it is `PA`/`PB` + a SID.
    fn token(&self) -> Option<Token> {
        let raw = self.raw_token.as_deref()?;
        let sid = raw.get(2..).filter(|s| s.len() == 34)?.to_owned();
        match &raw[..2] {
            "PA" => Some(Token::After(sid)),
            "PB" => Some(Token::Before(sid)),
            _ => None,
        }
    }
}

/// `Page`: a non-negative integer; one too large for 64 bits reads as `u64::MAX` (and is then
/// refused by [`ListQuery::check_page`]); anything else counts as 0.
fn parse_page(value: &str) -> u64 {
    match value.trim().parse::<u64>() {
        Ok(n) => n,
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => u64::MAX,
        Err(_) => 0,
    }
}

/// The counter of a SID: its 32 hex digits as a number (the simulator's SIDs are counters).
pub(crate) fn sid_number(sid: &str) -> Option<u128> {
    u128::from_str_radix(sid.get(2..)?, 16).ok()
}

/// Where a page starts, as `query` asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    /// A `PA` token: the first record further along the list than the record numbered `n`.
    After(u128),
    /// A `PB` token: the page that ends just before the record numbered `n` (or, when fewer than
    /// a page precede it, the first page).
    Before(u128),
    /// No usable token: record number `Page × PageSize` (0-based) of the list.
    Offset(usize),
}

impl ListQuery {
    /// Where the page starts (see the module docs). A `PA`/`PB` token whose SID digits are not
    /// hex starts at the top of the list.
    pub(crate) fn start(&self) -> Start {
        match self.token() {
            Some(Token::After(t)) => sid_number(&t).map_or(Start::Offset(0), Start::After),
            Some(Token::Before(t)) => sid_number(&t).map_or(Start::Offset(0), Start::Before),
            None => Start::Offset((self.page as usize).saturating_mul(self.page_size as usize)),
        }
    }
}

/// A page of a list and whether records precede or follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Window<T> {
    /// The records on the page, in list order.
    pub(crate) items: Vec<T>,
    /// True when the list has records before the page.
    pub(crate) more_before: bool,
    /// True when the list has records after the page.
    pub(crate) more_after: bool,
}

/// One page cut from a list, with its meta keys.
pub(crate) struct Page<T> {
    /// The records on this page.
    pub(crate) items: Vec<T>,
    /// The meta keys.
    pub(crate) meta: PageMeta,
}

/// Cuts the window `query` asks for from `items` (the whole filtered list, in list order). `sid`
/// gives a record's SID; `descending` tells whether SID counters decrease along the list (newest
/// first) or increase. O(n) in `items`.
pub(crate) fn window<T: Clone>(
    items: &[T],
    sid: impl Fn(&T) -> &str,
    descending: bool,
    query: &ListQuery,
) -> Window<T> {
    let size = query.page_size as usize;
    // Is `item` further along the list than the record numbered `n`?
    let beyond = |item: &T, n: u128| {
        sid_number(sid(item)).is_some_and(|m| if descending { m < n } else { m > n })
    };
    let start = match query.start() {
        Start::After(n) => items
            .iter()
            .position(|i| beyond(i, n))
            .unwrap_or(items.len()),
        Start::Before(n) => {
            let end = items
                .iter()
                .position(|i| beyond(i, n) || sid_number(sid(i)) == Some(n))
                .unwrap_or(items.len());
            end.saturating_sub(size)
        }
        Start::Offset(o) => o.min(items.len()),
    };
    let end = (start + size).min(items.len());
    Window {
        items: items[start..end].to_vec(),
        more_before: start > 0,
        more_after: end < items.len(),
    }
}

/// The page of `window` with its meta keys for the list at `path`: `next_page_uri` carries a
/// `PA` token of the last record when records follow, `previous_page_uri` a `PB` token of the
/// first when records precede. `sid` gives a record's SID.
pub(crate) fn page_of<T>(
    window: Window<T>,
    sid: impl Fn(&T) -> &str,
    path: &str,
    query: &ListQuery,
) -> Page<T> {
    let page = window.items;
    let next_token = window
        .more_after
        .then(|| page.last().map(|i| format!("PA{}", sid(i))))
        .flatten();
    let previous_token = window
        .more_before
        .then(|| page.first().map(|i| format!("PB{}", sid(i))))
        .flatten();
    let meta = PageMeta::new(&PageLinks {
        path,
        filters: &query.filters,
        page_size: query.page_size,
        page: query.page,
        token: query.raw_token.as_deref(),
        count: page.len() as u64,
        next_token,
        previous_token,
    });
    Page { items: page, meta }
}

/// Cuts the page `query` asks for from `items` (the whole filtered list, in list order) and
/// builds its meta keys for the list at `path`: [`window`] then [`page_of`].
pub(crate) fn paginate<T: Clone>(
    items: &[T],
    sid: impl Fn(&T) -> &str,
    descending: bool,
    path: &str,
    query: &ListQuery,
) -> Page<T> {
    let w = window(items, &sid, descending, query);
    page_of(w, sid, path, query)
}

/// A parsed date filter value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum When {
    /// A whole GMT day.
    Day(NaiveDate),
    /// An instant.
    Instant(DateTime<Utc>),
}

/// Reads a date filter value in one of the formats of the module docs.
fn parse_when(value: &str) -> Option<When> {
    use chrono::Datelike as _;
    // chrono's `%Y` takes 1 to 4 digits: `19` would be the year 19, matching everything.
    let when = parse_any(value.trim())?;
    let year = match when {
        When::Day(d) => d.year(),
        When::Instant(t) => t.year(),
    };
    (year >= 1000).then_some(when)
}

/// [`parse_when`] before its check of the year.
fn parse_any(v: &str) -> Option<When> {
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Some(When::Day(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(When::Instant(t.with_timezone(&Utc)));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, format) {
            return Some(When::Instant(t.and_utc()));
        }
    }
    // The OAI's `06/11/2019 22:05:25 MST`: month/day/year, then a zone as RFC 5322 reads one
    // (an offset, or an obsolete name: UT, GMT, EST, EDT, CST, CDT, MST, MDT, PST, PDT), which
    // chrono's RFC 2822 parser knows.
    if let Ok((t, zone)) = NaiveDateTime::parse_and_remainder(v, "%m/%d/%Y %H:%M:%S") {
        let zone = match zone.trim() {
            z if z.eq_ignore_ascii_case("utc") => "GMT",
            z => z,
        };
        let rfc = format!("{} {zone}", t.format("%d %b %Y %H:%M:%S"));
        return twilio_wire::date::parse_rfc2822(&rfc)
            .ok()
            .map(When::Instant);
    }
    twilio_wire::date::parse_rfc2822(v).ok().map(When::Instant)
}

/// The three date filters on one field (`DateSent`, `DateSent<`, `DateSent>`), as bounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DateFilter {
    /// Inclusive lower bound.
    from: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    until: Option<DateTime<Utc>>,
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

impl DateFilter {
    /// The filter on `field` (`"DateSent"` or `"DateCreated"`) that `query` asks for.
    ///
    /// # Errors
    /// 400 / 20001 when a value is not a date or date-time of the module docs.
    pub(crate) fn from_query(query: &ListQuery, field: &str) -> Result<DateFilter, ApiError> {
        let mut f = DateFilter::default();
        for (suffix, name) in [
            ("", field.to_owned()),
            ("<", format!("{field}<")),
            (">", format!("{field}>")),
        ] {
            let Some(value) = query.filter(&name) else {
                continue;
            };
            let when = parse_when(value).ok_or_else(|| {
                ApiError::new(
                    20001,
                    400,
                    format!("Invalid {name} value '{value}': expected YYYY-MM-DD, an ISO 8601 date-time, RFC 2822 or MM/DD/YYYY HH:MM:SS with a zone"),
                )
            })?;
            let (lower, upper) = match when {
                When::Day(d) => (midnight(d), midnight(d) + Duration::days(1)),
                When::Instant(t) => match suffix {
                    "" => {
                        let d = t.date_naive();
                        (midnight(d), midnight(d) + Duration::days(1))
                    }
                    _ => (t, t + Duration::seconds(1)),
                },
            };
            match suffix {
                "" => {
                    f.raise(lower);
                    f.lower(upper);
                }
                "<" => f.lower(upper),
                _ => f.raise(lower),
            }
        }
        Ok(f)
    }

    fn raise(&mut self, lower: DateTime<Utc>) {
        self.from = Some(self.from.map_or(lower, |l| l.max(lower)));
    }

    fn lower(&mut self, upper: DateTime<Utc>) {
        self.until = Some(self.until.map_or(upper, |u| u.min(upper)));
    }

    /// The bounds in whole Unix seconds, for dates that are whole seconds (RFC 2822): lower
    /// inclusive, upper exclusive. A date `t` in whole seconds passes exactly when
    /// [`DateFilter::matches`] passes its RFC 2822 form.
    pub(crate) fn seconds(&self) -> (std::ops::Bound<i64>, std::ops::Bound<i64>) {
        use std::ops::Bound;
        // t >= x and t < x, for a whole t, are t >= ceil(x) and t < ceil(x).
        let ceil = |x: DateTime<Utc>| x.timestamp() + i64::from(x.timestamp_subsec_nanos() > 0);
        (
            self.from
                .map_or(Bound::Unbounded, |x| Bound::Included(ceil(x))),
            self.until
                .map_or(Bound::Unbounded, |x| Bound::Excluded(ceil(x))),
        )
    }

    /// True when no bound is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.from.is_none() && self.until.is_none()
    }

    /// Whether a record with this RFC 2822 date (`None`: not set) passes.
    pub(crate) fn matches(&self, rfc2822: Option<&str>) -> bool {
        if self.is_empty() {
            return true;
        }
        let Some(t) = rfc2822.and_then(|s| twilio_wire::date::parse_rfc2822(s).ok()) else {
            return false;
        };
        self.from.is_none_or(|l| t >= l) && self.until.is_none_or(|u| t < u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &["To", "From", "DateSent", "DateSent<", "DateSent>"];

    #[test]
    fn parses_literal_and_encoded_comparison_keys() {
        let q = ListQuery::parse(
            Some("To=%2B14155552671&DateSent%3E=2024-01-02T00%3A00%3A00Z&DateSent<=2024-02-01&PageSize=2&Page=1&PageToken=PASM00000000000000000000000000000009&Foo=bar"),
            NAMES,
        );
        assert_eq!(
            q.filters,
            [
                ("To".to_owned(), "+14155552671".to_owned()),
                ("DateSent>".to_owned(), "2024-01-02T00:00:00Z".to_owned()),
                ("DateSent<".to_owned(), "2024-02-01".to_owned()),
            ]
        );
        assert_eq!((q.page_size, q.page), (2, 1));
        assert_eq!(
            q.token(),
            Some(Token::After("SM00000000000000000000000000000009".into()))
        );
        let q = ListQuery::parse(Some("To=+14155552671&PageSize=5000&Page=x"), NAMES);
        assert_eq!(q.filter("To"), Some("+14155552671"));
        assert_eq!((q.page_size, q.page), (1000, 0));
        assert_eq!(ListQuery::parse(Some("PageSize=0"), NAMES).page_size, 1);
        assert_eq!(ListQuery::parse(None, NAMES).page_size, 50);
        assert_eq!(
            ListQuery::parse(Some("PageToken=nope"), NAMES).token(),
            None
        );
    }

    fn filter(query: &str) -> DateFilter {
        DateFilter::from_query(&ListQuery::parse(Some(query), NAMES), "DateSent").unwrap()
    }

    #[test]
    fn date_filters_follow_the_table() {
        let on_day = "Tue, 02 Jan 2024 13:00:00 +0000";
        let day_before = "Mon, 01 Jan 2024 23:59:59 +0000";
        let day_after = "Wed, 03 Jan 2024 00:00:00 +0000";
        let f = filter("DateSent=2024-01-02");
        assert!(
            f.matches(Some(on_day)) && !f.matches(Some(day_before)) && !f.matches(Some(day_after))
        );
        assert!(!f.matches(None));
        let f = filter("DateSent%3C=2024-01-02");
        assert!(
            f.matches(Some(on_day)) && f.matches(Some(day_before)) && !f.matches(Some(day_after))
        );
        let f = filter("DateSent%3E=2024-01-02");
        assert!(
            f.matches(Some(on_day)) && !f.matches(Some(day_before)) && f.matches(Some(day_after))
        );
        let f = filter("DateSent%3E=2024-01-02T13%3A00%3A00Z");
        assert!(f.matches(Some(on_day)) && !f.matches(Some("Tue, 02 Jan 2024 12:59:59 +0000")));
        let f = filter("DateSent<=2024-01-02T13:00:00Z");
        assert!(f.matches(Some(on_day)) && !f.matches(Some("Tue, 02 Jan 2024 13:00:01 +0000")));
        let f = filter("DateSent=2024-01-02T23:00:00%2B00:00");
        assert!(f.matches(Some(on_day)) && !f.matches(Some(day_after)));
        for other in [
            "2024-01-02 13:00:00.000",
            "Tue, 02 Jan 2024 13:00:00 -0000",
            "2024-01-02T13:00:00",
            "01/02/2024 06:00:00 MST",
            "01/02/2024 09:00:00 edt",
            "01/02/2024 13:00:00 +0000",
            "01/02/2024 13:00:00 UTC",
            "1/2/2024 13:00:00 GMT",
        ] {
            let q = format!(
                "DateSent%3E={}",
                form_urlencoded::byte_serialize(other.as_bytes()).collect::<String>()
            );
            // Each is 13:00:00 UTC exactly: the second before does not match.
            let f = filter(&q);
            assert!(
                f.matches(Some(on_day)) && !f.matches(Some("Tue, 02 Jan 2024 12:59:59 +0000")),
                "{other}"
            );
        }
        assert!(filter("").matches(None));
        // The OAI's example: 22:05:25 at UTC-7 is 05:05:25 UTC the next day.
        let f = filter("DateSent%3E=06%2F11%2F2019+22%3A05%3A25+MST");
        assert!(
            f.matches(Some("Wed, 12 Jun 2019 05:05:25 +0000"))
                && !f.matches(Some("Wed, 12 Jun 2019 05:05:24 +0000"))
        );
        for bad in [
            "06/11/2019 22:05:25",
            "06/11/2019 22:05:25 XYZ",
            "13/11/2019 22:05:25 MST",
            "06/11/19 22:05:25 MST",
            "19-06-11",
        ] {
            let q = format!(
                "DateSent={}",
                form_urlencoded::byte_serialize(bad.as_bytes()).collect::<String>()
            );
            let err =
                DateFilter::from_query(&ListQuery::parse(Some(&q), NAMES), "DateSent").unwrap_err();
            assert_eq!((err.code, err.status), (20001, 400), "{bad}");
        }
        let err = DateFilter::from_query(
            &ListQuery::parse(Some("DateSent=yesterday"), NAMES),
            "DateSent",
        )
        .unwrap_err();
        assert_eq!((err.code, err.status), (20001, 400));
    }

    #[derive(Clone, Debug, PartialEq)]
    struct Item(String);

    fn items(n: u64) -> Vec<Item> {
        (1..=n)
            .rev()
            .map(|i| Item(twilio_wire::sid::MessageSid::sms(i).to_string()))
            .collect()
    }

    #[test]
    fn pages_walk_forward_and_back_by_token() {
        let all = items(5); // SM5, SM4, ..., SM1 (newest first)
        let path = "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";
        let q = ListQuery::parse(Some("PageSize=2"), NAMES);
        let p0 = paginate(&all, |i| i.0.as_str(), true, path, &q);
        assert_eq!(p0.items, all[0..2]);
        assert_eq!((p0.meta.start, p0.meta.end, p0.meta.page), (0, 1, 0));
        assert_eq!(p0.meta.previous_page_uri, None);
        let next = p0.meta.next_page_uri.clone().unwrap();
        assert_eq!(
            next,
            format!("{path}?PageSize=2&Page=1&PageToken=PA{}", all[1].0)
        );
        let q1 = ListQuery::parse(next.split_once('?').map(|(_, q)| q), NAMES);
        let p1 = paginate(&all, |i| i.0.as_str(), true, path, &q1);
        assert_eq!(p1.items, all[2..4]);
        assert_eq!((p1.meta.start, p1.meta.end), (2, 3));
        assert_eq!(p1.meta.uri, next);
        let prev = p1.meta.previous_page_uri.clone().unwrap();
        let qb = ListQuery::parse(prev.split_once('?').map(|(_, q)| q), NAMES);
        assert_eq!(
            paginate(&all, |i| i.0.as_str(), true, path, &qb).items,
            all[0..2]
        );
        let q2 = ListQuery::parse(
            p1.meta
                .next_page_uri
                .as_deref()
                .and_then(|u| u.split_once('?'))
                .map(|(_, q)| q),
            NAMES,
        );
        let p2 = paginate(&all, |i| i.0.as_str(), true, path, &q2);
        assert_eq!(p2.items, all[4..5]);
        assert_eq!(p2.meta.next_page_uri, None);
        assert_eq!((p2.meta.start, p2.meta.end), (4, 4));
        // A token whose record is gone still positions the page by its counter.
        let mut fewer = all.clone();
        fewer.remove(1); // SM4 deleted
        let p = paginate(&fewer, |i| i.0.as_str(), true, path, &q1);
        assert_eq!(p.items, [all[2].clone(), all[3].clone()]);
        // Page without a token is an offset; past the end is an empty page.
        let q = ListQuery::parse(Some("PageSize=2&Page=2"), NAMES);
        assert_eq!(
            paginate(&all, |i| i.0.as_str(), true, path, &q).items,
            all[4..5]
        );
        let q = ListQuery::parse(Some("PageSize=2&Page=9"), NAMES);
        let p = paginate(&all, |i| i.0.as_str(), true, path, &q);
        assert!(p.items.is_empty());
        assert_eq!((p.meta.start, p.meta.end), (18, 18));
        // Ascending lists (media) work the same way.
        let asc: Vec<Item> = all.iter().rev().cloned().collect();
        let q = ListQuery::parse(Some(&format!("PageSize=2&PageToken=PA{}", asc[1].0)), NAMES);
        assert_eq!(
            paginate(&asc, |i| i.0.as_str(), false, path, &q).items,
            asc[2..4]
        );
    }
}
