//! Hierarchical regions: country › province › city › district, any depth.

use crate::error::ModelError;
use crate::hash::FxHasher;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

/// A region as a path from the widest area to the narrowest, e.g. `CN/Guangdong/Shenzhen/Nanshan`.
///
/// The empty path is the whole world. Segments are compared exactly (case-sensitive), so a
/// CRM should feed them from one vocabulary. In JSON/TOML a region is the `/`-joined string.
///
/// A region is cheap to copy and to compare: its segments are shared by every clone (a clone
/// allocates nothing), and it carries a fingerprint of them, computed once when it is built, so
/// two different regions are usually told apart without reading any text. Equality still
/// compares the segments whenever the fingerprints agree; order is by segments alone.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region {
    /// [`fingerprint`] of the segments.
    fingerprint: u64,
    /// The segments, widest first; `None` for the world.
    segments: Option<Arc<[String]>>,
}

/// A hash of `segments`, the same for equal segments in every run: each segment's length
/// then its bytes, so two different paths never feed the hasher the same words.
fn fingerprint(segments: &[String]) -> u64 {
    let mut hasher = FxHasher::default();
    for segment in segments {
        hasher.write_text(segment.as_bytes());
    }
    hasher.finish_mixed()
}

impl Region {
    /// The whole world: covers every region.
    pub fn world() -> Self {
        Self::from_segments(Vec::new())
    }

    /// The region of `segments` (already checked), with its fingerprint.
    fn from_segments(segments: Vec<String>) -> Self {
        Self {
            fingerprint: fingerprint(&segments),
            segments: (!segments.is_empty()).then(|| Arc::from(segments)),
        }
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
        Ok(Self::from_segments(out))
    }

    /// The segments, widest first.
    #[inline]
    pub fn segments(&self) -> &[String] {
        self.segments.as_deref().unwrap_or_default()
    }

    /// How many levels deep this region is (the world is 0).
    pub fn depth(&self) -> usize {
        self.segments().len()
    }

    /// True when `self` is `other` or one of its ancestors.
    pub fn covers(&self, other: &Region) -> bool {
        let (mine, theirs) = (self.segments(), other.segments());
        theirs.len() >= mine.len() && mine.iter().zip(theirs).all(|(a, b)| a == b)
    }

    /// The enclosing region, or `None` for the world.
    pub fn parent(&self) -> Option<Region> {
        let segments = self.segments();
        let (_, enclosing) = segments.split_last()?;
        Some(Self::from_segments(enclosing.to_vec()))
    }

    /// This region and every ancestor, narrowest first, ending with the world.
    pub fn ancestry(&self) -> impl Iterator<Item = &[String]> {
        let segments = self.segments();
        (0..=segments.len()).rev().map(move |len| &segments[..len])
    }
}

impl Default for Region {
    /// The world.
    fn default() -> Self {
        Self::world()
    }
}

impl PartialEq for Region {
    /// The same segments: the fingerprints first (different ones settle it), then the
    /// segments themselves unless both share them.
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        if self.fingerprint != other.fingerprint {
            return false;
        }
        match (&self.segments, &other.segments) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) || same_segments(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for Region {}

impl Hash for Region {
    /// The fingerprint: equal regions have equal segments, hence equal fingerprints.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.fingerprint);
    }
}

impl Ord for Region {
    /// By segments, lexicographically (a region sorts right before the regions inside it).
    fn cmp(&self, other: &Self) -> Ordering {
        self.segments().cmp(other.segments())
    }
}

impl PartialOrd for Region {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Region")
            .field("segments", &self.segments())
            .finish()
    }
}

/// Equal segment lists, compared narrowest first (two cities differ there, not in the
/// country they share).
fn same_segments(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && a.iter()
            .rev()
            .zip(b.iter().rev())
            .all(|(x, y)| same_text(x, y))
}

