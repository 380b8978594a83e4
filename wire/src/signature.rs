//! The `X-Twilio-Signature` header that Twilio puts on webhooks (§6.1).
//!
//! The signed string is the full URL Twilio requested (scheme, any credentials, host, any port,
//! path and query, exactly as configured) followed, for a form POST, by every parameter as
//! `name + value` (URL-decoded, no separators), names sorted by code point; a name sent more than
//! once contributes each of its distinct values once, in sorted order. The signature is the
//! standard padded base64 of HMAC-SHA1 keyed with the account Auth Token.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

/// What follows the URL in the signed string, as pairs: the `(name, value)` pairs sorted and
/// deduplicated (each contributes `name + value`, in this order).
fn signed_pairs<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_ref(), v.as_ref()))
        .collect();
    // Sorting whole (name, value) pairs sorts by name, then by value within a name; dedup then
    // drops repeated identical pairs, which is PY's `sorted(set(values))` per name.
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The HMAC of the signed string: `url`, then each of `pairs` ([`signed_pairs`]) as `name +
/// value`, fed to the MAC as they are (the signed string is never built).
fn mac_for(auth_token: &str, url: &str, pairs: &[(&str, &str)]) -> HmacSha1 {
    let mut mac =
        HmacSha1::new_from_slice(auth_token.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(url.as_bytes());
    for (name, value) in pairs {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// The parameters of a request that signs its URL alone (a GET, or a JSON body: §6.1 point 4),
/// for [`sign`] and [`validate`].
pub const NO_PARAMS: &[(&str, &str)] = &[];

/// Computes the `X-Twilio-Signature` value for a form POST of `params` (URL-decoded
/// `(name, value)` pairs, in any order, names may repeat; `String`s or borrowed text) to
/// `url`, with the account's `auth_token` as key. Pass [`NO_PARAMS`] for a GET or a JSON-body
/// request (§6.1 point 4).
///
/// Returns 28 characters of padded base64, for example `RSOYDt4T1cUTdK1PDd93/VVr8B8=`.
pub fn sign<K: AsRef<str>, V: AsRef<str>>(
    auth_token: &str,
    url: &str,
    params: &[(K, V)],
) -> String {
    STANDARD.encode(
        mac_for(auth_token, url, &signed_pairs(params))
            .finalize()
            .into_bytes(),
    )
}

/// Checks `signature` (the `X-Twilio-Signature` header) for a request of `params` (URL-decoded
/// `(name, value)` pairs as [`sign`] takes them; [`NO_PARAMS`] for a GET) to `url`, leniently as
/// twilio-python and twilio-node do (§6.1 point 5): the signature may have been computed over
/// `url` as given, over `url` with its port removed, or, when `url` names no port, over `url`
/// with the scheme's default port added (`:443` for https, `:80` for http).
///
/// The candidates are tried in that order and the first that matches answers, as twilio-node's
/// `validateRequest` does: a signature over the URL as given (what Twilio and the simulator
/// send) costs one HMAC, not two. Each comparison is constant-time; which candidate matched is
/// not a secret (the sender chose the URL). Returns false for a signature that is not base64,
/// for one computed with another token or over other parameters, and for an empty signature.
pub fn validate<K: AsRef<str>, V: AsRef<str>>(
    auth_token: &str,
    url: &str,
    params: &[(K, V)],
    signature: &str,
) -> bool {
    let Ok(expected) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    let pairs = signed_pairs(params);
    let matches = |candidate: &str| {
        mac_for(auth_token, candidate, &pairs)
            .verify_slice(&expected)
            .is_ok()
    };
    matches(url)
        || without_port(url).is_some_and(|u| matches(&u))
        || with_default_port(url).is_some_and(|u| matches(&u))
}

/// Where the host (and port) sit in `url`: `(start, end)` byte offsets of `host[:port]`, after any
/// `user:pass@`, up to the first `/`, `?` or `#`. None when `url` has no `scheme://`.
fn authority_span(url: &str) -> Option<(usize, usize)> {
    let start = url.find("://")? + 3;
    let rest = &url[start..];
    let end = start + rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host_start = url[start..end]
        .rfind('@')
        .map_or(start, |at| start + at + 1);
    Some((host_start, end))
}

/// Byte offset in `url` of the `:` before an explicit port, if the URL has one.
fn port_colon(url: &str) -> Option<usize> {
    let (start, end) = authority_span(url)?;
    let hostport = &url[start..end];
    // Skip a bracketed IPv6 literal such as `[::1]`.
    let after_host = if hostport.starts_with('[') {
        hostport.find(']')? + 1
    } else {
        0
    };
    let colon = hostport[after_host..].find(':')? + after_host;
    Some(start + colon)
}

/// `url` with its explicit port (any port) removed, or None if it has none.
fn without_port(url: &str) -> Option<String> {
    let colon = port_colon(url)?;
    let (_, end) = authority_span(url)?;
    Some(format!("{}{}", &url[..colon], &url[end..]))
}

/// `url` with the scheme's default port added, or None if it already has a port or the scheme is
/// neither http nor https.
fn with_default_port(url: &str) -> Option<String> {
    if port_colon(url).is_some() {
        return None;
    }
    let scheme = url.split("://").next()?.to_ascii_lowercase();
    let port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    let (_, end) = authority_span(url)?;
    Some(format!("{}:{port}{}", &url[..end], &url[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "12345";
    const BASE: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The SDKs' standard parameter set P (§6.2).
    fn params() -> Vec<(String, String)> {
        p(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ])
    }

    /// The signed string after the URL, spelled out.
    fn params_input(params: &[(String, String)]) -> String {
        signed_pairs(params)
            .into_iter()
            .flat_map(|(n, v)| [n, v])
            .collect()
    }

    /// Signs, and checks the vector both ways: `sign` reproduces it and `validate` accepts it.
    fn check(url: &str, params: &[(String, String)], expected: &str) {
        assert_eq!(sign(TOKEN, url, params), expected, "sign({url})");
        assert!(validate(TOKEN, url, params, expected), "validate({url})");
    }

    #[test]
    fn vector_basic() {
        check(BASE, &params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        assert_eq!(
            format!("{BASE}{}", params_input(&params())),
            "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212"
        );
    }

    #[test]
    fn borrowed_pairs_sign_and_validate_as_owned_ones_do() {
        let owned = params();
        let borrowed: Vec<(&str, &str)> = owned
            .iter()
            .rev()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(sign(TOKEN, BASE, &borrowed), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        assert!(validate(
            TOKEN,
            BASE,
            &borrowed,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
        let mut tampered = borrowed.clone();
        tampered[0].1 = "+18005551213";
        assert!(!validate(
            TOKEN,
            BASE,
            &tampered,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }

    #[test]
    fn vector_https_with_443() {
        let url = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
        check(url, &params(), "kvajT1Ptam85bY51eRf/AJRuM3w=");
        // Leniency: the validator also accepts it for the URL without the port, and the plain
        // signature for the URL with the port.
        assert!(validate(
            TOKEN,
            BASE,
            &params(),
            "kvajT1Ptam85bY51eRf/AJRuM3w="
        ));
        assert!(validate(
            TOKEN,
            url,
            &params(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }

    #[test]
    fn vector_http_with_80() {
        let url = "http://mycompany.com:80/myapp.php?foo=1&bar=2";
        check(url, &params(), "0ZXoZLH/DfblKGATFgpif+LLRf4=");
        assert!(validate(
            TOKEN,
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            &params(),
            "0ZXoZLH/DfblKGATFgpif+LLRf4="
        ));
        // The default port of http is 80, not 443.
        assert!(!validate(
            TOKEN,
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            &params(),
            "0ZXoZLH/DfblKGATFgpif+LLRf4="
        ));
    }

    #[test]
    fn vector_http_with_1234() {
        let url = "http://mycompany.com:1234/myapp.php?foo=1&bar=2";
        check(url, &params(), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
        // A non-default port is never added to a URL that lacks it.
        assert!(!validate(
            TOKEN,
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            &params(),
            "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="
        ));
    }

    #[test]
    fn vector_repeated_keys() {
        let ps = p(&[
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
            ("Digits", "1234"),
        ]);
        assert_eq!(
            format!("{BASE}{}", params_input(&ps)),
            format!("{BASE}Digits1234Digits5678SidCA123SidAccountAC123")
        );
        check(BASE, &ps, "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
    }

    #[test]
    fn vector_array_param_in_any_order() {
        let a = p(&[
            ("MessagingBinding.Address", "+1325xxxxxxx"),
            ("MessagingBinding.Address", "+1415xxxxxxx"),
        ]);
        let b: Vec<_> = a.iter().rev().cloned().collect();
        check(BASE, &a, "83O6e2vORAoJHUNzJjDWN1jz+BA=");
        check(BASE, &b, "83O6e2vORAoJHUNzJjDWN1jz+BA=");
    }

    #[test]
    fn vector_credentials_in_url() {
        let url = "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2";
        check(url, &params(), "CukzLTc1tT5dXEDIHm/tKBanW10=");
        assert_eq!(
            with_default_port(url).as_deref(),
            Some("https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2")
        );
    }

    #[test]
    fn vector_quote_in_query() {
        let url = format!("{BASE}&Body=It%27s+amazing");
        check(&url, &params(), "TfZzewPq8wqrGlMfyAud8+/IvJ0=");
    }

    #[test]
    fn vector_docs_worked_example() {
        let ps = p(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]);
        check(BASE, &ps, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    }

    #[test]
    fn vector_messaging_inbound() {
        let sm = "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let ps = p(&[
            ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("ApiVersion", "2010-04-01"),
            ("Body", "Hello there"),
            ("From", "+15005550006"),
            ("MessageSid", sm),
            ("NumMedia", "0"),
            ("NumSegments", "1"),
            ("SmsMessageSid", sm),
            ("SmsSid", sm),
            ("SmsStatus", "received"),
            ("To", "+15558675310"),
        ]);
        check(
            "https://example.com/sms/inbound?tenant=acme",
            &ps,
            "hHpx1GP1ed01rkB6wtC9hr6QIgA=",
        );
    }

    #[test]
    fn vector_messaging_status_callback() {
        let sm = "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let ps = p(&[
            ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("ApiVersion", "2010-04-01"),
            ("From", "+15005550006"),
            ("MessageSid", sm),
            ("MessageStatus", "delivered"),
            ("SmsSid", sm),
            ("SmsStatus", "delivered"),
            ("To", "+15558675310"),
        ]);
        check(
            "https://example.com/sms/status",
            &ps,
            "qsypIa7lt7sTwObcipaYQadgT7I=",
        );
    }

    #[test]
    fn url_only_vectors_sign_with_no_params() {
        // The JSON-body vectors sign the URL alone (§6.1 point 4); the empty-body one only
        // validates through the `:443` variant.
        check(
            &format!("{BASE}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"),
            &[],
            "a9nBmqA0ju/hNViExpshrM61xv4=",
        );
        check(
            "https://mycompany.com/myapp.php?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
            &[],
            "y77kIzt2vzLz71DgmJGsen2scGs=",
        );
        assert!(validate(
            TOKEN,
            &format!("{BASE}&bodySHA256=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"),
            NO_PARAMS,
            "Ldidvp12m26NI7eqEvxnEpkd9Hc="
        ));
    }

    #[test]
    fn tampered_param_is_refused() {
        let mut ps = params();
        ps[2].1 = "1235".to_owned();
        assert!(!validate(TOKEN, BASE, &ps, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        let mut extra = params();
        extra.push(("Body".to_owned(), "x".to_owned()));
        assert!(!validate(
            TOKEN,
            BASE,
            &extra,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
        assert!(!validate(
            TOKEN,
            "https://mycompany.com/myapp.php?foo=1&bar=3",
            &params(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }

    #[test]
    fn wrong_token_is_refused() {
        assert!(!validate(
            "12346",
            BASE,
            &params(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }

    #[test]
    fn missing_or_malformed_signature_is_refused() {
        assert!(!validate(TOKEN, BASE, &params(), ""));
        assert!(!validate(TOKEN, BASE, &params(), "not base64!"));
        // Valid base64 of the wrong length.
        assert!(!validate(TOKEN, BASE, &params(), "RSOYDt4T"));
    }

    #[test]
    fn port_helpers_handle_ipv6_and_plain_hosts() {
        assert_eq!(
            without_port("http://127.0.0.1:8080/sms?x=1").as_deref(),
            Some("http://127.0.0.1/sms?x=1")
        );
        assert_eq!(
            without_port("http://[::1]:8080/sms").as_deref(),
            Some("http://[::1]/sms")
        );
        assert_eq!(without_port("http://[::1]/sms"), None);
        assert_eq!(
            with_default_port("http://[::1]/sms").as_deref(),
            Some("http://[::1]:80/sms")
        );
        assert_eq!(
            with_default_port("https://example.com").as_deref(),
            Some("https://example.com:443")
        );
        assert_eq!(with_default_port("ftp://example.com/"), None);
        assert_eq!(without_port("not a url"), None);
    }

    /// Property tests: a signature validates for what was signed and for nothing one byte away.
    mod props {
        use super::super::*;
        use proptest::collection::{btree_set, vec};
        use proptest::prelude::*;
        use proptest::sample::Index;

        /// URLs as Twilio may be configured with: scheme, optional credentials, a host (name,
        /// IPv4 or bracketed IPv6), an optional port, then any printable path, query and
        /// fragment; or any printable ASCII text at all.
        fn url() -> impl Strategy<Value = String> {
            let host = prop_oneof![
                "[a-z0-9-]{1,12}(\\.[a-z]{2,5}){0,2}",
                "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
                "\\[[0-9a-f:]{2,12}\\]",
            ];
            prop_oneof![
                3 => (
                    "https?|HTTPS?|ftp",
                    "([a-z]{1,5}:[a-z]{1,5}@)?",
                    host,
                    "(:[0-9]{0,5})?",
                    "([/?#][ -~]{0,30})?",
                )
                    .prop_map(|(scheme, creds, host, port, rest)| {
                        format!("{scheme}://{creds}{host}{port}{rest}")
                    }),
                1 => "[ -~]{1,40}",
            ]
        }

        /// Any form: names and values of any Unicode text (names may repeat).
        fn any_params() -> impl Strategy<Value = Vec<(String, String)>> {
            vec(("\\PC{0,12}", "\\PC{0,24}"), 0..12)
        }

        /// Forms of distinct `(name, value)` pairs, printable ASCII, with Twilio-like names (a
        /// letter first). Distinct pairs: a repeated identical pair is signed once (§6.1), so
        /// changing one copy of it could go unnoticed.
        fn ascii_params() -> impl Strategy<Value = Vec<(String, String)>> {
            btree_set(("[A-Za-z][A-Za-z0-9]{0,11}", "[ -~]{0,24}"), 1..12)
                .prop_map(|set| set.into_iter().collect())
        }

        /// `s` with the byte at `at` replaced by another printable ASCII byte (`s` is printable
        /// ASCII, so the result is too): `shift` in 1..95 moves it round the 95 printable bytes.
        fn change_byte(s: &str, at: Index, shift: u8) -> String {
            let mut bytes = s.as_bytes().to_vec();
            let i = at.index(bytes.len());
            bytes[i] = 0x20 + (bytes[i] - 0x20 + shift) % 95;
            String::from_utf8(bytes).expect("printable ASCII")
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn a_signature_validates_what_was_signed(
                token in "[ -~]{1,40}",
                url in url(),
                params in any_params(),
            ) {
                let signature = sign(&token, &url, &params);
                prop_assert_eq!(signature.len(), 28);
                prop_assert!(validate(&token, &url, &params, &signature));
                // The parameters' order does not matter.
                let reversed: Vec<_> = params.iter().rev().cloned().collect();
                prop_assert!(validate(&token, &url, &reversed, &signature));
            }

            #[test]
            fn one_byte_changed_in_the_url_is_refused(
                url in url(),
                params in ascii_params(),
                at in any::<Index>(),
                shift in 1u8..95,
            ) {
                let signature = sign("12345", &url, &params);
                let changed = change_byte(&url, at, shift);
                prop_assert_ne!(&changed, &url);
                prop_assert!(!validate("12345", &changed, &params, &signature), "{}", changed);
            }

            #[test]
            fn one_byte_changed_in_a_param_is_refused(
                url in url(),
                params in ascii_params(),
                which in any::<Index>(),
                in_value in any::<bool>(),
                at in any::<Index>(),
                shift in 1u8..95,
            ) {
                let signature = sign("12345", &url, &params);
                let mut changed = params.clone();
                let (name, value) = &mut changed[which.index(params.len())];
                // Names are never empty; an empty value leaves the name to change.
                let field = if in_value && !value.is_empty() { value } else { name };
                *field = change_byte(field, at, shift);
                prop_assert!(!validate("12345", &url, &changed, &signature), "{:?}", changed);
            }

            #[test]
            fn one_byte_changed_in_the_signature_is_refused(
                url in url(),
                params in ascii_params(),
                at in any::<Index>(),
                shift in 1u8..95,
            ) {
                let signature = sign("12345", &url, &params);
                let changed = change_byte(&signature, at, shift);
                prop_assert!(!validate("12345", &url, &params, &changed), "{}", changed);
            }
        }
    }
}
