//! The row catalogue's view of scenarios that did not run.
//!
//! With `--tags` or paths, cucumber never reports the features it did not run, so a row whose
//! scenarios were all left out would read "uncovered". [`scenarios_under`] reads every feature
//! of the catalogue's folder (`features/`) with cucumber's own parser (outlines expanded, the
//! same keys as the runner's), so those rows read "covered (not run)".

use std::path::{Path, PathBuf};

use cucumber::parser::{self, Parser as _};
use futures::StreamExt as _;

use super::ScenarioKey;
use crate::check::Coverage;

/// Every scenario of the feature files under `dir`, with its tags (feature's, rule's and
/// scenario's, without `@`). Files that do not parse are left out: the run reports them.
pub async fn scenarios_under(dir: &Path) -> Vec<(ScenarioKey, Vec<String>)> {
    if !dir.exists() {
        return vec![];
    }
    let features: Vec<_> = parser::Basic::new()
        .parse(PathBuf::from(dir), Default::default())
        .collect()
        .await;
    let mut out = vec![];
    for feature in features.into_iter().flatten() {
        let top = feature.scenarios.iter().map(|s| (None, s));
        let ruled = feature
            .rules
            .iter()
            .flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s)));
        for (rule, sc) in top.chain(ruled) {
            let mut tags = feature.tags.clone();
            tags.extend(rule.iter().flat_map(|r| r.tags.iter().cloned()));
            tags.extend(sc.tags.iter().cloned());
            out.push((super::key(&feature, sc), tags));
        }
    }
    out
}

/// A row of the coverage table.
#[derive(Clone, Debug)]
pub struct Row {
    /// `AGENT-1`.
    pub id: &'static str,
    /// What the row says.
    pub statement: &'static str,
    /// Its coverage.
    pub status: Coverage,
    /// How many scenarios are tagged with it.
    pub scenarios: usize,
}

impl Coverage {
    /// `passing`, `FAILING`, `covered (not run)` or `uncovered`, as the table prints it.
    pub fn label(self) -> &'static str {
        match self {
            Coverage::Passing => "passing",
            Coverage::Failing => "FAILING",
            Coverage::Covered => "covered (not run)",
            Coverage::Uncovered => "uncovered",
        }
    }
}

/// The rows of the runner's coverage table.
pub fn rows(table: &[(&'static str, &'static str, Coverage, usize)]) -> Vec<Row> {
    table
        .iter()
        .map(|&(id, statement, status, scenarios)| Row {
            id,
            statement,
            status,
            scenarios,
        })
        .collect()
}
