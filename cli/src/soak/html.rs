//! `--html`: a soak's report as one self-contained page (inline CSS and SVG, no script, nothing
//! fetched): the verdict and summary table, then charts drawn by `plotters` (its SVG backend,
//! embedded inline): messages per virtual hour, time to first response and queue wait
//! percentiles, agent utilisation per virtual hour and per agent, the delivery status mix, the
//! faults injected by kind, and the recoveries counted one by one against the faults they met.
//! maud builds the page and escapes every value; only the style sheet and the SVG that plotters
//! drew go in as they are.

use maud::{html, PreEscaped, DOCTYPE};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::metrics::Summary;
use super::report::{plural, Report};

/// Width and height of every chart, in CSS pixels.
const SIZE: (u32, u32) = (760, 320);
const INBOUND: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
const OUTBOUND: RGBColor = RGBColor(0xff, 0x7f, 0x0e);
const THIRD: RGBColor = RGBColor(0x2c, 0xa0, 0x2c);

/// One named series of a chart: its legend, its values (one per x position) and its colour.
struct Series<'a> {
    name: &'a str,
    values: Vec<f64>,
    colour: RGBColor,
}

/// The page of `report`.
///
/// # Errors
/// plotters fails to draw a chart (it does not with finite values).
pub fn render(report: &Report) -> anyhow::Result<String> {
    let m = &report.metrics;
    let charts = charts(m)?;
    let mut summary = vec![];
    report.print(&mut summary)?;
    let summary = String::from_utf8_lossy(&summary).into_owned();
    let o = &report.options;
    let ok = report.passed;
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "convsms soak — seed " (o.seed) " — " (if ok { "passed" } else { "FAILED" }) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header.ok[ok].bad[!ok] {
                    h1 { "convsms soak " span.verdict { (if ok { "passed" } else { "failed" }) } }
                    p {
                        "seed " (o.seed) " · faults " (o.faults) " · " (o.settings()) " · "
                        (report.inbound) " inbound, " (report.outbound) " outbound messages (accepted by Twilio) · "
                        (report.conversations) " conversations · "
                        (super::report::span(report.virtual_seconds)) " of virtual time"
                        @if !report.shards.is_empty() {
                            " · shards "
                            (report.shards.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
                        }
                    }
                    @let missing = report.missing_shards();
                    @if !missing.is_empty() {
                        p.violation {
                            "A partial merge: shard" (if missing.len() == 1 { " " } else { "s " })
                            (missing.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
                            " missing, so every figure covers only the shards listed."
                        }
                    }
                    @if let Some(d) = &o.injected_defect {
                        p.violation {
                            "A defect was injected on purpose (" (crate::soak::defect::ENV) "=" (d)
                            "): this run tests the harness, not the engine."
                        }
                    }
                    @if let Some(v) = &report.violation { p.violation { (v) } }
                }
                main {
                    @for (title, note, svg) in &charts {
                        section.chart {
                            h2 { (title) }
                            p.note { (note) }
                            (PreEscaped(svg))
                        }
                    }
                    section {
                        h2 { "Summary" }
                        pre { (summary) }
                    }
                }
            }
        }
    };
    Ok(page.into_string())
}

