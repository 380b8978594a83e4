//! Phone numbers in E.164, parsed with Google's libphonenumber metadata.
//!
//! Implements rows PHONE-1..4 and COMPOSE-5 (`../shared/spec/rows.md`): a number already in E.164 is
//! accepted unchanged, a national number is converted with the requester's region (or the default
//! region), and anything that cannot be a phone number is refused with a [`PhoneError`].
//!
//! Parsing goes through `rlibphonenumber` 2.x, a port of libphonenumber kept in step with Google's
//! metadata; `tests/data/phone_corpus.jsonl` pins it to the reference implementation (see
//! `tools/phone_corpus.py` and the README for why not the `phonenumber` crate).
//!
//! [`validation_json`] and [`validate_lines`] are the `validate-number` logic: one JSON verdict per
//! number.

use std::fmt;
use std::io::{self, BufRead, BufWriter, Write};
use std::str::FromStr;

use rlibphonenumber::enums::Region as LibRegion;
use rlibphonenumber::{PhoneNumber, PhoneNumberFormat, PHONE_NUMBER_UTIL};
use serde::Serialize;

/// A phone number in E.164: `+`, a country calling code and the national number, 8 to 16
/// characters in all, digits only after the `+` (for example `+14155552671`).
///
/// [`E164::parse`] builds one only for a number libphonenumber finds valid: every number an
/// agent or a record gives. [`E164::from_provider`] also takes a number the provider delivered
/// a text from, in E.164, that libphonenumber's metadata does not (yet) know: the carrier
/// routed it, so it exists.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct E164(String);

/// An ISO 3166-1 alpha-2 region known to libphonenumber's metadata, in upper case (`US`, `GB`).
///
/// Never the non-geographic entity `001`, and never a code libphonenumber has no metadata for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Region(LibRegion);

/// Why a text is not a valid phone number (PHONE-4).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// The text is empty or blank.
    #[error("the phone number is empty; expected a number such as +14155552671")]
    Empty,
    /// libphonenumber could not parse the text as a phone number at all (letters, too few digits,
    /// an unknown country calling code, or a national number with no region to read it in).
    #[error("'{input}' is not a phone number ({reason}); expected E.164 such as +14155552671, or a national number with a known region")]
    Unparseable {
        /// The text as given.
        input: String,
        /// libphonenumber's reason.
        reason: String,
    },
    /// The text parses, but no number of that country has that length or prefix.
    #[error("'{input}' is not a valid number for {region}; expected a number that exists in the numbering plan")]
    Invalid {
        /// The text as given.
        input: String,
        /// Where libphonenumber places the number: its region (`GB`) when the calling code and
        /// prefix tell one, otherwise `calling code +N` (an unassigned prefix of a shared code such
        /// as +1, or a non-geographic code such as +800).
        region: String,
    },
    /// The region code is not an ISO 3166-1 alpha-2 region that libphonenumber knows.
    #[error("'{0}' is not a region libphonenumber knows; expected an ISO 3166-1 alpha-2 code such as US, GB or FR")]
    UnknownRegion(String),
}

impl E164 {
    /// Parses `input` (E.164, international or national format, with any punctuation) as a phone
    /// number, reading national numbers in `default_region`.
    ///
    /// A number written with its country calling code (`+55 11 96123-4567`, `00 55 …` when the
    /// default region dials out with `00`) keeps its country whatever `default_region` is.
    ///
    /// # Errors
    /// [`PhoneError::Empty`] for blank input, [`PhoneError::Unparseable`] when libphonenumber cannot
    /// parse it, [`PhoneError::Invalid`] when it parses but is not a valid number.
    pub fn parse(input: &str, default_region: Option<Region>) -> Result<E164, PhoneError> {
        check(input, default_region).map(|(e164, _)| e164)
    }

