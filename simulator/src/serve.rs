//! The simulator's HTTP server: accepting connections on its loopback listener and serving the
//! app on each with hyper's HTTP/1.1 server, with the time limits a long-running local server
//! needs, and a graceful stop.
//!
//! * **Header-read and idle timeout** ([`crate::SimConfig::header_read_timeout`], 30 s by
//!   default): hyper's `header_read_timeout`. A connection that has not sent a complete request
//!   head within it is closed: one that sends part of its headers and stalls, and also one idle
//!   on keep-alive between requests (hyper 1.x starts the timer whenever it waits for the next
//!   request head). So a client that opens connections and leaves them idle cannot hold the
//!   server's file descriptors.
//! * **Body-read timeout** ([`crate::SimConfig::body_read_timeout`], 30 s): every handler reads a
//!   request body whole within that time or answers 408 (see `body`).
//! * **Accept errors**: when `accept` fails (`EMFILE`, "Too many open files", being the usual
//!   one) the loop waits before trying again, 10 ms after the first failure and doubling up to
//!   1 s, instead of spinning; it logs the 1st, 2nd, 4th, 8th… failure of a streak (error level)
//!   and, once a connection is accepted again, how many failed (warn level). Aborted or reset
//!   connections are skipped at once without a log.
//! * **HTTP/1.1 only** (and 1.0): every Twilio SDK, curl and browsers speak it to an `http://`
//!   URL; HTTP/2 prior knowledge is not served.
//! * **Stop**: on the stop signal the listener closes, idle connections close at once, and
//!   requests in progress finish first (hyper-util's `GracefulShutdown`).

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// How long to wait after the first failed `accept` of a streak.
const FIRST_BACKOFF: Duration = Duration::from_millis(10);
/// The longest wait between two failed `accept`s.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// The backoff between failed `accept`s and which failures are worth a log line.
///
/// The wait grows with the current streak of failures and starts again after an accepted
/// connection; the log lines thin out over the server's whole life (the 1st, 2nd, 4th, 8th…
/// failure ever), so a server that keeps running out of descriptors, accepting a few
/// connections between streaks, logs O(log n) lines for n failures.
#[derive(Debug, Default)]
pub(crate) struct AcceptBackoff {
    /// Failures since the last accepted connection.
    streak: u32,
    /// Failures since the server started.
    total: u64,
    /// Whether a failure of the current streak was logged.
    logged: bool,
}

impl AcceptBackoff {
    /// Records a failed `accept`: how long to wait before the next one ([`FIRST_BACKOFF`],
    /// doubling with the streak, at most [`MAX_BACKOFF`]) and whether to log this failure (the
    /// 1st, 2nd, 4th, 8th… since the server started).
    pub(crate) fn failed(&mut self) -> (Duration, bool) {
        self.streak = self.streak.saturating_add(1);
        self.total = self.total.saturating_add(1);
        let doublings = (self.streak - 1).min(16);
        let wait = FIRST_BACKOFF
            .saturating_mul(1 << doublings)
            .min(MAX_BACKOFF);
        let log = self.total.is_power_of_two();
        self.logged |= log;
        (wait, log)
    }

    /// Records an accepted connection, which ends the streak: how many `accept`s of the streak
    /// failed, when one of them was logged (so that the recovery is logged too).
    pub(crate) fn succeeded(&mut self) -> Option<u32> {
        let streak = std::mem::take(&mut self.streak);
        std::mem::take(&mut self.logged).then_some(streak)
    }

    /// Failures since the server started.
    pub(crate) fn total(&self) -> u64 {
        self.total
    }
}

