//! Transcript snapshots: `snapshots/<feature path>__<scenario>[__example_<n>].snap`.
//!
//! - **Names.** The feature file's path inside the project, without a leading `features/` and
//!   without `.feature`, its folders joined by `__`, then the scenario's name, then for a
//!   scenario outline the Examples row (`example_1` …), each part lower-cased with runs of other
//!   characters as one `_`: `features/agent/agent_initiated.feature`, scenario "With no active
//!   interaction, …" is `agent__agent_initiated__with_no_active_interaction_….snap`. Two scenarios
//!   of a run that would share a snapshot are refused (see [`super::run`]). A feature outside
//!   the project is named by its path from the snapshots folder's parent ([`names_root`]).
//! - **Files** are insta's format, so existing files and tools read them: a `---` header, then
//!   the transcript. Only the transcript is compared (line endings and trailing blank lines
//!   aside).
//! - **Accepting** (`convsms check --accept FILE`) writes the files of the scenarios of FILE
//!   whose transcript changed (or that have none yet), and leaves the others untouched, so
//!   `git diff snapshots/` shows exactly what changed.

use std::path::{Path, PathBuf};

use super::slug;

/// The snapshot files `--accept` wrote in this run, for the run's last lines.
pub static WRITTEN: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// How many passing scenarios of accepted files ran a snapshot step this run (written or already
/// up to date).
pub static COMPARED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Snapshot files `--accept` could not write (each said on stderr): the run fails.
pub static WRITE_FAILED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many scenarios of accepted files failed this run: their snapshots are not written,
/// whether the snapshot step ran before the failure or never ran.
pub static ACCEPT_FAILED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The longest file name a snapshot gets (a long scenario name is cut and a hash of the whole
/// name added, so names stay unique and fit every file system).
const MAX_NAME: usize = 180;

/// `p` made absolute with links resolved (the empty path is the current folder), or as given
/// when it does not exist.
fn canon(p: &Path) -> PathBuf {
    let p = if p.as_os_str().is_empty() {
        Path::new(".")
    } else {
        p
    };
    p.canonicalize().unwrap_or_else(|_| p.to_owned())
}

/// The folder a feature's snapshot names start from: the project folder (`None`: none found)
/// when the feature lies inside it, else the snapshots folder's parent (a feature outside every
/// project, checked with `--snapshots DIR`, gets the same names from whatever folder the run
/// starts in).
pub fn names_root<'a>(project: Option<&'a Path>, snapshots: &'a Path, feature: &Path) -> &'a Path {
    match project {
        Some(project) if canon(feature).starts_with(canon(project)) => project,
        _ => snapshots.parent().unwrap_or(Path::new("")),
    }
}

/// The snapshot name of a scenario (without `.snap`): see the module documentation. `root` is
/// the folder names start from ([`names_root`]); a feature outside it is named by its whole
/// path.
pub fn name(root: &Path, feature: &Path, scenario: &str, example: Option<usize>) -> String {
    let feature = canon(feature);
    let root = canon(root);
    let rel = feature.strip_prefix(&root).unwrap_or(&feature);
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(slug(&s.to_string_lossy())),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .collect();
    if parts.len() > 1 && parts[0] == "features" {
        parts.remove(0);
    }
    parts.push(slug(scenario));
    if let Some(n) = example {
        parts.push(format!("example_{n}"));
    }
    let name = parts.join("__");
    if name.len() <= MAX_NAME {
        return name;
    }
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    let mut cut = MAX_NAME - 17;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{:016x}", &name[..cut], h.finish())
}

/// The file of snapshot `name` in `dir`.
pub fn path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.snap"))
}

/// The transcript a snapshot file holds (after its `---` header), or `None` when there is no
/// such file.
///
/// # Errors
/// The file exists but cannot be read.
pub fn read(path: &Path) -> std::io::Result<Option<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let text = text.replace("\r\n", "\n");
    let body = match text.strip_prefix("---\n") {
        Some(rest) => match rest.find("\n---\n") {
            Some(end) => rest[end + 5..].to_owned(),
            None => rest.strip_prefix("---\n").unwrap_or(rest).to_owned(),
        },
        None => text,
    };
    Ok(Some(body))
}

/// Whether two transcripts are the same, line endings and trailing blank lines aside.
pub fn same(a: &str, b: &str) -> bool {
    normal(a) == normal(b)
}

fn normal(s: &str) -> String {
    s.replace("\r\n", "\n").trim_end().to_owned()
}

/// Writes a snapshot file: the header names the feature file it comes from.
///
/// # Errors
/// The file cannot be written.
pub fn write(path: &Path, source: &str, transcript: &str) -> std::io::Result<()> {
    std::fs::write(
        path,
        format!("---\nsource: {source}\n---\n{}\n", normal(transcript)),
    )
}

/// Counts a passing scenario's snapshot step and writes the snapshot it accepted (`--accept`;
/// the transcript differed from the file or there was none), making the snapshots folder if there
/// is none, as insta does. A file that cannot be written is said on stderr and fails the run.
pub fn write_accepted(target: &crate::check::world::SnapshotTarget) {
    if target.compared {
        COMPARED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let Some(text) = &target.accepted else {
        return;
    };
    let file = path(&target.dir, &target.name);
    let written =
        std::fs::create_dir_all(&target.dir).and_then(|()| write(&file, &target.feature, text));
    match written {
        Ok(()) => WRITTEN.lock().unwrap_or_else(|p| p.into_inner()).push(file),
        Err(e) => {
            WRITE_FAILED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            eprintln!(
                "convsms check: could not write the snapshot {}: {e}",
                file.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_feature_path_and_the_scenario() {
        let root = Path::new("/nowhere/project");
        assert_eq!(
            name(
                root,
                &root.join("features/agent/agent_initiated.feature"),
                "With no active interaction, a new one!",
                None
            ),
            "agent__agent_initiated__with_no_active_interaction_a_new_one"
        );
        assert_eq!(
            name(root, &root.join("extra/a.feature"), "S", Some(2)),
            "extra__a__s__example_2"
        );
        assert_eq!(
            name(root, Path::new("/elsewhere/b.feature"), "S", None),
            "elsewhere__b__s"
        );
        let long = name(
            root,
            &root.join("features/a.feature"),
            &"word ".repeat(80),
            None,
        );
        assert!(long.len() <= MAX_NAME, "{}", long.len());
        assert_ne!(
            long,
            name(
                root,
                &root.join("features/a.feature"),
                &"word ".repeat(81),
                None
            )
        );
    }

    #[test]
    fn reads_insta_files_and_compares_the_transcript_only() {
        let dir = std::env::temp_dir().join(format!("convsms-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("x.snap");
        std::fs::write(&p, "---\nsource: src/check/world.rs\n---\nline 1\nline 2\n").unwrap();
        let got = read(&p).unwrap().unwrap();
        assert!(same(&got, "line 1\nline 2"));
        assert!(!same(&got, "line 1\nline 3"));
        write(&p, "features/x.feature", "line 1\nline 3\n").unwrap();
        assert!(same(&read(&p).unwrap().unwrap(), "line 1\nline 3"));
        assert_eq!(read(&dir.join("none.snap")).unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