    /// [`E164::parse`] of `input` with no default region, remembering the valid numbers per
    /// thread (up to [`REMEMBERED_PER_THREAD`], then it starts afresh): for texts that come back
    /// on every message, such as a webhook's `From` and `To` or a stored number read back, where
    /// libphonenumber's check costs microseconds each time. The outcome depends on the text alone,
    /// so a remembered number is the one `parse` gives; a refusal is not remembered (it is
    /// checked again, and its error says why each time).
    ///
    /// # Errors
    /// As [`E164::parse`].
    pub fn parse_remembered(input: &str) -> Result<E164, PhoneError> {
        REMEMBERED.with(|memo| {
            if let Some(known) = memo.borrow().get(input) {
                return Ok(known.clone());
            }
            let number = E164::parse(input, None)?;
            let mut memo = memo.borrow_mut();
            if memo.len() >= REMEMBERED_PER_THREAD {
                memo.clear();
            }
            memo.insert(input.to_owned(), number.clone());
            Ok(number)
        })
    }

    /// A webhook's `From` or `To` as Twilio gives it: [`E164::parse_remembered`] of it (any
    /// valid number, in E.164 or written with punctuation), or, when libphonenumber parses it
    /// but finds it not valid (a number range newer than its metadata, say `+12005550100`), the
    /// text itself when it is strictly E.164: `+`, a country calling code libphonenumber knows
    /// and 8 to 15 digits in all. A requester's text is never lost to a metadata table; a reply
    /// to such a number is the provider's to refuse (Twilio's 21211, recorded on the failed
    /// message, PROVIDER-2).
    ///
    /// # Errors
    /// As [`E164::parse`] for anything else: blank, not a number, or a number libphonenumber
    /// finds not valid that is not written in strict E.164 (`+1 200 555 0100`).
    pub fn from_provider(input: &str) -> Result<E164, PhoneError> {
        match E164::parse_remembered(input) {
            Err(PhoneError::Invalid { .. }) if is_strict_e164(input) => Ok(E164(input.to_owned())),
            other => other,
        }
    }

    /// The number as text, `+` and digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The region the number belongs to, for example `GB` for `+447400123456`; `None` for
    /// non-geographic numbers (`+800…`).
    pub fn region(&self) -> Option<Region> {
        PhoneNumber::parse(&self.0, None)
            .ok()
            .and_then(|n| number_region(&n))
    }
}

/// How many valid numbers [`E164::parse_remembered`] keeps per thread before it starts afresh
/// (about 6 MiB when full).
pub const REMEMBERED_PER_THREAD: usize = 65_536;

thread_local! {
    /// The texts [`E164::parse_remembered`] found valid on this thread, with their number.
    static REMEMBERED: std::cell::RefCell<std::collections::HashMap<String, E164>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Parses and validates; on success the E.164 text and the number's region (`None` for
/// non-geographic numbers).
fn check(
    input: &str,
    default_region: Option<Region>,
) -> Result<(E164, Option<Region>), PhoneError> {
    if input.trim().is_empty() {
        return Err(PhoneError::Empty);
    }
    let number = PhoneNumber::parse(input, default_region.map(|r| r.0)).map_err(|e| {
        PhoneError::Unparseable {
            input: input.to_owned(),
            reason: e.to_string(),
        }
    })?;
    let region = number_region(&number);
    if !number.is_valid() {
        return Err(PhoneError::Invalid {
            input: input.to_owned(),
            region: region
                .map(|r| r.to_string())
                .unwrap_or_else(|| format!("calling code +{}", number.country_code)),
        });
    }
    Ok((
        E164(number.format_as(PhoneNumberFormat::E164).into_owned()),
        region,
    ))
}

/// True for `+` and 8 to 15 digits, the first not 0: E.164's shape (ITU-T E.164: at most 15
/// digits), nothing else.
fn is_strict_e164(text: &str) -> bool {
    text.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

/// libphonenumber's region for a parsed number, `None` for non-geographic (`001`) or unknown.
fn number_region(number: &PhoneNumber) -> Option<Region> {
    number
        .get_region_code()
        .filter(|r| *r != LibRegion::World)
        .map(Region)
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for E164 {
    type Err = PhoneError;
    /// Parses with no default region: the text must carry its country calling code.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        E164::parse(s, None)
    }
}

impl Region {
    /// Parses a two-letter region code, in any case and with surrounding blanks (` gb` → `GB`).
    ///
    /// # Errors
    /// [`PhoneError::UnknownRegion`] when libphonenumber's metadata has no such region (including
    /// `001`, the non-geographic entity, and two-letter codes such as `XX` or `ZZ`).
    pub fn parse(code: &str) -> Result<Region, PhoneError> {
        let upper = code.trim().to_ascii_uppercase();
        LibRegion::from_code(&upper)
            .ok()
            .filter(|r| {
                *r != LibRegion::World
                    && PHONE_NUMBER_UTIL.get_country_code_for_region(*r).is_some()
            })
            .map(Region)
            .ok_or_else(|| PhoneError::UnknownRegion(code.to_owned()))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_region_str().as_str())
    }
}

impl FromStr for Region {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::parse(s)
    }
}

