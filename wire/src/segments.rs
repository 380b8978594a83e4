//! Message encoding, segment counting and Smart Encoding (§8), following Twilio's own segment
//! calculator (SEG, `src/libs/SegmentedMessage.ts`).
//!
//! The algorithm:
//!
//! 1. With `SmartEncoded=true` each character found in [`SMART_ENCODING`] is replaced first
//!    (§8.3; the whole body, code point by code point, as SEG does); the replaced body is the
//!    one that is counted, stored and sent.
//! 2. The body is split into extended grapheme clusters (UAX #29, `unicode-segmentation`); a
//!    `\r\n` cluster counts as the two characters it is (§8.1).
//! 3. When every cluster is one character of the GSM 03.38 tables (§8.2) the message is GSM-7:
//!    a basic character costs 7 bits, an extension character (`\f [ \ ] ^ { | } ~ €`) 14 (the
//!    escape septet and its own). Otherwise the whole message is UCS-2 and a cluster costs
//!    16 bits per UTF-16 code unit (😜 2 units, 🇮🇹 4, 🏳️‍🌈 6).
//! 4. Clusters are packed greedily into 140-octet (1,120-bit) segments and never split, so an
//!    escape pair, a surrogate pair and a grapheme cluster always stay in one segment. As soon as
//!    a second segment is needed every segment carries a 6-octet User Data Header, leaving 1,072
//!    bits: 153 GSM-7 septets or 67 UCS-2 units (retroactively for the first one, as in SEG).
//!
//! Choices where the reference is silent (UNCONFIRMED, tested below):
//!
//! * a single grapheme cluster larger than a whole segment (possible only with dozens of
//!   combining marks) is split between its code points, never inside a surrogate pair;
//! * an empty body takes one segment;
//! * the exotic spaces U+2000–U+200A, U+202F, U+205F and U+3000 become one space and U+00A0
//!   two, as §8.3 describes them; tab and the other C0 control characters except LF, CR and FF
//!   (which GSM-7 can carry) are removed.

use unicode_segmentation::UnicodeSegmentation;

/// Bits in one segment's user data: 140 octets (§8.1).
const SEGMENT_BITS: usize = 1120;
/// Bits of the concatenation User Data Header every segment of a multi-segment message carries.
const UDH_BITS: usize = 48;

/// The GSM 03.38 basic character set (127 single-septet characters, §8.2).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The GSM 03.38 extension table: each costs an escape septet plus its own (§8.1).
const GSM7_EXTENSION: &str = "\u{c}[\\]^{|}~€";

/// How a message is encoded on the air interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// GSM 03.38 7-bit default alphabet: 160 / 153 septets per segment.
    Gsm7,
    /// UCS-2 (UTF-16 code units): 70 / 67 per segment.
    Ucs2,
}

/// Septets each ASCII character takes in GSM-7 (0: GSM-7 cannot carry it), from the two tables.
static ASCII_SEPTETS: std::sync::LazyLock<[u8; 128]> = std::sync::LazyLock::new(|| {
    let mut table = [0u8; 128];
    for (chars, septets) in [(GSM7_BASIC, 1), (GSM7_EXTENSION, 2)] {
        for c in chars.chars().filter(char::is_ascii) {
            table[c as usize] = septets;
        }
    }
    table
});

