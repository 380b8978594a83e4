//! Message encoding and a simple segment count (§8.1, §8.2).
//!
//! A body made only of GSM-7 characters is sent as GSM-7: 160 septets fit one segment, longer
//! bodies take 153 per segment, and the ten extension characters (`\f [ \ ] ^ { | } ~ €`) cost two
//! septets. Anything else makes the whole body UCS-2: 70 UTF-16 code units in one segment, 67 per
//! segment beyond. This is the plain division; it does not yet keep escape pairs, surrogate
//! pairs or grapheme clusters whole across segment boundaries as Twilio's calculator does.

/// The GSM 03.38 basic character set (127 single-septet characters, §8.2).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The GSM 03.38 extension table: each costs an escape septet plus its own (§8.1).
const GSM7_EXTENSION: &str = "\u{c}[\\]^{|}~€";

/// Septets `body` takes in GSM-7, or `None` when it has a character outside GSM-7.
fn gsm7_septets(body: &str) -> Option<usize> {
    body.chars().try_fold(0usize, |n, c| {
        if GSM7_BASIC.contains(c) {
            Some(n + 1)
        } else if GSM7_EXTENSION.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    })
}

/// The number of SMS segments `body` takes (at least 1, also for an empty body).
pub(crate) fn num_segments(body: &str) -> usize {
    let (units, single, multi) = match gsm7_septets(body) {
        Some(septets) => (septets, 160, 153),
        None => (body.encode_utf16().count(), 70, 67),
    };
    if units <= single {
        1
    } else {
        units.div_ceil(multi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_table_has_127_characters() {
        assert_eq!(GSM7_BASIC.chars().count(), 127);
        assert_eq!(GSM7_EXTENSION.chars().count(), 10);
        assert!(!GSM7_BASIC.contains('`'));
    }

    #[test]
    fn gsm7_vectors() {
        let digits = |n: usize| "1".repeat(n);
        assert_eq!(num_segments(""), 1);
        assert_eq!(num_segments(&digits(160)), 1);
        assert_eq!(num_segments(&digits(161)), 2);
        assert_eq!(num_segments(&digits(306)), 2);
        assert_eq!(num_segments(&digits(307)), 3);
        assert_eq!(num_segments(&format!("€{}", digits(158))), 1);
        assert_eq!(num_segments(&format!("€{}", digits(159))), 2);
        assert_eq!(gsm7_septets("Hello @ £5, ça va?"), None); // ç is not GSM-7
        assert_eq!(gsm7_septets("Hello @ £5, Ça va? {}"), Some(23));
    }

    #[test]
    fn ucs2_vectors() {
        let digits = |n: usize| "1".repeat(n);
        assert_eq!(num_segments(&format!("😜{}", digits(68))), 1);
        assert_eq!(num_segments(&format!("😜{}", digits(69))), 2);
        assert_eq!(num_segments(&format!("😜{}", digits(133))), 3);
        assert_eq!(num_segments(&"á".repeat(70)), 1);
        assert_eq!(num_segments(&"á".repeat(71)), 2);
        assert_eq!(num_segments(&format!("😀{}", "]".repeat(68))), 1);
        assert_eq!(num_segments(&format!("😀{}", "]".repeat(69))), 2);
    }
}
