//! `convsms sim --seed-file sim.toml`: a simulated Twilio set up from one TOML file that a team
//! shares (the account, its numbers and their webhooks, API keys, Messaging Services, carrier
//! profiles, opt-outs), so everyone's simulator starts the same. The format, with an example, is
//! `docs/sim-seed.md` (`docs/sim-seed.toml` is the example, loaded by a test).
//!
//! Reading it: TOML through `toml` + serde, unknown keys refused; every error says the file, the
//! line and column, what was wrong and what was expected (`sim.toml:12:7: …`). The account
//! (`[account]`) is read before the simulator starts and replaces `--account-sid`,
//! `--auth-token` and `--sms-url` (the file is the shared setup); the rest is applied to the
//! running simulator through its Rust API, in the file's order within each kind: numbers, keys,
//! services, carriers, opt-outs. The first refusal stops `convsms sim` with exit status 2 before
//! it prints its base URL. Numbers declared in the file come after any `--number`; without
//! `--number`, the default `+14155550100` is not added when the file declares numbers.
//!
//! One account per simulator: Twilio's subaccounts are not simulated (start one simulator per
//! account). Opt-outs are state, not configuration: `POST /_sim/reset` forgets them.

use std::fmt;
use std::path::Path;

use convsms_sim::{CarrierProfile, NumberUpdate, ServiceSetup, SimConfig, Simulator};
use serde::Deserialize;
use toml::Spanned;
use twilio_wire::phone_number::Capabilities;

/// Why a seed file was refused: where, and what was wrong and expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// The file as named on the command line.
    pub file: String,
    /// 1-based line, 0 when the error is about the whole file (it cannot be read).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for SeedError {}

/// `[account]`: the simulated account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountSeed {
    /// `AC` + 32 hex.
    sid: Option<Spanned<String>>,
    /// The Auth Token.
    auth_token: Option<Spanned<String>>,
    /// The simulator-wide SMS URL, for numbers without one of their own.
    sms_url: Option<Spanned<String>>,
}

/// What a number can do; unset capabilities take Twilio's US local defaults.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CapabilitiesSeed {
    voice: Option<bool>,
    sms: Option<bool>,
    mms: Option<bool>,
    fax: Option<bool>,
}

/// `[[numbers]]`: a number the account owns, with its IncomingPhoneNumber settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberSeed {
    number: Spanned<String>,
    friendly_name: Option<String>,
    sms_url: Option<String>,
    sms_method: Option<String>,
    sms_fallback_url: Option<String>,
    sms_fallback_method: Option<String>,
    status_callback: Option<String>,
    status_callback_method: Option<String>,
    capabilities: Option<CapabilitiesSeed>,
}

/// `[[keys]]`: an API key, given whole (`sid`, and `secret` or the generated one) or created
/// (`SK` + the next counter).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeySeed {
    sid: Option<String>,
    secret: Option<String>,
    #[serde(default)]
    friendly_name: String,
}

/// `[[services]]`: a Messaging Service and its sender pool.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceSeed {
    friendly_name: String,
    inbound_request_url: Option<String>,
    fallback_url: Option<String>,
    status_callback: Option<String>,
    sticky_sender: Option<bool>,
    use_inbound_webhook_on_number: Option<bool>,
    area_code_geomatch: Option<bool>,
    smart_encoding: Option<bool>,
    mms_converter: Option<bool>,
    validity_period: Option<u32>,
    usecase: Option<String>,
    #[serde(default)]
    senders: Vec<String>,
}

/// `[[carriers]]`: how a handset's carrier treats messages to it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CarrierSeed {
    handset: Spanned<String>,
    profile: CarrierProfile,
}

/// `[[opt_outs]]`: a handset that has texted STOP to one of the account's numbers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptOutSeed {
    handset: Spanned<String>,
    number: Spanned<String>,
}

/// The file's shape.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    account: Option<AccountSeed>,
    #[serde(default)]
    numbers: Vec<Spanned<NumberSeed>>,
    #[serde(default)]
    keys: Vec<Spanned<KeySeed>>,
    #[serde(default)]
    services: Vec<Spanned<ServiceSeed>>,
    #[serde(default)]
    carriers: Vec<Spanned<CarrierSeed>>,
    #[serde(default)]
    opt_outs: Vec<Spanned<OptOutSeed>>,
}

/// A read seed file, ready to configure and apply.
#[derive(Debug)]
pub struct Seed {
    file: String,
    text: String,
    seed: SeedFile,
}