/// Every chart: (title, a sentence on what it shows, the SVG).
fn charts(m: &Summary) -> anyhow::Result<Vec<(String, String, String)>> {
    let mut out = vec![];
    out.push((
        "Messages per virtual hour".to_owned(),
        format!(
            "{} inbound and {} outbound messages over {} virtual hours.",
            m.hours.iter().map(|h| h.inbound).sum::<u64>(),
            m.hours.iter().map(|h| h.outbound).sum::<u64>(),
            m.hours.len()
        ),
        lines(
            "messages",
            "virtual hour",
            // Outbound first, so the inbound line (fewer messages, often close) is drawn on top.
            &[
                Series {
                    name: "outbound",
                    values: m.hours.iter().map(|h| h.outbound as f64).collect(),
                    colour: OUTBOUND,
                },
                Series {
                    name: "inbound",
                    values: m.hours.iter().map(|h| h.inbound as f64).collect(),
                    colour: INBOUND,
                },
            ],
        )?,
    ));
    let minutes = |d: &super::metrics::Durations| {
        [d.p50, d.p90, d.p99, d.max]
            .iter()
            .map(|s| *s as f64 / 60.0)
            .collect::<Vec<f64>>()
    };
    out.push((
        "Time to first response and queue wait".to_owned(),
        format!(
            "Percentiles in virtual minutes: first response over {} (requester's first message \
             to the first agent reply), queue wait over {}, and the wait so far of {} still \
             waiting for an agent at the end. Virtual time passes only in the traffic's waits: \
             what is drawn between two waits (an agent free at once accepting, a reply) happens \
             at the same instant, so 0 is common and is the simulation's, not a measured \
             latency.",
            plural(m.first_response.count, "conversation", "conversations"),
            plural(m.queue_wait.count, "accepted offer", "accepted offers"),
            plural(m.still_waiting.count, "conversation", "conversations"),
        ) + if m.first_response.count + m.queue_wait.count + m.still_waiting.count == 0 {
            " Nothing was measured: no conversation reached a live agent's queue, so the chart is \
             empty."
        } else {
            ""
        },
        bars(
            "minutes",
            &["p50".into(), "p90".into(), "p99".into(), "max".into()],
            &[
                Series {
                    name: "time to first response",
                    values: minutes(&m.first_response),
                    colour: INBOUND,
                },
                Series {
                    name: "queue wait",
                    values: minutes(&m.queue_wait),
                    colour: OUTBOUND,
                },
                Series {
                    name: "still waiting at the end",
                    values: minutes(&m.still_waiting),
                    colour: THIRD,
                },
            ],
        )?,
    ));
    let per_hour: Vec<f64> = m
        .hours
        .iter()
        .map(|h| percent(h.busy_slot_seconds, h.capacity_slot_seconds))
        .collect();
    out.push((
        "Agent utilisation per virtual hour".to_owned(),
        format!(
            "Held SMS slots over SMS capacity, {:.1} % over the run (sampled before the first \
             event, every {} events and as the run settles).",
            100.0 * m.utilisation(),
            super::metrics::LOAD_SAMPLE_EVERY
        ),
        lines(
            "% of capacity",
            "virtual hour",
            &[Series {
                name: "utilisation",
                values: per_hour,
                colour: THIRD,
            }],
        )?,
    ));
    let agents: Vec<String> = m.agents.keys().cloned().collect();
    out.push((
        "Agent utilisation per agent".to_owned(),
        "Each agent's held slots over their capacity, over the whole run.".to_owned(),
        bars(
            "% of capacity",
            &agents,
            &[Series {
                name: "utilisation",
                values: m.agents.values().map(|a| 100.0 * a.utilisation()).collect(),
                colour: THIRD,
            }],
        )?,
    ));
    let statuses: Vec<String> = m.delivery.keys().cloned().collect();
    out.push((
        "Delivery status at the end".to_owned(),
        format!(
            "{} outbound transcript messages by delivery status (sends Twilio refused included: failed, without a MessageSid).",
            m.delivery.values().sum::<u64>()
        ),
        bars(
            "messages",
            &statuses,
            &[Series {
                name: "messages",
                values: m.delivery.values().map(|n| *n as f64).collect(),
                colour: INBOUND,
            }],
        )?,
    ));
    let f = &m.faults;
    // The kinds that struck: a kind the plan has but that never struck is no bar.
    let struck: Vec<(&String, &u64)> = f.injected.iter().filter(|(_, n)| **n > 0).collect();
    let kinds: Vec<String> = struck.iter().map(|(k, _)| (*k).clone()).collect();
    out.push((
        "Faults injected".to_owned(),
        if kinds.is_empty() {
            "No fault struck (--faults none, or a run too short for any).".to_owned()
        } else {
            format!(
                "{} faults the simulated Twilio injected, by kind: create-API answers (api_), \
                 looks in the message list (list_), status callbacks dropped, duplicated, \
                 reordered or delayed (callback_), inbound webhooks (webhook_).",
                f.injected.values().sum::<u64>()
            )
        },
        bars(
            "faults",
            &kinds,
            &[Series {
                name: "injected",
                values: struck.iter().map(|(_, n)| **n as f64).collect(),
                colour: OUTBOUND,
            }],
        )?,
    ));
    out.push((
        "Faults recovered".to_owned(),
        format!(
            "The recoveries counted one by one: of the {} sends that met a create-API 429 or 500 \
             (a send may meet several), those that ended delivered ({}); of the {} webhooks \
             Twilio re-delivered, those stored once ({}). The other faults have no count of \
             their own to recover, and the invariants answer for them: {} answers lost after \
             the create found in Twilio's list rather than sent again (invariant 2), webhook \
             timeouts stored once (invariant 1), {} status-callback faults that never moved a \
             status backwards (invariant 3).",
            f.retried_sends,
            f.retried_sends_delivered,
            f.redelivered,
            f.redeliveries_deduplicated,
            f.lost_answers(),
            f.callback_faults()
        ),
        bars(
            "count",
            &[
                "sends retried after a 429/500".into(),
                "webhook re-deliveries".into(),
            ],
            &[
                Series {
                    name: "met the fault",
                    values: vec![f.retried_sends as f64, f.redelivered as f64],
                    colour: OUTBOUND,
                },
                Series {
                    name: "recovered",
                    values: vec![
                        f.retried_sends_delivered as f64,
                        f.redeliveries_deduplicated as f64,
                    ],
                    colour: THIRD,
                },
            ],
        )?,
    ));
    Ok(out)
}

