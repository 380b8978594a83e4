//! Phone-number checks with libphonenumber's metadata (`rlibphonenumber` 2.x), as Twilio's
//! 21211/21212 validation needs them.

use rlibphonenumber::{PhoneNumber, PhoneNumberFormat};

/// The number in `text`, when it carries a country calling code (`+…`) and libphonenumber finds it
/// valid for that country.
fn parse_valid(text: &str) -> Option<PhoneNumber> {
    PhoneNumber::parse(text, None)
        .ok()
        .filter(PhoneNumber::is_valid)
}

/// True when `text` is a valid phone number in international form, for example `+14155552671`
/// or `+1 (415) 555-2671`; false for national numbers, short codes, sender IDs, fictional
/// `+1 555 …` numbers, Ofcom's drama range `+44 7700 900…` and garbage.
pub(crate) fn is_valid(text: &str) -> bool {
    parse_valid(text).is_some()
}

/// Numbers each thread remembers the answer of [`to_e164`] for (then it forgets them all): as
/// many as the engine remembers (`E164::parse_remembered`), so that a soak's ten thousand
/// handsets stay remembered (at 4,096 the memo was emptied every few hundred messages, and
/// libphonenumber parsed the same handsets again: 3% of a 10,000-conversation soak). About
/// 8 MiB when full; a test's memo is smaller so that it can run past it quickly.
const REMEMBERED: usize = if cfg!(test) { 512 } else { 65_536 };

/// `text` in E.164 (`+14155552671`) when it is a valid number in international form, `None`
/// otherwise: [`is_valid`] and [`normalise`] in one parse. libphonenumber's parse is the
/// costliest step of a create, and an app sends to the same numbers again and again, so each
/// thread remembers its last [`REMEMBERED`] answers (the answer for a text never changes).
pub(crate) fn to_e164(text: &str) -> Option<String> {
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, Option<String>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(known) = SEEN.with_borrow(|seen| seen.get(text).cloned()) {
        return known;
    }
    let answer = parse_valid(text).map(|n| n.format_as(PhoneNumberFormat::E164).into_owned());
    SEEN.with_borrow_mut(|seen| {
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        seen.insert(text.to_owned(), answer.clone());
    });
    answer
}

/// `text` in its country's national format (`(415) 555-2671` for `+14155552671`), as Twilio
/// names a number by default; `None` unless it is a valid number in international form.
pub(crate) fn national(text: &str) -> Option<String> {
    parse_valid(text).map(|n| n.format_as(PhoneNumberFormat::National).into_owned())
}

/// The ISO 3166-1 alpha-2 region of `text` (`US` for `+14155552671`); `None` unless it is a
/// valid number of one region.
pub(crate) fn region(text: &str) -> Option<String> {
    parse_valid(text)?
        .get_region_code()
        .filter(|r| *r != rlibphonenumber::enums::Region::World)
        .map(|r| r.as_region_str().to_string())
}

/// `text` in E.164 (`+14155552671`) when it is a valid number, otherwise `text` unchanged.
pub(crate) fn normalise(text: &str) -> String {
    to_e164(text).unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_and_normalisation() {
        assert!(is_valid("+14155552671"));
        assert!(is_valid("+447911123456"));
        assert!(is_valid("+15005550006")); // Twilio's magic test sender
        assert_eq!(normalise("+1 (415) 555-2671"), "+14155552671");
        assert_eq!(
            to_e164("+1 (415) 555-2671").as_deref(),
            Some("+14155552671")
        );
        assert_eq!(national("+14155552671").as_deref(), Some("(415) 555-2671"));
        assert_eq!(region("+14155552671").as_deref(), Some("US"));
        assert_eq!(region("+447400123456").as_deref(), Some("GB"));
        assert_eq!((national("12345"), region("12345")), (None, None));
        for bad in [
            "",
            "Apple",
            "4155552671",
            "+1",
            "+6512",
            "+15558675310",
            "+447700900123",
        ] {
            assert!(!is_valid(bad), "{bad}");
            assert_eq!(normalise(bad), bad);
            assert_eq!(to_e164(bad), None);
        }
    }

    #[test]
    fn remembered_answers_are_the_parsed_ones() {
        // Past the cache's size (it is cleared then), every answer is still libphonenumber's.
        for round in 0..2 {
            for i in 0..(REMEMBERED + 10) {
                let text = format!("+1 415 555 {:04}", i % 10_000);
                let parsed =
                    parse_valid(&text).map(|n| n.format_as(PhoneNumberFormat::E164).into_owned());
                assert_eq!(to_e164(&text), parsed, "{text}, round {round}");
            }
            assert_eq!(to_e164("+6512"), None);
            assert_eq!(
                to_e164("+1 (415) 555-2671").as_deref(),
                Some("+14155552671")
            );
        }
    }
}