/// What a seed set up, for the banner.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Numbers declared.
    pub numbers: usize,
    /// API keys declared.
    pub keys: usize,
    /// Messaging Services declared.
    pub services: usize,
}

impl Seed {
    /// Reads and checks the shape of the seed file at `path`.
    ///
    /// # Errors
    /// [`SeedError`]: the file cannot be read (line 0), is not TOML, has an unknown key, a
    /// missing one or a value of the wrong type (with its line and column), or a bad account
    /// value (SID, token, SMS URL).
    pub fn load(path: &Path) -> Result<Seed, SeedError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SeedError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the seed file: {e}"),
        })?;
        Seed::parse(&file, text)
    }

    /// [`Seed::load`] of `text`, named `file` in errors.
    ///
    /// # Errors
    /// As [`Seed::load`].
    pub fn parse(file: &str, text: String) -> Result<Seed, SeedError> {
        let seed: SeedFile = toml::from_str(&text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let (line, column) = line_column(&text, at);
            SeedError {
                file: file.to_owned(),
                line,
                column,
                message: format!(
                    "{}; expected the format of docs/sim-seed.md",
                    e.message().trim_end()
                ),
            }
        })?;
        let seed = Seed {
            file: file.to_owned(),
            text,
            seed,
        };
        seed.check_account()?;
        Ok(seed)
    }

    /// An error at byte `at` of the file.
    fn error_at(&self, at: usize, message: impl Into<String>) -> SeedError {
        let (line, column) = line_column(&self.text, at);
        SeedError {
            file: self.file.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    fn check_account(&self) -> Result<(), SeedError> {
        let Some(account) = &self.seed.account else {
            return Ok(());
        };
        type Check = fn(&str) -> Result<String, String>;
        let checks: [(&Option<Spanned<String>>, Check); 3] = [
            (&account.sid, crate::sim_cmd::parse_account_sid),
            (&account.auth_token, crate::sim_cmd::parse_auth_token),
            (&account.sms_url, crate::sim_cmd::parse_sms_url),
        ];
        for (value, check) in checks {
            if let Some(v) = value {
                check(v.get_ref()).map_err(|e| self.error_at(v.span().start, e))?;
            }
        }
        Ok(())
    }

    /// Sets the account of `config` from `[account]`; when the file declares numbers and the
    /// command line gave none (`cli_numbers` empty), drops the default number.
    pub fn configure(&self, config: &mut SimConfig, cli_numbers: &[String]) {
        if let Some(account) = &self.seed.account {
            if let Some(sid) = &account.sid {
                config.account_sid = sid.get_ref().clone();
            }
            if let Some(token) = &account.auth_token {
                config.auth_token = token.get_ref().clone();
            }
            if let Some(url) = &account.sms_url {
                config.sms_url = Some(url.get_ref().clone());
            }
        }
        if cli_numbers.is_empty() && !self.seed.numbers.is_empty() {
            config.numbers.clear();
        }
    }

    /// Applies numbers, keys, services, carriers and opt-outs to `sim`, in that order.
    ///
    /// # Errors
    /// The first refused entry, at its line (of the value, or of the entry's `[[…]]` header when
    /// the refusal is about the entry): a number that is not strict E.164, a URL or method
    /// the simulator refuses, a key SID that is malformed or declared twice, a secret without a
    /// SID, a service parameter the API refuses or a sender that is not a declared number.
    pub fn apply(&self, sim: &Simulator) -> Result<Applied, SeedError> {
        for entry in &self.seed.numbers {
            let at = entry.span().start;
            let n = entry.get_ref();
            let number = crate::sim_cmd::parse_e164(n.number.get_ref())
                .map_err(|e| self.error_at(n.number.span().start, e))?;
            let defaults = Capabilities::default();
            let update = NumberUpdate {
                friendly_name: n.friendly_name.clone(),
                sms_url: n.sms_url.clone(),
                sms_method: n.sms_method.clone(),
                sms_fallback_url: n.sms_fallback_url.clone(),
                sms_fallback_method: n.sms_fallback_method.clone(),
                status_callback: n.status_callback.clone(),
                status_callback_method: n.status_callback_method.clone(),
                capabilities: n.capabilities.as_ref().map(|c| Capabilities {
                    voice: c.voice.unwrap_or(defaults.voice),
                    sms: c.sms.unwrap_or(defaults.sms),
                    mms: c.mms.unwrap_or(defaults.mms),
                    fax: c.fax.unwrap_or(defaults.fax),
                }),
                // Voice settings are the REST API's (the simulator has no calls).
                ..NumberUpdate::default()
            };
            sim.provision_number(&number, update)
                .map_err(|e| self.error_at(at, format!("number {number}: {}", bare(&e))))?;
        }
        for entry in &self.seed.keys {
            let at = entry.span().start;
            let k = entry.get_ref();
            match (&k.sid, &k.secret) {
                (Some(sid), secret) => {
                    sim.add_key(sid, secret.as_deref(), &k.friendly_name)
                        .map_err(|e| self.error_at(at, e.to_string()))?;
                }
                (None, Some(_)) => {
                    return Err(self.error_at(
                        at,
                        "a key with a secret needs its sid; expected sid = \"SK…\" (32 hex \
                         digits) beside the secret, or neither to have one created",
                    ))
                }
                (None, None) => {
                    sim.create_key(&k.friendly_name);
                }
            }
        }
        for entry in &self.seed.services {
            let at = entry.span().start;
            let s = entry.get_ref();
            let mut params = vec![("FriendlyName".to_owned(), s.friendly_name.clone())];
            let mut put = |name: &str, value: Option<String>| {
                if let Some(v) = value {
                    params.push((name.to_owned(), v));
                }
            };
            put("InboundRequestUrl", s.inbound_request_url.clone());
            put("FallbackUrl", s.fallback_url.clone());
            put("StatusCallback", s.status_callback.clone());
            put("StickySender", s.sticky_sender.map(|b| b.to_string()));
            put(
                "UseInboundWebhookOnNumber",
                s.use_inbound_webhook_on_number.map(|b| b.to_string()),
            );
            put(
                "AreaCodeGeomatch",
                s.area_code_geomatch.map(|b| b.to_string()),
            );
            put("SmartEncoding", s.smart_encoding.map(|b| b.to_string()));
            put("MmsConverter", s.mms_converter.map(|b| b.to_string()));
            put("ValidityPeriod", s.validity_period.map(|v| v.to_string()));
            put("Usecase", s.usecase.clone());
            sim.create_service(&ServiceSetup {
                params,
                senders: s.senders.clone(),
            })
            .map_err(|e| {
                self.error_at(at, format!("service \"{}\": {}", s.friendly_name, bare(&e)))
            })?;
        }
        for entry in &self.seed.carriers {
            let c = entry.get_ref();
            let handset = crate::sim_cmd::parse_e164(c.handset.get_ref())
                .map_err(|e| self.error_at(c.handset.span().start, e))?;
            sim.set_carrier(&handset, c.profile);
        }
        for entry in &self.seed.opt_outs {
            let o = entry.get_ref();
            let handset = crate::sim_cmd::parse_e164(o.handset.get_ref())
                .map_err(|e| self.error_at(o.handset.span().start, e))?;
            let number = crate::sim_cmd::parse_e164(o.number.get_ref())
                .map_err(|e| self.error_at(o.number.span().start, e))?;
            sim.add_opt_out(&number, &handset);
        }
        Ok(Applied {
            numbers: self.seed.numbers.len(),
            keys: self.seed.keys.len(),
            services: self.seed.services.len(),
        })
    }
}

/// A simulator error's message without its "invalid simulator configuration: " prefix.
fn bare(e: &convsms_sim::SimError) -> String {
    match e {
        convsms_sim::SimError::InvalidConfig(m) => m.clone(),
        other => other.to_string(),
    }
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Seed, SeedError> {
        Seed::parse("sim.toml", text.to_owned())
    }

    async fn started(seed: &Seed) -> Simulator {
        let mut config = SimConfig::for_tests();
        config.numbers = vec!["+14155550100".into()];
        seed.configure(&mut config, &[]);
        let clock = crate::sim_clock::for_simulator(convsms::clock::SystemClock);
        Simulator::start(config, clock).await.unwrap()
    }

    #[test]
    fn errors_name_the_file_line_column_and_what_was_expected() {
        let err = parse("[account]\nsid = \"AC1\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 7), "{err}");
        assert!(
            err.to_string().starts_with("sim.toml:2:7: 'AC1' is not an Account SID; expected AC followed by 32 hexadecimal digits"),
            "{err}"
        );
        let err = parse("[[numbers]]\nnumber = \"+14155550100\"\nsms_urll = \"x\"\n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("unknown field `sms_urll`"), "{err}");
        assert!(
            err.message
                .contains("expected the format of docs/sim-seed.md"),
            "{err}"
        );
        let err =
            parse("[[carriers]]\nhandset = \"+14155552671\"\nprofile = \"busy\"\n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("unknown variant `busy`"), "{err}");
        let err = parse("[[services]]\nsenders = []\n").unwrap_err();
        assert!(
            err.message.contains("missing field `friendly_name`"),
            "{err}"
        );
        let err = parse("numbers = 3").unwrap_err();
        assert_eq!(err.line, 1);
        let err = Seed::load(Path::new("/nonexistent/sim.toml")).unwrap_err();
        assert_eq!(err.line, 0);
        assert!(err
            .to_string()
            .starts_with("/nonexistent/sim.toml: cannot read the seed file"));
    }

    #[tokio::test]
    async fn a_seed_sets_up_numbers_keys_services_carriers_and_opt_outs() {
        let seed = parse(
            r#"
[account]
sid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
auth_token = "team-token"
sms_url = "http://127.0.0.1:8080/sms"

[[numbers]]
number = "+14155550101"
sms_url = "http://127.0.0.1:8081/sms"
capabilities = { mms = false }

[[numbers]]
number = "+14155550102"

[[keys]]
sid = "SK000000000000000000000000000000aa"
secret = "shared-team-secret"
friendly_name = "ci"

[[keys]]
friendly_name = "made here"

[[services]]
friendly_name = "Support"
status_callback = "http://127.0.0.1:8080/status"
senders = ["+14155550102"]

[[carriers]]
handset = "+14155552672"
profile = "landline"

[[opt_outs]]
handset = "+14155552673"
number = "+14155550101"
"#,
        )
        .unwrap();
        let sim = started(&seed).await;
        let applied = seed.apply(&sim).unwrap();
        assert_eq!(
            applied,
            Applied {
                numbers: 2,
                keys: 2,
                services: 1
            }
        );
        assert_eq!(sim.account_sid(), "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(sim.auth_token(), "team-token");
        let numbers: Vec<String> = sim
            .incoming_phone_numbers()
            .into_iter()
            .map(|n| n.phone_number)
            .collect();
        assert_eq!(
            numbers,
            ["+14155550101", "+14155550102"],
            "no default number"
        );
        let first = sim.incoming_phone_number("+14155550101").unwrap();
        assert_eq!(first.sms_url, "http://127.0.0.1:8081/sms");
        assert!(first.capabilities.sms && !first.capabilities.mms);
        let keys: Vec<String> = sim.keys().into_iter().map(|k| k.sid.to_string()).collect();
        assert_eq!(
            keys,
            [
                "SK000000000000000000000000000000aa",
                "SK000000000000000000000000000000ab"
            ]
        );
        let services = sim.services();
        assert_eq!(services.len(), 1);
        assert_eq!(
            services[0].status_callback.as_deref(),
            Some("http://127.0.0.1:8080/status")
        );
        assert_eq!(sim.carrier("+14155552672"), CarrierProfile::Landline);
        assert!(sim.is_opted_out("+14155550101", "+14155552673"));
        sim.shutdown().await;
    }

    #[tokio::test]
    async fn a_refused_entry_names_its_line() {
        for (text, line, wanted) in [
            (
                "[[numbers]]\nnumber = \"+1 415 555 0101\"\n",
                2,
                "did you mean +14155550101?",
            ),
            (
                "[[numbers]]\nnumber = \"+14155550101\"\n\n[[numbers]]\nnumber = \"+14155550102\"\nsms_url = \"ftp://x\"\n",
                4,
                "number +14155550102: Invalid Url: sms_url 'ftp://x' is not an absolute http(s) URL",
            ),
            (
                "[[keys]]\nsecret = \"abc\"\n",
                1,
                "a key with a secret needs its sid",
            ),
            (
                "[[keys]]\nsid = \"SK1\"\n",
                1,
                "'SK1' is not an API Key SID",
            ),
            (
                "[[services]]\nfriendly_name = \"S\"\nsenders = [\"+14155550199\"]\n",
                1,
                "service \"S\": +14155550199 is not one of the account's numbers",
            ),
            (
                "[[opt_outs]]\nhandset = \"+14155552671\"\nnumber = \"0100\"\n",
                3,
                "'0100' is not an E.164 number",
            ),
        ] {
            let seed = parse(text).unwrap();
            let sim = started(&seed).await;
            let err = seed.apply(&sim).unwrap_err();
            assert_eq!(err.line, line, "{text}: {err}");
            assert!(err.message.contains(wanted), "{text}: {err}");
            sim.shutdown().await;
        }
    }

    #[tokio::test]
    async fn the_documented_example_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/sim-seed.toml");
        let seed = Seed::load(&path).unwrap();
        let sim = started(&seed).await;
        let applied = seed.apply(&sim).unwrap();
        assert!(applied.numbers >= 2 && applied.keys >= 1 && applied.services >= 1);
        sim.shutdown().await;
    }
}
