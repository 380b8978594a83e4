//! RFC 2822 timestamps exactly as Twilio writes them in resource JSON (§2.3, §12 item 3):
//! English day and month abbreviations, a two-digit day, GMT and the literal `+0000`, for example
//! `Thu, 24 Aug 2023 05:01:45 +0000`.

use chrono::{DateTime, Utc};

use crate::WireError;

/// Formats `t` (whole seconds; sub-second precision is dropped) as Twilio does:
/// `Thu, 24 Aug 2023 05:01:45 +0000`.
pub fn rfc2822(t: DateTime<Utc>) -> String {
    with_rfc2822(t, str::to_owned)
}

/// [`rfc2822`] into `out`, replacing what it held and reusing its buffer: a field restamped
/// on every status change is rewritten without allocating.
pub fn write_rfc2822(t: DateTime<Utc>, out: &mut String) {
    with_rfc2822(t, |text| {
        out.clear();
        out.push_str(text);
    })
}

/// An instant shown as [`rfc2822`] writes it, without building a `String`: serialises as that
/// JSON string and displays as that text. For resources stored with typed dates and written
/// out on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rfc2822(pub DateTime<Utc>);

impl std::fmt::Display for Rfc2822 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        with_rfc2822(self.0, |text| f.write_str(text))
    }
}

impl serde::Serialize for Rfc2822 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        with_rfc2822(self.0, |text| serializer.serialize_str(text))
    }
}

/// Calls `f` with `t` formatted as [`rfc2822`] describes.
fn with_rfc2822<R>(t: DateTime<Utc>, f: impl FnOnce(&str) -> R) -> R {
    // The format string is parsed once (chrono's `to_rfc2822` would not pad the day).
    static ITEMS: std::sync::LazyLock<Vec<chrono::format::Item<'static>>> =
        std::sync::LazyLock::new(|| {
            chrono::format::StrftimeItems::new("%a, %d %b %Y %H:%M:%S +0000")
                .parse()
                .expect("a valid format")
        });
    // A busy simulator formats the same second many times over (every create and status
    // change stamps its instant): each thread keeps its last answer.
    thread_local! {
        static LAST: std::cell::RefCell<Option<(i64, String)>> = const { std::cell::RefCell::new(None) };
    }
    let second = t.timestamp();
    LAST.with_borrow_mut(|last| match last {
        Some((s, text)) if *s == second => f(text),
        _ => {
            let text = t.format_with_items(ITEMS.iter()).to_string();
            let out = f(&text);
            *last = Some((second, text));
            out
        }
    })
}

/// Parses an RFC 2822 date-time (any offset) into UTC, the inverse of [`rfc2822`].
///
/// # Errors
/// [`WireError::InvalidDate`] when `s` is not RFC 2822.
pub fn parse_rfc2822(s: &str) -> Result<DateTime<Utc>, WireError> {
    DateTime::parse_from_rfc2822(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| WireError::InvalidDate {
            value: s.to_owned(),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_the_oai_example() {
        let t = Utc.with_ymd_and_hms(2023, 8, 24, 5, 1, 45).unwrap();
        assert_eq!(rfc2822(t), "Thu, 24 Aug 2023 05:01:45 +0000");
    }

    #[test]
    fn the_wrapper_shows_and_serialises_the_same_text() {
        let t = Utc.with_ymd_and_hms(2023, 8, 24, 5, 1, 45).unwrap();
        assert_eq!(Rfc2822(t).to_string(), rfc2822(t));
        assert_eq!(
            serde_json::to_string(&Rfc2822(t)).unwrap(),
            "\"Thu, 24 Aug 2023 05:01:45 +0000\""
        );
    }

    #[test]
    fn write_replaces_the_text_in_place() {
        let t = Utc.with_ymd_and_hms(2023, 8, 24, 5, 1, 45).unwrap();
        let mut field = rfc2822(Utc.with_ymd_and_hms(2024, 2, 9, 23, 0, 0).unwrap());
        let buffer = field.as_ptr();
        write_rfc2822(t, &mut field);
        assert_eq!(field, "Thu, 24 Aug 2023 05:01:45 +0000");
        assert_eq!(field.as_ptr(), buffer, "the same buffer, no allocation");
        write_rfc2822(t + chrono::TimeDelta::days(1), &mut field);
        assert_eq!(field, "Fri, 25 Aug 2023 05:01:45 +0000");
    }

    #[test]
    fn the_same_second_twice_and_then_another_one() {
        let t = Utc.with_ymd_and_hms(2023, 8, 24, 5, 1, 45).unwrap();
        assert_eq!(rfc2822(t), rfc2822(t + chrono::Duration::milliseconds(500)));
        assert_eq!(
            rfc2822(t + chrono::Duration::seconds(1)),
            "Thu, 24 Aug 2023 05:01:46 +0000"
        );
        assert_eq!(rfc2822(t), "Thu, 24 Aug 2023 05:01:45 +0000");
    }

    #[test]
    fn pads_single_digit_days_and_drops_subseconds() {
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap()
            + chrono::Duration::milliseconds(999);
        assert_eq!(rfc2822(t), "Tue, 02 Jan 2024 03:04:05 +0000");
    }

    #[test]
    fn parses_what_it_formats_and_refuses_garbage() {
        let t = Utc.with_ymd_and_hms(2023, 11, 14, 22, 13, 20).unwrap();
        assert_eq!(parse_rfc2822(&rfc2822(t)).unwrap(), t);
        assert!(matches!(
            parse_rfc2822("2023-11-14T22:13:20Z"),
            Err(WireError::InvalidDate { .. })
        ));
    }
}
