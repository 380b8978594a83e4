//! Loopback-only HTTP guards for servers that must answer only local tools: pure checks of the
//! `Host`, `Origin` and `Content-Type` request headers, for any HTTP stack to wrap in its own
//! middleware (the simulator's is `convsms_sim::loopback`).
//!
//! Why: a server on `127.0.0.1` is still reachable from a web page the developer's browser has
//! open. A page on another site can send *simple* cross-site POSTs (`Content-Type: text/plain`,
//! `application/x-www-form-urlencoded` or `multipart/form-data`, no preflight), and through DNS
//! rebinding (a hostile name that resolves to 127.0.0.1) even read the answers. Three checks
//! close that:
//!
//! * [`check_host`]: the `Host` must name the loopback interface (`127.0.0.1`, `localhost` or
//!   `[::1]`, any port); a rebound name (`evil.example:4010`) is refused (403).
//! * [`check_origin`]: an `Origin`, when a browser sent one, must be a loopback origin
//!   (`http://` or `https://` + a loopback host, any port); anything else (`https://evil.example`,
//!   `null`) is refused (403). Tools such as curl and the SDKs send no `Origin`.
//! * [`check_content_type`]: a mutating request must declare one of the media types the route
//!   reads (`application/json`, say), which a cross-site simple request cannot send without a
//!   CORS preflight the server never grants (415).
//!
//! Each refusal is a [`Refusal`]: the HTTP status and a message that says what was wrong and what
//! was expected, for the server to render in its own error shape.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Why a request was refused: the HTTP status to answer (403 or 415) and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    /// 403 (foreign `Host` or `Origin`) or 415 (wrong `Content-Type`).
    pub status: u16,
    /// What was wrong and what was expected, for example `the Origin 'https://evil.example' is
    /// not a loopback origin; expected http://127.0.0.1, http://localhost or http://[::1] (any
    /// port), or no Origin header`.
    pub message: String,
}

/// The loopback names accepted, for messages.
const EXPECTED_HOSTS: &str = "127.0.0.1, localhost or [::1] (any port)";

/// At most this many characters of a refused value are quoted back (a header can be long).
const QUOTE_AT_MOST: usize = 80;

/// `value` for a message: at most [`QUOTE_AT_MOST`] characters, then `…`.
fn quoted(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(QUOTE_AT_MOST).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// True when `port` is empty (no port) or `:` followed by a decimal port number (0–65535).
fn is_port_suffix(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => {
            !digits.is_empty()
                && digits.len() <= 5
                && digits.bytes().all(|b| b.is_ascii_digit())
                && digits.parse::<u16>().is_ok()
        }
    }
}

/// True when `authority` (a `Host` header value, or an origin without its scheme) is a loopback
/// name with an optional port: `127.0.0.1`, `localhost` (any case) or `[::1]`, each optionally
/// followed by `:PORT`. Other addresses of 127.0.0.0/8, a trailing dot (`localhost.`) and any
/// user info or path are refused.
pub fn is_loopback_authority(authority: &str) -> bool {
    if let Some(rest) = authority.strip_prefix('[') {
        let Some((ip, port)) = rest.split_once(']') else {
            return false;
        };
        return ip.parse::<Ipv6Addr>() == Ok(Ipv6Addr::LOCALHOST) && is_port_suffix(port);
    }
    let (host, port) = match authority.rfind(':') {
        Some(i) => authority.split_at(i),
        None => (authority, ""),
    };
    let named = host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>() == Ok(Ipv4Addr::LOCALHOST);
    named && is_port_suffix(port)
}

/// Checks a request's `Host` header (`None` when absent). An absent `Host` passes: only
/// HTTP/1.0 clients and in-process calls omit it, never a browser.
///
/// # Errors
/// 403 when `host` is not a loopback name ([`is_loopback_authority`]), for example
/// `evil.example:4010` (DNS rebinding) or `192.168.1.5:4010`.
pub fn check_host(host: Option<&str>) -> Result<(), Refusal> {
    match host {
        None => Ok(()),
        Some(h) if is_loopback_authority(h.trim()) => Ok(()),
        Some(h) => Err(Refusal {
            status: 403,
            message: format!(
                "the Host '{}' is not a loopback name; this server only answers requests \
                 addressed to {EXPECTED_HOSTS}",
                quoted(h)
            ),
        }),
    }
}