fn percent(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// The top of the y axis for `series`: above the largest value by a quarter (room for the
/// values over the bars), by half with several series (and room for their legend), at least 1.
fn top(series: &[Series<'_>]) -> f64 {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let room = if series.len() > 1 { 1.5 } else { 1.25 };
    (max * room).max(1.0)
}

/// An x axis of whole numbers (hours, positions): a tick between two is left unlabelled, so a
/// short run's axis does not read `0 0 1 1 2`.
fn whole_only(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{x:.0}")
    } else {
        String::new()
    }
}

/// A y tick on an axis up to `top`: with one decimal on a short axis (ticks a tenth or a half
/// apart), whole otherwise.
fn value_label(y: f64, top: f64) -> String {
    if top <= 5.0 {
        format!("{y:.1}")
    } else {
        format!("{y:.0}")
    }
}

/// A line chart of `series` over x = 0, 1, 2, ...
fn lines(y_desc: &str, x_desc: &str, series: &[Series<'_>]) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw)?;
        let len = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..(len.max(2) - 1) as f64, 0f64..top(series))
            .map_err(draw)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(len.clamp(2, 12))
            .x_label_formatter(&whole_only)
            .y_label_formatter(&|y| value_label(*y, top(series)))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw)?;
        for s in series {
            let colour = s.colour;
            chart
                .draw_series(LineSeries::new(
                    s.values.iter().enumerate().map(|(x, y)| (x as f64, *y)),
                    colour.stroke_width(2),
                ))
                .map_err(draw)?
                .label(s.name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
        }
        legend(&mut chart)?;
        root.present().map_err(draw)?;
    }
    Ok(svg)
}

/// A bar chart: one group per category, one bar per series in each group.
fn bars(y_desc: &str, categories: &[String], series: &[Series<'_>]) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw)?;
        let n = categories.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(if n > 8 { 120 } else { 36 })
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..n as f64, 0f64..top(series))
            .map_err(draw)?;
        let names = categories.to_vec();
        // Many groups (the agents of several shards): their names stand upright, one under each,
        // drawn below (plotters centres an axis label on its tick, rotated or not, which would
        // put half of an upright name over the bars).
        let upright = n > 8;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(if upright { 0 } else { n * 2 + 1 })
            .x_label_formatter(&|x| {
                // Label each group at its middle only.
                let i = x.floor();
                if (x - i - 0.5).abs() < 1e-6 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc(y_desc)
            .y_label_formatter(&|y| value_label(*y, top(series)))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw)?;
        if upright {
            let style = TextStyle::from(
                ("sans-serif", 12)
                    .into_font()
                    .transform(FontTransform::Rotate270),
            )
            .pos(Pos::new(HPos::Right, VPos::Center));
            for (i, name) in names.iter().enumerate() {
                let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
                root.draw(&Text::new(name.clone(), (x, y + 6), style.clone()))
                    .map_err(draw)?;
            }
        }
        let width = 0.8 / series.len().max(1) as f64;
        for (k, s) in series.iter().enumerate() {
            let colour = s.colour;
            chart
                .draw_series(s.values.iter().enumerate().map(|(i, v)| {
                    let x0 = i as f64 + 0.1 + k as f64 * width;
                    Rectangle::new([(x0, 0.0), (x0 + width * 0.95, *v)], colour.filled())
                }))
                .map_err(draw)?
                .label(s.name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
            // Each bar's value above it, so that a small one (a failure count beside thousands
            // delivered, a median beside a maximum) still reads; not over a crowd of groups.
            if n <= 12 {
                let style = TextStyle::from(("sans-serif", 11).into_font())
                    .pos(Pos::new(HPos::Center, VPos::Bottom));
                chart
                    .draw_series(s.values.iter().enumerate().map(|(i, v)| {
                        let x = i as f64 + 0.1 + (k as f64 + 0.475) * width;
                        Text::new(bar_value(*v), (x, *v), style.clone())
                    }))
                    .map_err(draw)?;
            }
        }
        if series.len() > 1 {
            legend(&mut chart)?;
        }
        root.present().map_err(draw)?;
    }
    Ok(svg)
}

/// A bar's value as written above it: whole when it is, else one decimal below 100.
fn bar_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 || v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The coordinates of every chart: f64 on both axes.
type Coords =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Coords>,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(draw)?;
    Ok(())
}