/// Septets one character takes in GSM-7, or `None` when GSM-7 cannot carry it.
fn gsm7_septets(c: char) -> Option<usize> {
    if c.is_ascii() {
        return match ASCII_SEPTETS[c as usize] {
            0 => None,
            n => Some(usize::from(n)),
        };
    }
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The characters SEG counts: grapheme clusters, with `\r\n` as two.
fn graphemes(body: &str) -> Vec<&str> {
    if body.is_ascii() {
        // Every ASCII cluster is one character but `\r\n`, which counts as two anyway.
        return (0..body.len()).map(|i| &body[i..=i]).collect();
    }
    let mut out = Vec::new();
    for g in body.graphemes(true) {
        if g == "\r\n" {
            out.push(&g[..1]);
            out.push(&g[1..]);
        } else {
            out.push(g);
        }
    }
    out
}

/// The encoding Twilio picks for `body`: GSM-7 when every grapheme cluster is a single GSM-7
/// character (basic or extension), otherwise UCS-2.
pub fn encoding(body: &str) -> Encoding {
    let gsm = graphemes(body).iter().all(|g| {
        let mut chars = g.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if gsm7_septets(c).is_some())
    });
    if gsm {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// Bits `text` costs in `encoding` (every character of it must be encodable in GSM-7 when
/// `encoding` is GSM-7).
fn bits(text: &str, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Gsm7 => text.chars().map(|c| 7 * gsm7_septets(c).unwrap_or(1)).sum(),
        Encoding::Ucs2 => 16 * text.encode_utf16().count(),
    }
}

/// The bit costs of `body`'s unbreakable units, in order: one per grapheme cluster, or one per
/// code point for a cluster larger than a whole multi-part segment.
fn unit_costs(body: &str, encoding: Encoding) -> Vec<usize> {
    let mut costs = Vec::new();
    for g in graphemes(body) {
        let cost = bits(g, encoding);
        if cost <= SEGMENT_BITS - UDH_BITS {
            costs.push(cost);
        } else {
            costs.extend(
                g.chars()
                    .map(|c| bits(c.encode_utf8(&mut [0; 4]), encoding)),
            );
        }
    }
    costs
}

/// The number of SMS segments `body` takes as it is (no Smart Encoding), at least 1.
pub fn num_segments(body: &str) -> usize {
    if body.is_ascii() {
        // The common case, without allocating: one unit per byte (`\r\n` counts as two anyway).
        let septets = |b: u8| usize::from(ASCII_SEPTETS[usize::from(b)]);
        let gsm = body.bytes().all(|b| septets(b) > 0);
        return pack(body.bytes().map(|b| if gsm { 7 * septets(b) } else { 16 }));
    }
    pack(unit_costs(body, encoding(body)).into_iter())
}

/// How many segments units of these bit `costs`, in order, take: one when they fit a single
/// segment, else packed greedily into segments that carry a User Data Header, never split.
fn pack(costs: impl Iterator<Item = usize> + Clone) -> usize {
    if costs.clone().sum::<usize>() <= SEGMENT_BITS {
        return 1;
    }
    let capacity = SEGMENT_BITS - UDH_BITS;
    let mut segments = 1;
    let mut used = 0;
    for cost in costs {
        if used + cost > capacity {
            segments += 1;
            used = 0;
        }
        used += cost;
    }
    segments
}

/// Smart Encoding substitutions (§8.3, SEG `SmartEncodingMap.ts`): each character on the left
/// is replaced by the text on the right (possibly empty, which removes it). Full-width ASCII
/// U+FF01–U+FF5E is handled by [`smart_encode`] directly (each becomes its ASCII twin).
pub const SMART_ENCODING: &[(char, &str)] = &[
    // Double quotation marks.
    ('\u{00AB}', "\""),
    ('\u{00BB}', "\""),
    ('\u{201C}', "\""),
    ('\u{201D}', "\""),
    ('\u{201E}', "\""),
    ('\u{201F}', "\""),
    ('\u{02BA}', "\""),
    ('\u{02EE}', "\""),
    ('\u{275D}', "\""),
    ('\u{275E}', "\""),
    ('\u{301D}', "\""),
    ('\u{301E}', "\""),
    // Single quotation marks, primes and accents used as apostrophes.
    ('\u{2018}', "'"),
    ('\u{2019}', "'"),
    ('\u{201A}', ","),
    ('\u{201B}', "'"),
    ('\u{02B9}', "'"),
    ('\u{02BB}', "'"),
    ('\u{02BC}', "'"),
    ('\u{02BD}', "'"),
    ('\u{02C8}', "'"),
    ('\u{02CA}', "'"),
    ('\u{02CB}', "'"),
    ('\u{00B4}', "'"),
    ('`', "'"),
    ('\u{275B}', "'"),
    ('\u{275C}', "'"),
    ('\u{2039}', ">"),
    ('\u{203A}', "<"),
    // Dashes, hyphens and bullets.
    ('\u{2010}', "-"),
    ('\u{2013}', "-"),
    ('\u{2014}', "-"),
    ('\u{2015}', "-"),
    ('\u{2043}', "-"),
    ('\u{2022}', "-"),
    ('\u{23BC}', "-"),
    ('\u{23BD}', "-"),
    ('\u{FE63}', "-"),
    ('\u{2017}', "_"),
    // Punctuation look-alikes.
    ('\u{2026}', "..."),
    ('\u{203C}', "!!"),
    ('\u{01C3}', "!"),
    ('\u{3001}', ","),
    ('\u{3002}', "."),
    ('\u{FF61}', "."),
    ('\u{FF64}', ","),
    ('\u{00F7}', "/"),
    ('\u{2044}', "/"),
    ('\u{2215}', "/"),
    ('\u{29F8}', "/"),
    ('\u{29F5}', "\\"),
    ('\u{29F9}', "\\"),
    ('\u{2223}', "|"),
    ('\u{2217}', "*"),
    ('\u{204E}', "*"),
    ('\u{2731}', "*"),
    ('\u{2732}', "*"),
    ('\u{2733}', "*"),
    ('\u{223C}', "~"),
    ('\u{02DC}', "~"),
    ('\u{02C6}', "^"),
    ('\u{00BC}', "1/4"),
    ('\u{00BD}', "1/2"),
    ('\u{00BE}', "3/4"),
    // Spaces.
    ('\u{00A0}', "  "),
    ('\u{2000}', " "),
    ('\u{2001}', " "),
    ('\u{2002}', " "),
    ('\u{2003}', " "),
    ('\u{2004}', " "),
    ('\u{2005}', " "),
    ('\u{2006}', " "),
    ('\u{2007}', " "),
    ('\u{2008}', " "),
    ('\u{2009}', " "),
    ('\u{200A}', " "),
    ('\u{202F}', " "),
    ('\u{205F}', " "),
    ('\u{3000}', " "),
    ('\u{2028}', " "),
    ('\u{2029}', " "),
    // Zero-width characters.
    ('\u{200B}', ""),
    ('\u{2060}', ""),
    ('\u{FEFF}', ""),
    // Small letter capitals.
    ('\u{1D00}', "A"),
    ('\u{0299}', "B"),
    ('\u{1D04}', "C"),
    ('\u{1D05}', "D"),
    ('\u{1D07}', "E"),
    ('\u{A730}', "F"),
    ('\u{0262}', "G"),
    ('\u{029C}', "H"),
    ('\u{026A}', "I"),
    ('\u{1D0A}', "J"),
    ('\u{1D0B}', "K"),
    ('\u{029F}', "L"),
    ('\u{1D0D}', "M"),
    ('\u{0274}', "N"),
    ('\u{1D0F}', "O"),
    ('\u{1D18}', "P"),
    ('\u{0280}', "R"),
    ('\u{A731}', "S"),
    ('\u{1D1B}', "T"),
    ('\u{1D1C}', "U"),
    ('\u{1D20}', "V"),
    ('\u{1D21}', "W"),
    ('\u{028F}', "Y"),
    ('\u{1D22}', "Z"),
];

/// What Smart Encoding makes of one character: `None` keeps it.
fn smart_replacement(c: char) -> Option<std::borrow::Cow<'static, str>> {
    use std::borrow::Cow;
    if let Some((_, to)) = SMART_ENCODING.iter().find(|(from, _)| *from == c) {
        return Some(Cow::Borrowed(to));
    }
    match u32::from(c) {
        // Full-width ASCII: U+FF01..=U+FF5E are U+0021..=U+007E shifted by 0xFEE0.
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).map(|a| Cow::Owned(a.to_string())),
        // C0 controls other than LF, FF and CR, which GSM-7 carries.
        0x00..=0x1F if !matches!(c, '\n' | '\u{c}' | '\r') => Some(Cow::Borrowed("")),
        _ => None,
    }
}

