//! The serialised form of a rotation's members: a list of `[rep, member]` pairs (see
//! [`RotationData`](super::RotationData)).

use super::{Member, RepId};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

pub(super) fn serialize<S: Serializer>(
    members: &[(RepId, Member)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    members.serialize(serializer)
}

/// A list naming a rep twice keeps its last entry; the list is sorted by rep.
pub(super) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(RepId, Member)>, D::Error> {
    let by_rep: BTreeMap<RepId, Member> = Vec::<(RepId, Member)>::deserialize(deserializer)?
        .into_iter()
        .collect();
    Ok(by_rep.into_iter().collect())
}
