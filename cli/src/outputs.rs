//! The files a command writes when it ends (`check --junit/--html`, `soak --json/--html`,
//! `soak merge --json/--html`, `serve --record`), checked before it starts so that a run is
//! never lost to a path that cannot be written, and nothing it reads is overwritten. The check
//! leaves every file as it was: an existing file is opened for appending (not changed), and
//! otherwise a temporary file is created in its folder and removed. Also the folders options
//! name ([`existing_folder`]: `--topics`, `bench engine --dir`).

use std::path::{Path, PathBuf};

/// What a `--topics` option should name.
pub(crate) const TOPICS_FOLDER: &str = "a folder of topic files (*.toml)";

/// Refuses, naming the option, the path and what to give instead:
/// - two outputs that are one file (however spelled: `./r.json`, `sub/../r.json`, a symlink);
/// - an output that is one of `inputs` (a feature file run, a report merged, a database
///   served): writing it would destroy what the run reads;
/// - a folder, a file in a folder that does not exist, or one that cannot be written;
/// - `-`, which would be a file of that name, not standard output.
///
/// `outputs` are `(option, path)`, `inputs` `(what it is, path)`.
pub(crate) fn check(outputs: &[(&str, &Path)], inputs: &[(&str, &Path)]) -> Result<(), String> {
    for (i, (option, path)) in outputs.iter().enumerate() {
        if path.as_os_str() == "-" {
            return Err(format!(
                "{option} -: writes a file, not standard output (which the run's own report \
                 takes); give a file name"
            ));
        }
        let id = identity(path);
        if let Some((other, _)) = outputs[..i].iter().find(|(_, p)| identity(p) == id) {
            return Err(format!(
                "{other} and {option} both name {}: one would overwrite the other; give two \
                 files",
                path.display()
            ));
        }
        if let Some((what, _)) = inputs.iter().find(|(_, p)| identity(p) == id) {
            return Err(format!(
                "{option} {}: is {what} this run reads, which writing there would destroy; \
                 give another file",
                path.display()
            ));
        }
        writable(option, path)?;
    }
    Ok(())
}

/// What `path` is on disk: its canonical path when it exists (symlinks and `..` resolved),
/// else its folder's canonical path and its name, else the path made absolute.
/// A symlink to a file not written yet is followed (at most 8 links deep).
fn identity(path: &Path) -> PathBuf {
    identity_within(path, 8)
}

fn identity_within(path: &Path, links: u8) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let parent = folder_of(path);
    if let (Ok(target), Some(links)) = (std::fs::read_link(path), links.checked_sub(1)) {
        return identity_within(&parent.join(target), links);
    }
    match (std::fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// Refuses a folder `option` names that is a file or does not exist; `give` says what to give.
pub(crate) fn existing_folder(option: &str, path: &Path, give: &str) -> Result<(), String> {
    if path.is_dir() {
        return Ok(());
    }
    let what = if path.exists() {
        "is a file, not a folder"
    } else {
        "no such folder"
    };
    Err(format!("{option} {}: {what}; give {give}", path.display()))
}

/// Refuses a file path `option` names that is a folder, or whose folder does not exist (a
/// report to write, a database to create).
pub(crate) fn in_a_folder(option: &str, path: &Path) -> Result<(), String> {
    if path.is_dir()
        || path
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::MAIN_SEPARATOR)
    {
        return Err(format!(
            "{option} {}: is a folder; give a file name",
            path.display()
        ));
    }
    let parent = folder_of(path);
    // The nearest of the folders above that exists: a file there (`a.txt/sub/r.json`) is named,
    // since creating the missing folders would not help.
    if let Some(file) = parent
        .ancestors()
        .find(|a| a.exists())
        .filter(|a| !a.is_dir())
    {
        return Err(format!(
            "{option} {}: {} is a file, not a folder to write it in",
            path.display(),
            file.display()
        ));
    }
    if !parent.is_dir() {
        return Err(format!(
            "{option} {}: no folder {} to write it in; create it first",
            path.display(),
            parent.display()
        ));
    }
    Ok(())
}

fn writable(option: &str, path: &Path) -> Result<(), String> {
    in_a_folder(option, path)?;
    let parent = folder_of(path);
    let probe = if path.exists() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map(drop)
    } else {
        tempfile::Builder::new()
            .prefix(".convsms-")
            .tempfile_in(parent)
            .map(drop)
    };
    probe.map_err(|e| {
        // The system's reason alone: tempfile's error adds ` at path "…"`, the probe's
        // temporary name, which means nothing to the reader.
        let full = e.to_string();
        let reason = full.split(" at path ").next().unwrap_or(&full);
        format!(
            "{option} {}: cannot be written ({reason}); give a file in a folder you can write to",
            path.display()
        )
    })
}

/// The folder a file path is in: its parent, or `.` for a bare file name.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_however_spelled_is_refused_and_nothing_is_changed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("in.feature"), "Feature: x\n").unwrap();
        std::os::unix::fs::symlink(d.join("r.json"), d.join("link.json")).unwrap();
        let (json, dotted, link) = (
            d.join("r.json"),
            d.join("sub/../r.json"),
            d.join("link.json"),
        );
        for other in [&dotted, &link] {
            let e = check(&[("--json", &json), ("--html", other)], &[]).unwrap_err();
            assert!(e.starts_with("--json and --html both name"), "{e}");
        }
        let feature = d.join("sub/../in.feature");
        let e = check(
            &[("--junit", &feature)],
            &[("a feature file", &d.join("in.feature"))],
        )
        .unwrap_err();
        assert!(e.contains("is a feature file this run reads"), "{e}");
        assert_eq!(
            std::fs::read_to_string(d.join("in.feature")).unwrap(),
            "Feature: x\n"
        );
        let e = check(&[("--html", &d.join("none/r.html"))], &[]).unwrap_err();
        assert!(e.contains("no folder"), "{e}");
        let e = check(&[("--html", &d.join("sub"))], &[]).unwrap_err();
        assert!(e.contains("is a folder"), "{e}");
        // A file where the folder should be is named as such, not as a missing folder.
        for under in ["in.feature/r.html", "in.feature/sub/r.html"] {
            let e = check(&[("--html", &d.join(under))], &[]).unwrap_err();
            assert!(
                e.ends_with("in.feature is a file, not a folder to write it in"),
                "{e}"
            );
        }
        check(&[("--json", &json), ("--html", &d.join("r.html"))], &[]).unwrap();
        let left: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 3, "the probe leaves nothing behind: {left:?}");
    }
}