/// One verdict of `validate-number`; field order is the order of the printed JSON.
#[derive(Serialize)]
struct Verdict<'a> {
    input: &'a str,
    valid: bool,
    e164: Option<&'a str>,
    region: Option<String>,
    error: Option<String>,
}

fn verdict<'a>(
    input: &'a str,
    checked: &'a Result<(E164, Option<Region>), PhoneError>,
) -> Verdict<'a> {
    match checked {
        Ok((e164, region)) => Verdict {
            input,
            valid: true,
            e164: Some(e164.as_str()),
            region: region.map(|r| r.to_string()),
            error: None,
        },
        Err(e) => Verdict {
            input,
            valid: false,
            e164: None,
            region: None,
            error: Some(e.to_string()),
        },
    }
}

/// The `validate-number` verdict on one text, as a JSON object with exactly these five keys:
///
/// ```json
/// {"input": "+44 7400 123456", "valid": true, "e164": "+447400123456", "region": "GB", "error": null}
/// {"input": "+33 1234", "valid": false, "e164": null, "region": null,
///  "error": "'+33 1234' is not a valid number for FR; expected a number that exists in the numbering plan"}
/// ```
///
/// - `input`: `input` unchanged (string).
/// - `valid`: whether [`E164::parse`] accepts it with `default_region` (boolean).
/// - `e164`: the number in E.164 (`+` and 7 to 15 digits) when valid, else `null`.
/// - `region`: the ISO 3166-1 alpha-2 region the number belongs to when valid, `null` when not
///   valid or when the number is non-geographic (`+800…`, `+882…`).
/// - `error`: `null` when valid, else the Display text of the [`PhoneError`]: [`PhoneError::Empty`]
///   for blank input, [`PhoneError::Unparseable`] for text libphonenumber cannot read as a number,
///   [`PhoneError::Invalid`] for a number that does not exist in its numbering plan.
///
/// Never fails: every problem is reported in `error`.
pub fn validation_json(input: &str, default_region: Option<Region>) -> serde_json::Value {
    let checked = check(input, default_region);
    serde_json::to_value(verdict(input, &checked)).expect("a verdict always serialises")
}

