//! Phone-number libraries against the libphonenumber corpus: agreement and speed.
//!
//! Run with `cargo bench --bench phone` (release profile). Plain `main`, no criterion. Reports:
//!
//! 1. agreement with `tests/data/phone_corpus.jsonl` (written by `tools/phone_corpus.py` with
//!    Google's libphonenumber, Python port, metadata v9.0.42) of `rlibphonenumber` (through
//!    `convsms::domain::phone::E164::parse`) and of the `phonenumber` crate 0.3.x, on validity and on the
//!    E.164 text, with a few of `phonenumber`'s disagreements;
//! 2. parse + validate throughput in nanoseconds per number, over the corpus inputs with the
//!    default region rotated through every supported region (and once with the corpus's own
//!    default regions);
//! 3. `convsms::domain::phone::validate_lines` over 100,000 lines (the `validate-number` logic).
//!
//! `PHONE_BENCH_PASSES` (default 20) sets how many times the corpus is run through for (2);
//! `phonenumber` 0.3, some hundred times slower, gets a tenth of them (rounded up).

use std::hint::black_box;
use std::io::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use convsms::domain::phone::{validate_lines, Region, E164};

#[derive(serde::Deserialize)]
struct Case {
    input: String,
    default_region: Option<String>,
    parsed: bool,
    valid: bool,
    e164: Option<String>,
    #[serde(default)]
    kind: String,
}

/// What a library says about one input: parsed at all, and the E.164 text when valid.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    NotParsed,
    Invalid,
    Valid(String),
    Panicked,
}

fn rlib(input: &str, region: Option<Region>) -> Verdict {
    match E164::parse(input, region) {
        Ok(e) => Verdict::Valid(e.as_str().to_owned()),
        Err(convsms::domain::phone::PhoneError::Invalid { .. }) => Verdict::Invalid,
        Err(_) => Verdict::NotParsed,
    }
}

fn pn03(input: &str, region: Option<phonenumber::country::Id>) -> Verdict {
    match panic::catch_unwind(AssertUnwindSafe(|| {
        phonenumber::parse(region, input).map(|n| {
            n.is_valid()
                .then(|| n.format().mode(phonenumber::Mode::E164).to_string())
        })
    })) {
        Err(_) => Verdict::Panicked,
        Ok(Err(_)) => Verdict::NotParsed,
        Ok(Ok(None)) => Verdict::Invalid,
        Ok(Ok(Some(e))) => Verdict::Valid(e),
    }
}

fn expected(c: &Case) -> Verdict {
    match (c.parsed, c.valid, &c.e164) {
        (false, _, _) => Verdict::NotParsed,
        (true, true, Some(e)) => Verdict::Valid(e.clone()),
        _ => Verdict::Invalid,
    }
}

#[derive(Default)]
struct Agreement {
    total: usize,
    /// Same validity (valid or not).
    validity: usize,
    /// Same validity and, when valid, the same E.164 text.
    e164: usize,
    /// Same parsed / not parsed.
    parsed: usize,
    panics: usize,
    /// Inputs the corpus says are valid that the library accepts with another E.164 text.
    wrong_number: usize,
    /// (corpus kind, description), in corpus order.
    disagreements: Vec<(String, String)>,
}

impl Agreement {
    fn add(&mut self, c: &Case, got: Verdict) {
        let want = expected(c);
        self.total += 1;
        let valid = |v: &Verdict| matches!(v, Verdict::Valid(_));
        let parsed = |v: &Verdict| !matches!(v, Verdict::NotParsed | Verdict::Panicked);
        self.panics += usize::from(got == Verdict::Panicked);
        self.parsed += usize::from(parsed(&got) == c.parsed);
        if valid(&got) == valid(&want) {
            self.validity += 1;
        }
        if got == want || (!valid(&got) && !valid(&want)) {
            self.e164 += 1;
        } else {
            if valid(&got) && valid(&want) {
                self.wrong_number += 1;
            }
            self.disagreements.push((
                c.kind.clone(),
                format!(
                    "{:?} region {}: libphonenumber {want:?}, got {got:?}",
                    c.input,
                    c.default_region.as_deref().unwrap_or("none")
                ),
            ));
        }
    }