fn draw<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart: {e:?}")
}

/// The page's style sheet.
const CSS: &str = "
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2327; background: #f4f5f7; }
header { padding: 18px 28px; color: #fff; }
header.ok { background: #1f7a3a; }
header.bad { background: #b3261e; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header .verdict { text-transform: uppercase; font-size: 14px; padding: 2px 8px; border: 1px solid #fff; border-radius: 4px; }
header p { margin: 4px 0; }
main { padding: 12px 28px 40px; max-width: 900px; }
section { background: #fff; border-radius: 6px; padding: 12px 18px; margin: 14px 0; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
h2 { font-size: 17px; margin: 4px 0; }
p.note { color: #50575e; margin: 2px 0 8px; }
svg { max-width: 100%; height: auto; }
pre { font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_figures_still_draw_every_chart() {
        let charts = charts(&Summary::default()).unwrap();
        assert_eq!(charts.len(), 7);
        for (title, _, svg) in &charts {
            assert!(svg.starts_with("<svg"), "{title}: {svg:.80}");
        }
    }
}

#[cfg(test)]
mod soak_tests {
    use crate::soak::merge::tests::small;
    use crate::soak::report::plural;
    use crate::soak::soak;

    #[tokio::test(flavor = "current_thread")]
    async fn a_soak_writes_a_page_with_its_charts_and_figures_and_nothing_to_fetch() {
        let dir = std::env::temp_dir().join(format!("convsms-soak-html-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("soak.html");
        let outcome = soak(&small(&["--seed", "9"])).await.unwrap();
        let r = &outcome.report;
        r.save(None, Some(&path)).unwrap();
        let page = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(page.matches("<svg").count(), 7, "one SVG per chart");
        let m = &r.metrics;
        let inbound: u64 = m.hours.iter().map(|h| h.inbound).sum();
        let outbound: u64 = m.hours.iter().map(|h| h.outbound).sum();
        assert_eq!(inbound, 150);
        for part in [
            format!("{} inbound and {outbound} outbound messages", inbound),
            format!(
                "first response over {}",
                plural(m.first_response.count, "conversation", "conversations")
            ),
            format!(
                "queue wait over {}",
                plural(m.queue_wait.count, "accepted offer", "accepted offers")
            ),
            format!(
                "the wait so far of {} still waiting for an agent at the end",
                plural(m.still_waiting.count, "conversation", "conversations")
            ),
            format!("{:.1} % over the run", 100.0 * m.utilisation()),
            format!(
                "{} outbound transcript messages",
                m.delivery.values().sum::<u64>()
            ),
            format!(
                "{} faults the simulated Twilio injected",
                m.faults.injected.values().sum::<u64>()
            ),
            format!(
                "of the {} sends that met a create-API 429 or 500 (a send may meet several), \
                 those that ended delivered ({})",
                m.faults.retried_sends, m.faults.retried_sends_delivered
            ),
            r.transcripts_digest.clone(),
        ] {
            assert!(page.contains(&part), "no {part:?} in the page");
        }
        // Every agent, delivery status and fault kind is a label on its chart (plotters' <text>
        // element), and so is each delivery status's count, above its bar.
        assert!(!m.faults.injected.is_empty(), "light faults struck");
        for label in m
            .agents
            .keys()
            .chain(m.delivery.keys())
            .chain(
                m.faults
                    .injected
                    .iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(k, _)| k),
            )
            .cloned()
            .chain(m.delivery.values().map(u64::to_string))
        {
            assert!(
                page.contains(&format!(">\n{label}\n</text>")),
                "no label {label}"
            );
        }
        // Self-contained: no script, no link, nothing but the SVG namespace looks like a URL.
        assert!(!page.contains("<script") && !page.contains("<link"));
        let urls = page.matches("http").count();
        assert_eq!(urls, page.matches("http://www.w3.org/2000/svg").count());
    }
}