/// Reads `input` line by line and writes, for each line, its [`validation_json`] verdict as one
/// line of compact JSON to `output` (keys in the order `input`, `valid`, `e164`, `region`,
/// `error`), reading national numbers in `default_region`.
///
/// Lines end with `\n` or `\r\n`; the terminator is not part of the number. Every input line gets
/// exactly one output line, in order, including blank lines (`"valid": false` with the
/// [`PhoneError::Empty`] text) and a last line without a terminator; an empty input gives no output.
/// A line that is not UTF-8 text is not a valid number (its `error` says so), and `input` shows
/// its invalid bytes as U+FFFD. Output is buffered internally (no need to wrap `output` in a `BufWriter`) and
/// flushed before returning; throughput is in the order of a microsecond per line in release builds.
///
/// Returns how many lines were read (= objects written) and how many of them were not valid.
///
/// # Errors
/// Any [`io::Error`] from reading `input` or from writing or flushing `output`; lines already
/// validated may have been written when it happens.
pub fn validate_lines(
    mut input: impl BufRead,
    output: impl Write,
    default_region: Option<Region>,
) -> io::Result<Tally> {
    let mut out = BufWriter::with_capacity(64 * 1024, output);
    let mut buf = Vec::with_capacity(256);
    let mut tally = Tally::default();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        let valid = match std::str::from_utf8(&buf) {
            Ok(line) => {
                let checked = check(line, default_region);
                serde_json::to_writer(&mut out, &verdict(line, &checked))
                    .map_err(io::Error::from)?;
                checked.is_ok()
            }
            // Not text: said so, not read as the number its valid bytes spell.
            Err(_) => {
                let line = String::from_utf8_lossy(&buf);
                let not_text = Verdict {
                    input: &line,
                    valid: false,
                    e164: None,
                    region: None,
                    error: Some(
                        "the line is not UTF-8 text (its invalid bytes are shown as \u{fffd}); \
                         expected a phone number"
                            .to_owned(),
                    ),
                };
                serde_json::to_writer(&mut out, &not_text).map_err(io::Error::from)?;
                false
            }
        };
        out.write_all(b"\n")?;
        tally.lines += 1;
        tally.invalid += u64::from(!valid);
    }
    out.flush()?;
    Ok(tally)
}