/// `a == b`, for the short segments of regions without a call to `memcmp`: up to 16 bytes are
/// compared as two (overlapping) words, or byte by byte below 8.
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    };
    match n {
        0..8 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments().join("/"))
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

    fn hash_of(region: &Region) -> u64 {
        use std::hash::BuildHasher;
        let build =
            std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
        build.hash_one(region)
    }

    #[test]
    fn every_way_to_the_world_is_the_same_region() {
        let ways = [
            Region::world(),
            Region::default(),
            "".parse().unwrap(),
            "/".parse().unwrap(),
            Region::new(Vec::<String>::new()).unwrap(),
            "CN".parse::<Region>().unwrap().parent().unwrap(),
            serde_json::from_str("\"\"").unwrap(),
        ];
        for way in &ways {
            assert_eq!(way, &Region::world());
            assert_eq!(way.fingerprint, Region::world().fingerprint);
            assert_eq!(way.cmp(&Region::world()), Ordering::Equal);
            assert_eq!(way.depth(), 0);
        }
    }

    #[test]
    fn a_clone_shares_the_segments_of_its_original() {
        let region: Region = "CN/Guangdong/Shenzhen/Nanshan".parse().unwrap();
        let copy = region.clone();
        assert!(std::ptr::eq(region.segments(), copy.segments()));
        assert_eq!(copy, region);
        // A region built again from the same text is equal but has its own segments.
        let again: Region = "CN/Guangdong/Shenzhen/Nanshan".parse().unwrap();
        assert!(!std::ptr::eq(region.segments(), again.segments()));
        assert_eq!(again, region);
    }

    #[test]
    fn the_serialised_form_is_the_joined_path() {
        let region: Region = "CN/Guangdong/Shenzhen".parse().unwrap();
        let json = serde_json::to_string(&region).unwrap();
        assert_eq!(json, "\"CN/Guangdong/Shenzhen\"");
        let back: Region = serde_json::from_str(&json).unwrap();
        assert_eq!(back, region);
        assert_eq!(back.fingerprint, region.fingerprint);
        assert_eq!(
            format!("{region:?}"),
            r#"Region { segments: ["CN", "Guangdong", "Shenzhen"] }"#
        );
    }

    /// Segment lists over a tiny alphabet, so that equal and prefix-related paths are common;
    /// segment boundaries vary too ("ab"/"c" against "a"/"bc").
    fn paths() -> impl proptest::strategy::Strategy<Value = Vec<String>> {
        proptest::collection::vec("[ab\u{e9}]{1,10}", 0..4)
    }

    proptest::proptest! {
        /// A fingerprinted region compares, orders and hashes like its plain segment list,
        /// built by any constructor (segments, parsed text, a parent, a clone, a JSON round trip).
        #[test]
        fn regions_compare_like_their_segment_lists(a in paths(), b in paths()) {
            let (ra, rb) = (Region::new(&a).unwrap(), Region::new(&b).unwrap());
            proptest::prop_assert_eq!(ra == rb, a == b);
            proptest::prop_assert_eq!(ra.cmp(&rb), a.cmp(&b));
            proptest::prop_assert_eq!(ra.partial_cmp(&rb), a.partial_cmp(&b));
            proptest::prop_assert_eq!(ra.covers(&rb), b.starts_with(&a));
            if a == b {
                proptest::prop_assert_eq!(ra.fingerprint, rb.fingerprint);
                proptest::prop_assert_eq!(hash_of(&ra), hash_of(&rb));
            }
            let parsed: Region = a.join("/").parse().unwrap();
            let json: Region = serde_json::from_value(serde_json::to_value(&ra).unwrap()).unwrap();
            for other in [parsed, json, ra.clone()] {
                proptest::prop_assert_eq!(&other, &ra);
                proptest::prop_assert_eq!(other.fingerprint, ra.fingerprint);
                proptest::prop_assert_eq!(other.segments(), &a[..]);
            }
            if let Some(parent) = ra.parent() {
                let expected = Region::new(&a[..a.len() - 1]).unwrap();
                proptest::prop_assert_eq!(parent.fingerprint, expected.fingerprint);
                proptest::prop_assert_eq!(parent, expected);
            }
        }

        /// The word-wise segment comparison is string equality, at every length around 8
        /// and 16 bytes.
        #[test]
        fn same_text_is_equality(
            a in "[ab\u{e9}]{0,20}",
            b in "[ab\u{e9}]{0,20}",
        ) {
            proptest::prop_assert_eq!(same_text(&a, &b), a == b);
            proptest::prop_assert!(same_text(&a, &a));
            // One character changed anywhere: not the same.
            let chars: Vec<char> = a.chars().collect();
            for i in 0..chars.len() {
                let mut other = chars.clone();
                other[i] = if chars[i] == 'a' { 'b' } else { 'a' };
                let other: String = other.into_iter().collect();
                proptest::prop_assert_eq!(same_text(&a, &other), a == other);
            }
        }
    }
}