/// True for errors of one incoming connection (aborted or reset before it was accepted): the
/// listener is fine, the next `accept` is tried at once.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// Serves `app` on `listener` until `stop` fires (or its sender is dropped), then stops
/// gracefully: see the module docs. Connections whose request head does not arrive within
/// `header_read_timeout` are closed.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    header_read_timeout: Duration,
    mut stop: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let mut backoff = AcceptBackoff::default();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => {
                if let Some(failures) = backoff.succeeded() {
                    tracing::warn!(failures, "accepting connections again");
                }
                stream
            }
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                let (wait, log) = backoff.failed();
                if log {
                    tracing::error!(
                        error = %e,
                        failures = backoff.total(),
                        wait_ms = wait.as_millis() as u64,
                        "cannot accept connections; backing off (logged again after twice as many failures)"
                    );
                }
                tokio::select! {
                    () = tokio::time::sleep(wait) => continue,
                    _ = &mut stop => break,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout)
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // A header-read timeout, a client that went away, a malformed request head.
                tracing::debug!(error = %e, "connection closed");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::sync::Arc;

    use super::*;
    use crate::test_support::{t0, FixedClock};
    use crate::{SimConfig, Simulator};

    #[test]
    fn backoff_doubles_to_a_second_and_logs_ever_more_rarely() {
        let mut b = AcceptBackoff::default();
        let waits: Vec<(u64, bool)> = (0..10)
            .map(|_| {
                let (w, log) = b.failed();
                (w.as_millis() as u64, log)
            })
            .collect();
        assert_eq!(
            waits,
            [
                (10, true),
                (20, true),
                (40, false),
                (80, true),
                (160, false),
                (320, false),
                (640, false),
                (1000, true),
                (1000, false),
                (1000, false)
            ]
        );
        for _ in 0..100_000 {
            assert!(b.failed().0 <= MAX_BACKOFF);
        }
        assert_eq!(b.succeeded(), Some(100_010));
        assert_eq!(b.succeeded(), None);
        // A new streak waits briefly again, but is not logged: 100,011 is no power of two.
        assert_eq!(b.failed(), (FIRST_BACKOFF, false));
        assert_eq!(b.succeeded(), None, "nothing logged, no recovery line");
        assert_eq!(b.total(), 100_011);
    }

    async fn sim_with_timeouts(header: Duration, body: Duration) -> Simulator {
        let config = SimConfig {
            header_read_timeout: header,
            body_read_timeout: body,
            ..SimConfig::for_tests()
        };
        Simulator::start(config, Arc::new(FixedClock(t0())))
            .await
            .unwrap()
    }

    /// Connects to `sim`, writes `sent`, and reads until the server closes the connection
    /// (EOF or reset), within `bound`; what it read.
    fn read_until_closed(sim: &Simulator, sent: &[u8], bound: Duration) -> String {
        let addr = sim.base_url().trim_start_matches("http://").to_owned();
        let mut socket = TcpStream::connect(addr).unwrap();
        socket.write_all(sent).unwrap();
        socket.set_read_timeout(Some(bound)).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match socket.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("the server kept the connection open past {bound:?}: {e}"),
            }
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stalled_request_head_or_an_idle_connection_is_closed() {
        let sim = sim_with_timeouts(Duration::from_millis(200), Duration::from_secs(30)).await;
        let bound = Duration::from_secs(20);
        let partial = tokio::task::block_in_place(|| {
            read_until_closed(
                &sim,
                b"GET /_sim/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow:",
                bound,
            )
        });
        assert_eq!(partial, "", "closed without an answer");
        // A whole request is answered; the connection, then idle on keep-alive, is closed too.
        let idle = tokio::task::block_in_place(|| {
            read_until_closed(
                &sim,
                b"GET /_sim/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                bound,
            )
        });
        assert!(idle.starts_with("HTTP/1.1 200 OK\r\n"), "{idle}");
        assert!(
            idle.ends_with("\r\n\r\n{\"messages\":[],\"next\":null}"),
            "{idle}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_malformed_request_body_gets_400_in_twilios_shape() {
        let sim = sim_with_timeouts(Duration::from_secs(30), Duration::from_secs(30)).await;
        let request = format!(
            "POST /2010-04-01/Accounts/{}/Messages.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nTo=%2\r\nzz\r\n",
            sim.account_sid()
        );
        let answer = tokio::task::block_in_place(|| {
            read_until_closed(&sim, request.as_bytes(), Duration::from_secs(20))
        });
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
        let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        crate::test_support::assert_error_shape(&v, 20001, 400);
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .starts_with("the request body could not be read: "),
            "{v}"
        );
        assert!(sim.messages().is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stalled_request_body_gets_408_in_twilios_shape() {
        let sim = sim_with_timeouts(Duration::from_secs(30), Duration::from_millis(200)).await;
        let request = format!(
            "POST /2010-04-01/Accounts/{}/Messages.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\
             Connection: close\r\n\r\nTo=%2B1",
            sim.account_sid()
        );
        let answer = tokio::task::block_in_place(|| {
            read_until_closed(&sim, request.as_bytes(), Duration::from_secs(20))
        });
        assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
        let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        crate::test_support::assert_error_shape(&v, 20001, 408);
        assert!(
            v["message"].as_str().unwrap().contains("within 200 ms"),
            "{v}"
        );
    }
}