/// What [`validate_lines`] read: lines, and how many of them were not valid numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Lines read, each answered by one JSON object.
    pub lines: u64,
    /// Lines whose verdict is `"valid": false`.
    pub invalid: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn e164_passes_unchanged() {
        let n = E164::parse("+14155552671", None).unwrap();
        assert_eq!(n.as_str(), "+14155552671");
        assert_eq!(n.region().unwrap().to_string(), "US");
    }

    #[test]
    fn a_remembered_parse_answers_as_parse_does_the_first_time_and_after() {
        for input in [
            "+14155552671",
            "+44 7400 123456",
            "+1415",
            "",
            "(415) 555-2671",
        ] {
            for _ in 0..2 {
                assert_eq!(
                    E164::parse_remembered(input),
                    E164::parse(input, None),
                    "{input}"
                );
            }
        }
        // A refusal is not remembered: the memo holds only valid numbers, by their text.
        REMEMBERED.with(|memo| {
            let memo = memo.borrow();
            assert!(memo.contains_key("+14155552671") && memo.contains_key("+44 7400 123456"));
            assert!(!memo.contains_key("+1415") && !memo.contains_key(""));
        });
    }

    #[test]
    fn the_provider_s_numbers_are_taken_in_e164_even_where_the_metadata_does_not_know_them() {
        // Valid: as parse gives it.
        assert_eq!(
            E164::from_provider("+14155552671"),
            E164::parse("+14155552671", None)
        );
        // Area code 200 is not assigned: invalid to libphonenumber, taken as delivered.
        assert!(matches!(
            E164::parse("+12005550100", None),
            Err(PhoneError::Invalid { .. })
        ));
        assert_eq!(
            E164::from_provider("+12005550100").unwrap().as_str(),
            "+12005550100"
        );
        // Not E.164, or not a number: refused as parse refuses them.
        for bad in [
            "+1 200 555 0100",
            "(200) 555-0100",
            "+1415",
            "",
            "whatsapp:+12005550100",
        ] {
            assert!(E164::from_provider(bad).is_err(), "{bad}");
        }
        assert!(!is_strict_e164("+0123456789"));
        assert!(!is_strict_e164("+1234567890123456"), "16 digits");
        assert!(is_strict_e164("+123456789012345"));
    }

    #[test]
    fn international_number_keeps_its_country_whatever_the_default_region() {
        let n = E164::parse("+55 11 96123-4567", Some(Region::parse("US").unwrap())).unwrap();
        assert_eq!(n.as_str(), "+5511961234567");
        assert_eq!(n.region().unwrap().to_string(), "BR");
    }

    #[test]
    fn national_number_uses_region() {
        let gb = Region::parse("gb").unwrap();
        assert_eq!(
            E164::parse("07400 123456", Some(gb)).unwrap().as_str(),
            "+447400123456"
        );
    }

    #[test]
    fn non_geographic_number_has_no_region() {
        let n = E164::parse("+800 1234 5678", None).unwrap();
        assert_eq!(n.as_str(), "+80012345678");
        assert_eq!(n.region(), None);
    }

    #[test]
    fn garbage_is_refused_with_reason() {
        let err = E164::parse("call me maybe", None).unwrap_err();
        assert!(matches!(err, PhoneError::Unparseable { .. }), "{err:?}");
        assert!(matches!(E164::parse("  ", None), Err(PhoneError::Empty)));
        for code in ["XX", "ZZ", "001", "", "USA", "u"] {
            assert!(
                matches!(Region::parse(code), Err(PhoneError::UnknownRegion(_))),
                "{code:?}"
            );
        }
        assert_eq!(Region::parse(" us ").unwrap().to_string(), "US");
    }

    #[test]
    fn invalid_number_names_its_region_not_the_default() {
        let us = Region::parse("US").ok();
        let err = E164::parse("+33 1234", us).unwrap_err();
        assert_eq!(
            err,
            PhoneError::Invalid {
                input: "+33 1234".into(),
                region: "FR".into()
            }
        );
        let err = E164::parse("+1 000 253 0000", us).unwrap_err();
        assert!(err.to_string().contains("calling code +1;"), "{err}");
        // +44 is shared by GB, GG, IM and JE: an invalid +44 number belongs to none of them.
        let err = E164::parse("+44 7700 900123", us).unwrap_err();
        assert!(err.to_string().contains("calling code +44;"), "{err}");
    }

    #[test]
    fn validation_json_shapes() {
        let gb = Region::parse("GB").ok();
        assert_eq!(
            validation_json("07400 123456", gb),
            json!({"input": "07400 123456", "valid": true, "e164": "+447400123456", "region": "GB", "error": null})
        );
        assert_eq!(
            validation_json("+800 1234 5678", None),
            json!({"input": "+800 1234 5678", "valid": true, "e164": "+80012345678", "region": null, "error": null})
        );
        let v = validation_json("+33 1234", None);
        assert_eq!(
            v,
            json!({"input": "+33 1234", "valid": false, "e164": null, "region": null,
                   "error": PhoneError::Invalid { input: "+33 1234".into(), region: "FR".into() }.to_string()})
        );
        let v = validation_json("07400 123456", None);
        assert_eq!(v["valid"], false);
        assert!(v["error"]
            .as_str()
            .unwrap()
            .starts_with("'07400 123456' is not a phone number ("));
        assert_eq!(
            validation_json("", None)["error"],
            PhoneError::Empty.to_string()
        );
        assert_eq!(v.as_object().unwrap().len(), 5);
    }

    #[test]
    fn validate_lines_one_object_per_line_in_order() {
        let input =
            b"+14155552671\r\n\n07400 123456\nnot a number\n\xff+14155552671\n+447400123456";
        let mut out = Vec::new();
        let n = validate_lines(&input[..], &mut out, Region::parse("GB").ok()).unwrap();
        assert_eq!(
            n,
            Tally {
                lines: 6,
                invalid: 3
            }
        );
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(text.ends_with('\n'));
        assert_eq!(
            lines[0],
            r#"{"input":"+14155552671","valid":true,"e164":"+14155552671","region":"US","error":null}"#
        );
        let parsed: Vec<serde_json::Value> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed[1]["error"], PhoneError::Empty.to_string());
        assert_eq!(parsed[2]["e164"], "+447400123456");
        assert_eq!(parsed[3]["valid"], false);
        assert_eq!(parsed[4]["input"], "\u{fffd}+14155552671");
        assert_eq!(
            parsed[4]["valid"], false,
            "a line that is not text is not a number"
        );
        assert!(parsed[4]["error"]
            .as_str()
            .unwrap()
            .starts_with("the line is not UTF-8 text"));
        assert_eq!(parsed[5]["region"], "GB");
        for (line, v) in ["+14155552671", "", "07400 123456", "not a number"]
            .iter()
            .zip(&parsed)
        {
            assert_eq!(*v, validation_json(line, Region::parse("GB").ok()));
        }
        let mut out = Vec::new();
        assert_eq!(
            validate_lines(&b""[..], &mut out, None).unwrap(),
            Tally::default()
        );
        assert!(out.is_empty());
    }

    #[test]
    fn validate_lines_reports_write_errors() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::Error::other("disk full"))
            }
        }
        let err = validate_lines(&b"+14155552671\n"[..], Broken, None).unwrap_err();
        assert_eq!(err.to_string(), "disk full");
    }

    /// One line of `tests/data/phone_corpus.jsonl` (written by `tools/phone_corpus.py` with the
    /// Python port of libphonenumber, same metadata version).
    #[derive(serde::Deserialize)]
    struct CorpusLine {
        input: String,
        default_region: Option<String>,
        parsed: bool,
        valid: bool,
        e164: Option<String>,
        number_region: Option<String>,
    }

    /// What rlibphonenumber says about one corpus input, in the corpus's terms.
    #[derive(Debug, PartialEq)]
    struct Outcome {
        parsed: bool,
        valid: bool,
        e164: Option<String>,
        number_region: Option<String>,
    }

    #[test]
    fn agrees_with_libphonenumber_on_the_whole_corpus() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/phone_corpus.jsonl");
        let text = std::fs::read_to_string(path).expect("tests/data/phone_corpus.jsonl");
        let mut total = 0usize;
        let mut agree = 0usize;
        let mut disagreements = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let c: CorpusLine =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("corpus line {}: {e}", i + 1));
            total += 1;
            let region = match c.default_region.as_deref().map(Region::parse).transpose() {
                Ok(r) => r,
                Err(e) => {
                    disagreements.push(format!("line {}: default region: {e}", i + 1));
                    continue;
                }
            };
            let expected = Outcome {
                parsed: c.parsed,
                valid: c.valid,
                e164: c.e164,
                number_region: c.number_region,
            };
            // rlibphonenumber itself, exactly as the corpus describes libphonenumber.
            let lib = match PhoneNumber::parse(&c.input, region.map(|r| r.0)) {
                Err(_) => Outcome {
                    parsed: false,
                    valid: false,
                    e164: None,
                    number_region: None,
                },
                Ok(n) => {
                    let valid = n.is_valid();
                    Outcome {
                        parsed: true,
                        valid,
                        e164: valid.then(|| n.format_as(PhoneNumberFormat::E164).into_owned()),
                        number_region: number_region(&n).map(|r| r.to_string()),
                    }
                }
            };
            // And this module's wrapper on top of it.
            let wrapper = check(&c.input, region);
            let wrapper_ok = match (&wrapper, expected.valid) {
                (Ok((e164, r)), true) => {
                    Some(e164.as_str()) == expected.e164.as_deref()
                        && r.map(|r| r.to_string()) == expected.number_region
                        && e164.region() == *r
                }
                (Err(PhoneError::Empty), false) => c.input.trim().is_empty(),
                (Err(PhoneError::Unparseable { .. }), false) => !expected.parsed,
                (Err(PhoneError::Invalid { .. }), false) => expected.parsed,
                _ => false,
            };
            if lib == expected && wrapper_ok {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "line {}: input {:?} region {:?}\n    libphonenumber: {expected:?}\n    rlibphonenumber: {lib:?}\n    E164::parse: {wrapper:?}",
                    i + 1,
                    c.input,
                    c.default_region
                ));
            }
        }
        assert!(total >= 2000, "corpus too small: {total} lines");
        assert!(
            disagreements.is_empty(),
            "rlibphonenumber agrees with libphonenumber on {agree} of {total} corpus lines; {} disagree, first 20:\n{}",
            disagreements.len(),
            disagreements.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
        );
    }
}