/// Checks a request's `Origin` header (`None` when absent). An absent `Origin` passes (curl, the
/// SDKs, server-side apps); a present one must be `http://` or `https://` followed by a loopback
/// authority ([`is_loopback_authority`]), with no path.
///
/// # Errors
/// 403 for any other origin: another site (`https://evil.example`), an opaque origin (`null`,
/// from a sandboxed frame or a `file:` page), another scheme.
pub fn check_origin(origin: Option<&str>) -> Result<(), Refusal> {
    let Some(origin) = origin else {
        return Ok(());
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    if authority.is_some_and(is_loopback_authority) {
        return Ok(());
    }
    Err(Refusal {
        status: 403,
        message: format!(
            "the Origin '{}' is not a loopback origin; expected http://127.0.0.1, \
             http://localhost or http://[::1] (any port; https too), or no Origin header",
            quoted(origin)
        ),
    })
}

/// The media type of a `Content-Type` value, lowercase, without parameters:
/// `Application/JSON; charset=utf-8` → `application/json`.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Checks a mutating request's `Content-Type` (`None` when absent) against the media types the
/// route reads (`accepted`, lowercase, for example `["application/json"]`); parameters such as
/// `charset` are ignored.
///
/// # Errors
/// 415 when the header is absent or names another media type (`text/plain`, what a cross-site
/// form or `fetch` sends without a preflight), saying which types the route takes.
pub fn check_content_type(content_type: Option<&str>, accepted: &[&str]) -> Result<(), Refusal> {
    let given = content_type.map(media_type);
    if given
        .as_deref()
        .is_some_and(|g| accepted.iter().any(|a| a.eq_ignore_ascii_case(g)))
    {
        return Ok(());
    }
    let expected = match accepted {
        [one] => format!("Content-Type: {one}"),
        many => format!("a Content-Type of {}", many.join(" or ")),
    };
    let got = match content_type {
        None => "no Content-Type".to_owned(),
        Some(ct) => format!("Content-Type '{}'", quoted(ct)),
    };
    Err(Refusal {
        status: 415,
        message: format!("this request has {got}; expected {expected}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_authorities_with_or_without_a_port() {
        for ok in [
            "127.0.0.1",
            "127.0.0.1:4010",
            "localhost",
            "LocalHost:80",
            "[::1]",
            "[::1]:4010",
            "[0:0:0:0:0:0:0:1]:1",
            "localhost:65535",
        ] {
            assert!(is_loopback_authority(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:4010",
            "localhost.",
            "localhost.evil.example",
            "127.0.0.2:4010",
            "127.1",
            "0.0.0.0:4010",
            "192.168.1.5:4010",
            "[::2]:4010",
            "[::1",
            "localhost:",
            "localhost:65536",
            "localhost:40a",
            "user@localhost:4010",
            "localhost:4010/x",
            "[::1]x",
        ] {
            assert!(!is_loopback_authority(bad), "{bad}");
        }
    }

    #[test]
    fn host_refusals_say_what_is_expected() {
        assert_eq!(check_host(None), Ok(()));
        assert_eq!(check_host(Some("127.0.0.1:4010")), Ok(()));
        let e = check_host(Some("evil.example:4010")).unwrap_err();
        assert_eq!(e.status, 403);
        assert!(e.message.contains("'evil.example:4010'"), "{e}");
        assert!(e.message.contains("127.0.0.1, localhost or [::1]"), "{e}");
        let long = "a".repeat(100_000);
        let e = check_host(Some(&long)).unwrap_err();
        assert!(e.message.len() < 300, "the value is quoted short");
    }

    #[test]
    fn only_loopback_origins_pass() {
        assert_eq!(check_origin(None), Ok(()));
        for ok in [
            "http://127.0.0.1:3000",
            "http://localhost:8080",
            "http://[::1]:4010",
            "https://localhost",
        ] {
            assert_eq!(check_origin(Some(ok)), Ok(()), "{ok}");
        }
        for bad in [
            "https://evil.example",
            "null",
            "http://localhost.evil.example",
            "file://",
            "ftp://localhost",
            "http://localhost:3000/path",
            "http://127.0.0.1.nip.io",
        ] {
            let e = check_origin(Some(bad)).unwrap_err();
            assert_eq!(e.status, 403, "{bad}");
            assert!(e.message.contains("not a loopback origin"), "{e}");
        }
    }

    #[test]
    fn content_types_are_compared_without_parameters() {
        let json = ["application/json"];
        assert_eq!(check_content_type(Some("application/json"), &json), Ok(()));
        assert_eq!(
            check_content_type(Some("Application/JSON; charset=utf-8"), &json),
            Ok(())
        );
        let e = check_content_type(Some("text/plain"), &json).unwrap_err();
        assert_eq!(e.status, 415);
        assert_eq!(
            e.message,
            "this request has Content-Type 'text/plain'; expected Content-Type: application/json"
        );
        let e = check_content_type(None, &json).unwrap_err();
        assert!(e.message.contains("has no Content-Type"), "{e}");
        let both = ["application/json", "application/x-www-form-urlencoded"];
        assert_eq!(
            check_content_type(Some("application/x-www-form-urlencoded"), &both),
            Ok(())
        );
        let e = check_content_type(Some("multipart/form-data; boundary=x"), &both).unwrap_err();
        assert!(
            e.message.ends_with(
                "expected a Content-Type of application/json or application/x-www-form-urlencoded"
            ),
            "{e}"
        );
    }
}
