//! `--partition I/N`, the convention of `cargo nextest --partition count:I/N`: N CI jobs each run
//! shard I (1-based) of one deterministic split, by position: item `k` (0-based) of a list in a
//! fixed order belongs to shard `k % N + 1`. `convsms soak` splits its requesters this way and
//! `convsms check` its scenarios.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Shard `index` of `total` (`1 <= index <= total`), written `I/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Partition {
    index: usize,
    total: usize,
}

impl Partition {
    /// Shard `index` (1-based) of `total`.
    ///
    /// # Errors
    /// `total` is 0 or `index` is not in `1..=total`: the message says which.
    pub fn new(index: usize, total: usize) -> Result<Partition, String> {
        if total == 0 {
            return Err("the shard count N of I/N must be at least 1".into());
        }
        if index == 0 || index > total {
            return Err(format!(
                "the shard I of I/N must be between 1 and {total} (it is 1-based), not {index}"
            ));
        }
        Ok(Partition { index, total })
    }

    /// The shard, from 1.
    pub fn index(self) -> usize {
        self.index
    }

    /// How many shards.
    pub fn total(self) -> usize {
        self.total
    }

    /// Whether the item at 0-based `position` of the list belongs to this shard.
    pub fn keeps(self, position: usize) -> bool {
        position % self.total == self.index - 1
    }

    /// This shard's part of `n` units of work split as evenly as possible, the remainder going
    /// one each to the first shards: the parts of shards `1/N..=N/N` add up to `n`.
    pub fn share(self, n: u64) -> u64 {
        let total = self.total as u64;
        n / total + u64::from(((self.index - 1) as u64) < n % total)
    }

    /// The items of `items` this shard keeps, in order.
    pub fn select<T>(self, items: impl IntoIterator<Item = T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(k, _)| self.keeps(*k))
            .map(|(_, t)| t)
            .collect()
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

impl FromStr for Partition {
    type Err = String;

    /// Reads `I/N`, for example `2/4` (nextest's `count:2/4` is taken too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let spec = s.trim().strip_prefix("count:").unwrap_or(s.trim());
        let (i, n) = spec
            .split_once('/')
            .ok_or_else(|| format!("expected I/N, for example 1/2, not {s:?}"))?;
        let number = |x: &str, what: &str| {
            x.trim()
                .parse::<usize>()
                .map_err(|_| format!("{what} of {s:?} is not a whole number"))
        };
        Partition::new(number(i, "I")?, number(n, "N")?)
    }
}

impl Serialize for Partition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Partition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_everything_once_and_shares_add_up() {
        for total in 1..=5 {
            let shards: Vec<Partition> = (1..=total)
                .map(|i| Partition::new(i, total).unwrap())
                .collect();
            let mut seen: Vec<usize> = shards.iter().flat_map(|p| p.select(0..23)).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..23).collect::<Vec<_>>(), "N = {total}");
            for n in [0, 1, 7, 2_000] {
                let shares: Vec<u64> = shards.iter().map(|p| p.share(n)).collect();
                assert_eq!(shares.iter().sum::<u64>(), n, "{shares:?}");
                assert!(shares.windows(2).all(|w| w[0] >= w[1] && w[0] - w[1] <= 1));
            }
        }
        let p: Partition = "2/3".parse().unwrap();
        assert_eq!(p.select(0..7), [1, 4]);
        assert_eq!(p.to_string(), "2/3");
        assert_eq!("count:2/3".parse::<Partition>(), Ok(p));
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        for (spec, part) in [
            ("0/2", "1-based"),
            ("3/2", "between 1 and 2"),
            ("1/0", "at least 1"),
            ("12", "expected I/N"),
            ("a/2", "I of \"a/2\""),
        ] {
            let e = spec.parse::<Partition>().unwrap_err();
            assert!(e.contains(part), "{spec}: {e}");
        }
    }
}

#[cfg(test)]
mod soak_tests {
    use super::Partition;
    use crate::soak::traffic::Traffic;

    #[test]
    fn soak_shards_keep_the_seeds_population_split_by_index() {
        let whole = Traffic::new(7, 10, 3, 2).unwrap();
        let numbers = |t: &Traffic| -> Vec<String> {
            t.handsets
                .iter()
                .map(|h| h.number.as_str().to_owned())
                .collect()
        };
        let all = numbers(&whole);
        let mut shard = Traffic::new(7, 10, 3, 2).unwrap();
        shard.keep_partition("2/3".parse().unwrap()).unwrap();
        assert_eq!(
            numbers(&shard),
            [all[1].clone(), all[4].clone(), all[7].clone()]
        );
        let mut empty = Traffic::new(7, 2, 3, 2).unwrap();
        let e = empty
            .keep_partition(Partition::new(3, 3).unwrap())
            .unwrap_err();
        assert!(
            e.to_string().contains("give at least 3 --conversations"),
            "{e}"
        );
    }
}
