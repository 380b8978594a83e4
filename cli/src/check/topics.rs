//! The virtual agent's topics every world starts with: a folder of `*.toml` topic files, or the
//! built-in topics compiled into the binary.
//!
//! `convsms check` reads them once per run ([`use_topic_dir`], [`use_built_in_topics`]);
//! `convsms serve` reads `--topics` (or `topics/`, or the built-in ones outside a project) on
//! first use ([`topic_sources`]). Worlds build their [`TopicSet`] from what was read, so every
//! scenario of a run answers with the same topics.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Context as _;
use convsms::domain::topic::TopicSet;

/// The built-in topics, as (file name, TOML text): the project's `greeting`, `talk_to_agent`,
/// `order_status` and `open_cases` (the requester's open cases: a Dynamic Choice, a Card),
/// compiled in. `convsms soak` answers with them (so a soak runs the same
/// from any folder), `Given the virtual agent answers with the built-in topics` loads them (so a
/// feature the soak wrote replays with the soak's topics in any project), and `convsms check` and
/// `convsms serve` start with them outside any project folder. None of them shows media.
pub const BUILT_IN_TOPICS: [(&str, &str); 4] = [
    (
        "greeting.toml",
        include_str!("../../../topics/greeting.toml"),
    ),
    (
        "talk_to_agent.toml",
        include_str!("../../../topics/talk_to_agent.toml"),
    ),
    (
        "order_status.toml",
        include_str!("../../../topics/order_status.toml"),
    ),
    (
        "open_cases.toml",
        include_str!("../../../topics/open_cases.toml"),
    ),
];

/// Where a run's topics come from, and their files' (name, text), sorted by name.
#[derive(Clone, Debug)]
pub struct TopicSources {
    /// The topic folder (also the root of the media its topics show); `None` for the built-in
    /// topics.
    pub dir: Option<PathBuf>,
    /// Each `*.toml` file's name and text.
    pub files: Vec<(String, String)>,
}

impl TopicSources {
    /// The built-in topics ([`BUILT_IN_TOPICS`]).
    pub fn built_in() -> Self {
        TopicSources {
            dir: None,
            files: BUILT_IN_TOPICS
                .iter()
                .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()))
                .collect(),
        }
    }

    /// The topic files of `dir` (`*.toml`, sorted by name).
    ///
    /// # Errors
    /// The folder or a file cannot be read.
    pub fn read(dir: &Path) -> io::Result<Self> {
        Ok(TopicSources {
            dir: Some(dir.to_path_buf()),
            files: read_topic_files(dir)?,
        })
    }

    /// Where they come from, for messages: the folder, or `the built-in topics`.
    pub fn origin(&self) -> String {
        match &self.dir {
            Some(d) => d.display().to_string(),
            None => "the built-in topics".to_owned(),
        }
    }

    /// The topic set of these files, with `extra` (name, text) files added or replacing the
    /// ones of the same name; media resolve under the folder.
    ///
    /// # Errors
    /// The set does not load (VA-9): the loader's message names the file and the node.
    pub fn load_with(&self, extra: &[(String, String)]) -> Result<TopicSet, anyhow::Error> {
        let files = self
            .files
            .iter()
            .filter(|(f, _)| !extra.iter().any(|(e, _)| e == f))
            .chain(extra.iter());
        let set = TopicSet::from_sources(files.map(|(f, t)| (f.as_str(), t.as_str())))?;
        Ok(match &self.dir {
            Some(d) => set.with_media_root(d.clone()),
            None => set,
        })
    }

    /// The topic set of these files alone.
    ///
    /// # Errors
    /// As [`TopicSources::load_with`], naming where the topics come from.
    pub fn load(&self) -> anyhow::Result<TopicSet> {
        self.load_with(&[])
            .with_context(|| format!("loading the topics of {}", self.origin()))
    }
}

/// The topics of this run, read on first use when no one chose: `topics/` of the current folder
/// when there is one, else the built-in topics.
static SOURCES: OnceLock<TopicSources> = OnceLock::new();

/// The topics every world of this process starts with.
pub fn topic_sources() -> &'static TopicSources {
    SOURCES.get_or_init(|| {
        let dir = Path::new("topics");
        if dir.is_dir() {
            if let Ok(s) = TopicSources::read(dir) {
                return s;
            }
        }
        TopicSources::built_in()
    })
}

/// Makes `dir` the topic folder of every world of this process, read now; to be called before
/// the first world starts.
///
/// # Errors
/// The folder cannot be read, or the topics were chosen already.
pub fn use_topic_dir(dir: &Path) -> anyhow::Result<()> {
    let sources = TopicSources::read(dir)
        .map_err(|e| anyhow::anyhow!("reading the topic folder {}: {e}", dir.display()))?;
    anyhow::ensure!(use_sources(sources), "the topic folder was read already");
    Ok(())
}

/// Makes `sources` the topics of every world of this process; `false` (and nothing changes)
/// when they were chosen already: the first choice of a process holds.
pub fn use_sources(sources: TopicSources) -> bool {
    SOURCES.set(sources).is_ok()
}

fn read_topic_files(dir: &Path) -> io::Result<Vec<(String, String)>> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, std::fs::read_to_string(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in topics load, and a topic file given on top replaces the one of its name.
    #[test]
    fn the_built_in_topics_load_and_a_file_of_the_same_name_replaces_one() {
        let built_in = TopicSources::built_in();
        assert_eq!(built_in.origin(), "the built-in topics");
        let names = |set: &TopicSet| {
            let mut n: Vec<String> = set.topics().iter().map(|t| t.name.clone()).collect();
            n.sort();
            n
        };
        let set = built_in.load().unwrap();
        assert_eq!(
            names(&set),
            ["greeting", "open_cases", "order_status", "talk_to_agent"]
        );
        let replaced = built_in
            .load_with(&[(
                "order_status.toml".to_owned(),
                "name = \"orders\"\nstart = \"a\"\ntrigger = [\"order\"]\n\n\
                 [nodes.a]\nresponse = \"text\"\ntext = \"Hi\"\n"
                    .to_owned(),
            )])
            .unwrap();
        assert_eq!(
            names(&replaced),
            ["greeting", "open_cases", "orders", "talk_to_agent"]
        );
    }
}