/// `body` with the Smart Encoding substitutions of §8.3 applied, character by character.
pub fn smart_encode(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for c in body.chars() {
        match smart_replacement(c) {
            Some(to) => out.push_str(&to),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(n: usize) -> String {
        "1".repeat(n)
    }

    #[test]
    fn ascii_fast_paths_agree_with_the_tables_and_uax29() {
        for b in 0u8..128 {
            let c = char::from(b);
            let slow = if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            };
            assert_eq!(gsm7_septets(c), slow, "{c:?}");
        }
        // Every pair of ASCII characters: the same clusters as UAX #29 with `\r\n` split.
        for a in 0u8..128 {
            for b in 0u8..128 {
                let text = String::from_utf8(vec![a, b, b'x']).unwrap();
                let uax29: Vec<&str> = text
                    .graphemes(true)
                    .flat_map(|g| {
                        if g == "\r\n" {
                            vec!["\r", "\n"]
                        } else {
                            vec![g]
                        }
                    })
                    .collect();
                assert_eq!(graphemes(&text), uax29, "{text:?}");
            }
        }
    }

    #[test]
    fn basic_table_has_127_characters() {
        assert_eq!(GSM7_BASIC.chars().count(), 127);
        assert_eq!(GSM7_EXTENSION.chars().count(), 10);
        assert!(!GSM7_BASIC.contains('`'));
    }

    /// Every vector of §8.4, in order.
    #[test]
    fn vectors_of_8_4() {
        assert_eq!(num_segments(&digits(160)), 1);
        assert_eq!(encoding(&digits(160)), Encoding::Gsm7);
        assert_eq!(num_segments(&digits(161)), 2);
        assert_eq!(num_segments(&digits(307)), 3);
        for esc in ['^', '€', '{', '}', '[', ']', '~', '\\', '|'] {
            let body = format!("{esc}{}", digits(158));
            assert_eq!(encoding(&body), Encoding::Gsm7, "{esc}");
            assert_eq!(num_segments(&body), 1, "{esc}");
            assert_eq!(num_segments(&format!("{esc}{}", digits(159))), 2, "{esc}");
        }
        assert_eq!(num_segments(&format!("😜{}", digits(68))), 1);
        assert_eq!(encoding(&format!("😜{}", digits(68))), Encoding::Ucs2);
        assert_eq!(num_segments(&format!("😜{}", digits(69))), 2);
        assert_eq!(num_segments(&format!("😜{}", digits(133))), 3);
        assert_eq!(num_segments(&format!("🇮🇹{}", digits(66))), 1);
        assert_eq!(num_segments(&format!("🇮🇹{}", digits(67))), 2);
        let rainbow = "🏳️‍🌈";
        assert_eq!(rainbow.encode_utf16().count(), 6);
        assert_eq!(num_segments(&format!("{rainbow}{}", digits(64))), 1);
        assert_eq!(num_segments(&format!("{rainbow}{}", digits(65))), 2);
        for c in ["á", "Á", "Ú", "ú", "ç", "í", "Í", "ó", "Ó"] {
            assert_eq!(encoding(c), Encoding::Ucs2, "{c}");
            assert_eq!(num_segments(&c.repeat(70)), 1, "{c}");
            assert_eq!(num_segments(&c.repeat(71)), 2, "{c}");
        }
        assert_eq!(num_segments(&format!("😀{}", "]".repeat(68))), 1);
        assert_eq!(num_segments(&format!("😀{}", "]".repeat(69))), 2);
    }

    #[test]
    fn gsm7_boundaries_and_escape_pairs() {
        assert_eq!(num_segments(""), 1);
        assert_eq!(num_segments(&digits(306)), 2);
        assert_eq!(num_segments(&digits(459)), 3);
        assert_eq!(num_segments(&digits(460)), 4);
        // 152 digits then an escape pair: the pair does not fit in the 1 septet left and moves
        // whole to segment 2, which then holds 2 + 151 = 153 septets...
        let body = format!("{}€{}", digits(152), digits(151));
        assert_eq!(num_segments(&body), 2);
        // ...and one more digit spills into a third, although 306 septets would fit in two
        // segments if the pair could be split.
        assert_eq!(num_segments(&format!("{body}1")), 3);
        assert_eq!(encoding("Hello @ £5, Ça va? {}"), Encoding::Gsm7);
        assert_eq!(encoding("Hello @ £5, ça va?"), Encoding::Ucs2);
        assert_eq!(encoding("`"), Encoding::Ucs2);
    }

    #[test]
    fn surrogate_pairs_and_clusters_are_never_split() {
        // 66 units of digits, then an emoji (2 units) at units 67-68: it cannot straddle the
        // 67-unit boundary, so segment 1 holds 66 units.
        let body = format!("é{}😜{}", digits(65), digits(66));
        assert_eq!(encoding(&body), Encoding::Ucs2);
        // units: 1 + 65 + 2 + 66 = 134 = 2 × 67, but the emoji moves: 66 | 68 → 3 segments.
        assert_eq!(num_segments(&body), 3);
        // A flag (4 units) at the boundary moves whole as well.
        let flag = format!("é{}🇮🇹{}", digits(64), digits(64));
        assert_eq!(num_segments(&flag), 3);
        assert_eq!(num_segments(&format!("é{}🇮🇹{}", digits(62), digits(62))), 2);
        // CRLF is two GSM-7 characters, not one UCS-2 cluster.
        assert_eq!(encoding("a\r\nb"), Encoding::Gsm7);
        assert_eq!(num_segments(&"\r\n".repeat(80)), 1);
        assert_eq!(num_segments(&format!("{}1", "\r\n".repeat(80))), 2);
        // A combining sequence is one cluster and forces UCS-2.
        assert_eq!(encoding("e\u{301}"), Encoding::Ucs2);
    }

    #[test]
    fn oversized_cluster_is_split_by_code_point() {
        let zalgo = format!("a{}", "\u{301}".repeat(100));
        assert_eq!(zalgo.graphemes(true).count(), 1);
        // 101 units: 67 + 34.
        assert_eq!(num_segments(&zalgo), 2);
    }

    #[test]
    fn smart_encoding_classes() {
        let cases = [
            ("“Hi” «there» „x‟", "\"Hi\" \"there\" \"x\""),
            ("it’s ‘ok’ ´`", "it's 'ok' ''"),
            ("a–b—c•d", "a-b-c-d"),
            ("wait…", "wait..."),
            ("a\u{2003}b\u{3000}c", "a b c"),
            ("a\u{a0}b", "a  b"),
            ("a\u{200b}b\u{feff}c\u{2060}d", "abcd"),
            ("a\u{0}b\u{7}c\td", "abcd"),
            ("keep\r\nlines\u{c}", "keep\r\nlines\u{c}"),
            ("ＡＢＣ！１２３～", "ABC!123~"),
            ("2∗3 ✱ 1∕2 ∼", "2*3 * 1/2 ~"),
            ("½ ¼", "1/2 1/4"),
            ("ᴀʙᴄ", "ABC"),
            ("日本", "日本"),
        ];
        for (from, to) in cases {
            assert_eq!(smart_encode(from), to, "{from}");
        }
        // A body that is UCS-2 only because of curly quotes becomes GSM-7.
        let body = format!("“{}”", digits(150));
        assert_eq!(encoding(&body), Encoding::Ucs2);
        assert_eq!(num_segments(&body), 3);
        assert_eq!(encoding(&smart_encode(&body)), Encoding::Gsm7);
        assert_eq!(num_segments(&smart_encode(&body)), 1);
        // Every entry of the table maps to GSM-7 text.
        for (from, to) in SMART_ENCODING {
            assert_eq!(encoding(to), Encoding::Gsm7, "{from:?} -> {to:?}");
        }
    }

    /// Property tests against an oracle written from §8.1/§8.2 of the reference alone (its own
    /// character tables, its own counting), not from this module's tables or packing code.
    mod props {
        use super::super::{encoding, num_segments, pack, unit_costs, Encoding};
        use proptest::collection::vec;
        use proptest::prelude::*;

        /// §8.2: the single-septet characters outside printable ASCII.
        const BASIC_NON_ASCII: &str = "\n\r¡£¤¥§¿ÄÅÆÇÉÑÖØÜßàäåæèéìñòöøùüΓΔΘΛΞΠΣΦΨΩ";
        /// §8.1: the characters that take an escape septet and their own.
        const ESCAPED: &str = "\u{c}[\\]^{|}~€";
        /// Characters outside both GSM-7 tables, one UTF-16 unit each (§8.2 names the backtick
        /// and the accented letters).
        const NOT_GSM_BMP: &str = "`áíóúçÁÍÓÚ°¢ёж日本";
        /// Whole grapheme clusters outside GSM-7 of 2, 4 and 6 UTF-16 units (§8.1: 😜 2, 🇮🇹 4,
        /// 🏳️‍🌈 6).
        const WIDE: [&str; 5] = ["😜", "😀", "🇮🇹", "🇫🇷", "🏳️‍🌈"];

        /// One character of the body as the reference counts it.
        #[derive(Clone, Debug)]
        enum Token {
            /// A single-septet GSM-7 character.
            Basic(char),
            /// A GSM-7 extension character: escape + its own septet.
            Escaped(char),
            /// A UCS-2-only character of one unit.
            Bmp(char),
            /// A UCS-2-only grapheme cluster of several units.
            Wide(&'static str),
        }

        impl Token {
            fn text(&self) -> String {
                match self {
                    Token::Basic(c) | Token::Escaped(c) | Token::Bmp(c) => c.to_string(),
                    Token::Wide(s) => (*s).to_owned(),
                }
            }

            fn is_gsm(&self) -> bool {
                matches!(self, Token::Basic(_) | Token::Escaped(_))
            }

            /// Septets in GSM-7 (§8.1: an extension character costs 2).
            fn septets(&self) -> usize {
                match self {
                    Token::Escaped(_) => 2,
                    _ => 1,
                }
            }

            /// UTF-16 code units in UCS-2.
            fn units(&self) -> usize {
                self.text().encode_utf16().count()
            }
        }

        fn chars(s: &'static str) -> Vec<char> {
            s.chars().collect()
        }

        /// Printable ASCII minus the 8 escaped characters and the backtick (§8.2).
        fn basic_ascii() -> Vec<char> {
            (' '..='~').filter(|c| !"[\\]^{|}~`".contains(*c)).collect()
        }

        fn gsm_token() -> impl Strategy<Value = Token> {
            prop_oneof![
                8 => proptest::sample::select(basic_ascii()).prop_map(Token::Basic),
                2 => proptest::sample::select(chars(BASIC_NON_ASCII)).prop_map(Token::Basic),
                2 => proptest::sample::select(chars(ESCAPED)).prop_map(Token::Escaped),
            ]
        }

        fn any_token() -> impl Strategy<Value = Token> {
            prop_oneof![
                12 => gsm_token(),
                1 => proptest::sample::select(chars(NOT_GSM_BMP)).prop_map(Token::Bmp),
                1 => proptest::sample::select(WIDE.to_vec()).prop_map(Token::Wide),
            ]
        }

        /// The reference's count: one segment when the whole message fits in 160 septets / 70
        /// units; otherwise 153 / 67 per segment, filled in order, a character (escape pair,
        /// surrogate pair, cluster) never split across two.
        fn oracle(tokens: &[Token]) -> (Encoding, usize) {
            let gsm = tokens.iter().all(Token::is_gsm);
            let (encoding, single, per_part) = if gsm {
                (Encoding::Gsm7, 160, 153)
            } else {
                (Encoding::Ucs2, 70, 67)
            };
            let cost = |t: &Token| if gsm { t.septets() } else { t.units() };
            if tokens.iter().map(cost).sum::<usize>() <= single {
                return (encoding, 1);
            }
            let mut parts = vec![0usize];
            for t in tokens {
                let c = cost(t);
                if parts.last().unwrap() + c > per_part {
                    parts.push(0);
                }
                *parts.last_mut().unwrap() += c;
            }
            (encoding, parts.len())
        }

        fn body(tokens: &[Token]) -> String {
            tokens.iter().map(Token::text).collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn gsm7_bodies_count_septets_with_escapes_as_two(
                tokens in vec(gsm_token(), 0..700),
            ) {
                let text = body(&tokens);
                let (enc, segments) = oracle(&tokens);
                prop_assert_eq!(enc, Encoding::Gsm7);
                prop_assert_eq!(encoding(&text), Encoding::Gsm7);
                prop_assert_eq!(num_segments(&text), segments, "{:?}", text);
            }

            #[test]
            fn mixed_bodies_match_the_oracle(tokens in vec(any_token(), 0..400)) {
                let text = body(&tokens);
                let (enc, segments) = oracle(&tokens);
                prop_assert_eq!(encoding(&text), enc, "{:?}", text);
                prop_assert_eq!(num_segments(&text), segments, "{:?}", text);
            }

            /// Without escapes or wide characters the count is closed-form: n ≤ 160 → 1, else
            /// ⌈n / 153⌉ (GSM-7); n ≤ 70 → 1, else ⌈n / 67⌉ (UCS-2).
            #[test]
            fn plain_bodies_follow_the_closed_form(
                n in 0usize..1200,
                ucs2 in any::<bool>(),
            ) {
                let text = if ucs2 {
                    format!("á{}", "1".repeat(n.saturating_sub(1)))
                } else {
                    "1".repeat(n)
                };
                let n = text.encode_utf16().count();
                let (single, per_part) = if ucs2 { (70, 67) } else { (160, 153) };
                let expected = if n <= single { 1 } else { n.div_ceil(per_part) };
                prop_assert_eq!(num_segments(&text), expected);
            }

            /// The allocation-free ASCII path counts as the general one does, GSM-7 or not
            /// (a backtick or a tab makes a body UCS-2).
            #[test]
            fn ascii_bodies_count_as_the_general_path(text in "[ -~\t\r\n]{0,500}") {
                let general = pack(unit_costs(&text, encoding(&text)).into_iter());
                prop_assert_eq!(num_segments(&text), general, "{:?}", text);
            }

            /// Adding a character never takes a segment away.
            #[test]
            fn appending_never_lowers_the_count(
                tokens in vec(any_token(), 0..300),
                more in any_token(),
            ) {
                let before = num_segments(&body(&tokens));
                let mut longer = tokens.clone();
                longer.push(more);
                prop_assert!(num_segments(&body(&longer)) >= before);
            }
        }
    }
}