    fn report(&self, name: &str) {
        let pct = |n: usize| 100.0 * n as f64 / self.total as f64;
        println!(
            "{name}: validity {}/{} ({:.2}%), validity+E.164 {}/{} ({:.2}%), parsed-or-not {}/{} ({:.2}%), valid with a different E.164 {}, panics {}",
            self.validity,
            self.total,
            pct(self.validity),
            self.e164,
            self.total,
            pct(self.e164),
            self.parsed,
            self.total,
            pct(self.parsed),
            self.wrong_number,
            self.panics
        );
    }
}

fn per_number(d: Duration, n: usize) -> f64 {
    d.as_nanos() as f64 / n as f64
}

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/phone_corpus.jsonl");
    let text = std::fs::read_to_string(path).expect("tests/data/phone_corpus.jsonl");
    let cases: Vec<Case> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("corpus line"))
        .collect();
    let passes: usize = std::env::var("PHONE_BENCH_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    println!("corpus: {} lines ({path})", cases.len());

    // Regions, once per library, outside the timings.
    let own_rlib: Vec<Option<Region>> = cases
        .iter()
        .map(|c| {
            c.default_region
                .as_deref()
                .map(|r| Region::parse(r).unwrap())
        })
        .collect();
    let mut unknown_to_pn03 = Vec::new();
    let own_pn03: Vec<Option<phonenumber::country::Id>> = cases
        .iter()
        .map(|c| {
            c.default_region.as_deref().and_then(|r| {
                let id = r.parse().ok();
                if id.is_none() && !unknown_to_pn03.contains(&r) {
                    unknown_to_pn03.push(r);
                }
                id
            })
        })
        .collect();
    let mut all: Vec<&str> = cases
        .iter()
        .filter_map(|c| c.default_region.as_deref())
        .collect();
    all.sort_unstable();
    all.dedup();
    let all_rlib: Vec<Region> = all.iter().map(|r| Region::parse(r).unwrap()).collect();
    let all_pn03: Vec<Option<phonenumber::country::Id>> =
        all.iter().map(|r| r.parse().ok()).collect();
    if !unknown_to_pn03.is_empty() {
        println!("regions phonenumber 0.3 cannot name (read with no region): {unknown_to_pn03:?}");
    }

    // Silence the default panic message while phonenumber 0.3 is probed; panics are counted.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));

    // 1. Agreement.
    println!("\n== agreement with libphonenumber 9.0.42 (tests/data/phone_corpus.jsonl) ==");
    let mut a_rlib = Agreement::default();
    let mut a_pn03 = Agreement::default();
    for (i, c) in cases.iter().enumerate() {
        a_rlib.add(c, rlib(&c.input, own_rlib[i]));
        a_pn03.add(c, pn03(&c.input, own_pn03[i]));
    }
    a_rlib.report("rlibphonenumber 2.2 (E164::parse)");
    a_pn03.report("phonenumber 0.3");
    for (_, d) in a_rlib.disagreements.iter().take(10) {
        println!("  rlibphonenumber: {d}");
    }
    let mut kinds: Vec<(&str, usize, &str)> = Vec::new();
    for (k, d) in &a_pn03.disagreements {
        match kinds.iter_mut().find(|(kind, _, _)| kind == k) {
            Some(e) => e.1 += 1,
            None => kinds.push((k, 1, d)),
        }
    }
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    println!(
        "  phonenumber 0.3: {} disagreements on validity or E.164, by corpus kind (count, first example):",
        a_pn03.disagreements.len()
    );
    for (k, count, example) in &kinds {
        println!("    {k:30} {count:4}  {example}");
    }
    let trap = Case {
        input: "+55 11 96123-4567".into(),
        default_region: Some("US".into()),
        parsed: true,
        valid: true,
        e164: Some("+5511961234567".into()),
        kind: "trap".into(),
    };
    println!(
        "  trap {:?} with region US: libphonenumber {:?}, rlibphonenumber {:?}, phonenumber 0.3 {:?}",
        trap.input,
        expected(&trap),
        rlib(&trap.input, Region::parse("US").ok()),
        pn03(&trap.input, Some(phonenumber::country::Id::US))
    );

    if let Ok(n) = phonenumber::parse(Some(phonenumber::country::Id::US), &trap.input) {
        println!(
            "    phonenumber 0.3 reads it as {} (country code {}, national number {})",
            n.format().mode(phonenumber::Mode::E164),
            n.code().value(),
            n.national().value()
        );
    }

    // 2. Throughput: parse + validate, default region rotated through every region.
    // phonenumber 0.3 is two orders of magnitude slower: it gets a tenth of the passes.
    let slow_passes = passes.div_ceil(10);
    println!(
        "\n== parse + validate throughput, {} inputs x {passes} passes ({slow_passes} for phonenumber 0.3), default region rotated through all {} regions ==",
        cases.len(),
        all.len()
    );
    let n = cases.len() * passes;
    let slow_n = cases.len() * slow_passes;
    let t = Instant::now();
    let mut valid = 0usize;
    for p in 0..passes {
        for (i, c) in cases.iter().enumerate() {
            let r = all_rlib[(i + p) % all_rlib.len()];
            valid += usize::from(E164::parse(black_box(&c.input), Some(r)).is_ok());
        }
    }
    let d_rlib = t.elapsed();
    black_box(valid);
    let t = Instant::now();
    let mut valid = 0usize;
    for p in 0..slow_passes {
        for (i, c) in cases.iter().enumerate() {
            let r = all_pn03[(i + p) % all_pn03.len()];
            let ok = panic::catch_unwind(AssertUnwindSafe(|| {
                phonenumber::parse(r, black_box(&c.input)).is_ok_and(|n| n.is_valid())
            }))
            .unwrap_or(false);
            valid += usize::from(ok);
        }
    }
    let d_pn03 = t.elapsed();
    black_box(valid);
    println!(
        "rlibphonenumber: {:.0} ns/number ({n} in {:.2?})",
        per_number(d_rlib, n),
        d_rlib
    );
    println!(
        "phonenumber 0.3: {:.0} ns/number ({slow_n} in {:.2?})",
        per_number(d_pn03, slow_n),
        d_pn03
    );

    let t = Instant::now();
    for _ in 0..passes {
        for (i, c) in cases.iter().enumerate() {
            black_box(E164::parse(black_box(&c.input), own_rlib[i]).is_ok());
        }
    }
    let d_rlib = t.elapsed();
    let t = Instant::now();
    for _ in 0..slow_passes {
        for (i, c) in cases.iter().enumerate() {
            black_box(
                panic::catch_unwind(AssertUnwindSafe(|| {
                    phonenumber::parse(own_pn03[i], black_box(&c.input)).is_ok_and(|n| n.is_valid())
                }))
                .unwrap_or(false),
            );
        }
    }
    let d_pn03 = t.elapsed();
    println!(
        "with the corpus's own default regions: rlibphonenumber {:.0} ns/number, phonenumber 0.3 {:.0} ns/number",
        per_number(d_rlib, n),
        per_number(d_pn03, slow_n)
    );
    panic::set_hook(hook);

    // 3. validate-number: validate_lines over 100,000 lines cycled from the corpus inputs.
    let lines: Vec<&str> = cases
        .iter()
        .map(|c| c.input.as_str())
        .filter(|s| !s.contains(['\n', '\r']))
        .cycle()
        .take(100_000)
        .collect();
    let mut input = Vec::new();
    for l in &lines {
        input.extend_from_slice(l.as_bytes());
        input.push(b'\n');
    }
    println!(
        "\n== validate_lines, 100,000 lines ({} bytes) cycled from the corpus ==",
        input.len()
    );
    for (label, region) in [
        ("no default region", None),
        ("default region US", Region::parse("US").ok()),
    ] {
        let mut out = Vec::with_capacity(16 << 20);
        let t = Instant::now();
        let count = validate_lines(&input[..], &mut out, region)
            .expect("validate_lines")
            .lines;
        let d = t.elapsed();
        let valid = out
            .split(|b| *b == b'\n')
            .filter(|l| l.windows(12).any(|w| w == b"\"valid\":true"))
            .count();
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "{label}: {count} lines in {:.1?} ({:.0} ns/line), {valid} valid, {} bytes of JSON",
            d,
            per_number(d, count as usize),
            out.len()
        )
        .unwrap();
    }
}
