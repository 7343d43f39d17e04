//! Hierarchical regions: country › province › city › district, any depth.

use crate::error::ModelError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A region as a path from the widest area to the narrowest, e.g. `CN/Guangdong/Shenzhen/Nanshan`.
///
/// The empty path is the whole world. Segments are compared exactly (case-sensitive), so a
/// CRM should feed them from one vocabulary. In JSON/TOML a region is the `/`-joined string.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region {
    segments: Vec<String>,
}

impl Region {
    /// The whole world: covers every region.
    pub fn world() -> Self {
        Self::default()
    }

    /// Builds a region from its segments, widest first. Segments are trimmed; an empty
    /// segment or one containing `/` is refused.
    pub fn new<I, S>(segments: I) -> Result<Self, ModelError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out = Vec::new();
        for segment in segments {
            let trimmed = segment.as_ref().trim();
            if trimmed.is_empty() || trimmed.contains('/') {
                return Err(ModelError::InvalidRegion {
                    input: segment.as_ref().to_owned(),
                    reason: "a region segment must be non-empty and must not contain '/'",
                });
            }
            out.push(trimmed.to_owned());
        }
        Ok(Self { segments: out })
    }

    /// The segments, widest first.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// How many levels deep this region is (the world is 0).
    pub fn depth(&self) -> usize {
        self.segments.len()
    }

    /// True when `self` is `other` or one of its ancestors.
    pub fn covers(&self, other: &Region) -> bool {
        other.segments.len() >= self.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|(a, b)| a == b)
    }

    /// The enclosing region, or `None` for the world.
    pub fn parent(&self) -> Option<Region> {
        if self.segments.is_empty() {
            return None;
        }
        Some(Region {
            segments: self.segments[..self.segments.len() - 1].to_vec(),
        })
    }

    /// This region and every ancestor, narrowest first, ending with the world.
    pub fn ancestry(&self) -> impl Iterator<Item = &[String]> {
        (0..=self.segments.len())
            .rev()
            .map(move |len| &self.segments[..len])
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("/"))
    }
}

impl FromStr for Region {
    type Err = ModelError;

    /// Parses `CN/Guangdong/Shenzhen`; the empty string (or `/`) is the world.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim().trim_matches('/');
        if trimmed.is_empty() {
            return Ok(Self::world());
        }
        Region::new(trimmed.split('/')).map_err(|_| ModelError::InvalidRegion {
            input: s.to_owned(),
            reason: "a region is '/'-separated non-empty segments, e.g. CN/Guangdong/Shenzhen",
        })
    }
}

impl TryFrom<String> for Region {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Region> for String {
    fn from(region: Region) -> Self {
        region.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_covers_its_cities_and_not_its_neighbours() {
        let guangdong: Region = "CN/Guangdong".parse().unwrap();
        let shenzhen: Region = "CN/Guangdong/Shenzhen".parse().unwrap();
        let hangzhou: Region = "CN/Zhejiang/Hangzhou".parse().unwrap();
        assert!(guangdong.covers(&shenzhen));
        assert!(!shenzhen.covers(&guangdong));
        assert!(!guangdong.covers(&hangzhou));
        assert!(Region::world().covers(&hangzhou));
        assert_eq!(shenzhen.parent(), Some(guangdong));
    }

    #[test]
    fn ancestry_runs_from_narrowest_to_the_world() {
        let r: Region = "CN/Guangdong/Shenzhen".parse().unwrap();
        let depths: Vec<usize> = r.ancestry().map(<[String]>::len).collect();
        assert_eq!(depths, vec![3, 2, 1, 0]);
    }

    #[test]
    fn empty_segments_are_refused() {
        assert!("CN//Shenzhen".parse::<Region>().is_err());
        assert!(Region::new(["CN", " "]).is_err());
        assert_eq!("".parse::<Region>().unwrap(), Region::world());
    }
}
