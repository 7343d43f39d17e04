//! Conversions between leadpool's values and the columns: ids as BIGINT, instants as BIGINT
//! nanoseconds, dedupe keys as (kind, value) pairs.

use crate::error::{corrupt, out_of_range};
use chrono::{DateTime, Utc};
use leadpool::StoreError;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::DedupeKey;
use tokio_postgres::types::ToSql;

/// Statement parameters built along with the SQL that numbers them.
#[derive(Default)]
pub(crate) struct Params(Vec<Box<dyn ToSql + Sync + Send>>);

impl Params {
    /// Adds a parameter; returns its placeholder (`$n`).
    pub(crate) fn push(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.0.push(Box::new(value));
        format!("${}", self.0.len())
    }

    pub(crate) fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

pub(crate) fn client_param(id: ClientId) -> Result<i64, StoreError> {
    i64::try_from(id.0).map_err(|_| out_of_range("client id", id))
}

pub(crate) fn rep_param(rep: RepId) -> Result<i64, StoreError> {
    i64::try_from(rep.0).map_err(|_| out_of_range("rep id", rep))
}

/// An instant a query compares with, in nanoseconds, saturating at the ends of the range
/// (`DateTime::MAX_UTC` means "everything").
pub(crate) fn instant_param(at: DateTime<Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// A stored BIGINT that must not be negative.
pub(crate) fn to_u64(
    table: &'static str,
    key: impl ToString,
    value: i64,
) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| corrupt(table, key, format!("negative value {value}")))
}

fn kind_name(key: &DedupeKey) -> (&'static str, &str) {
    match key {
        DedupeKey::Company(v) => ("company", v),
        DedupeKey::Phone(v) => ("phone", v),
        DedupeKey::Email(v) => ("email", v),
    }
}

/// Keys as the two arrays `unnest($kinds, $values)` reads.
pub(crate) fn key_parts<'k>(
    keys: impl IntoIterator<Item = &'k DedupeKey>,
) -> (Vec<String>, Vec<String>) {
    keys.into_iter()
        .map(|key| {
            let (kind, value) = kind_name(key);
            (kind.to_owned(), value.to_owned())
        })
        .unzip()
}

/// The `dedupe` column: each key as `kind:value`, in the client's order.
pub(crate) fn dedupe_column(keys: impl IntoIterator<Item = DedupeKey>) -> Vec<String> {
    keys.into_iter()
        .map(|key| {
            let (kind, value) = kind_name(&key);
            format!("{kind}:{value}")
        })
        .collect()
}

/// A key back from the `dedupe` column (the kind never contains a colon; the value may).
pub(crate) fn key_from_column(text: &str) -> Option<DedupeKey> {
    let (kind, value) = text.split_once(':')?;
    let value = value.to_owned();
    match kind {
        "company" => Some(DedupeKey::Company(value)),
        "phone" => Some(DedupeKey::Phone(value)),
        "email" => Some(DedupeKey::Email(value)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn keys_survive_the_column_even_with_colons() {
        let keys = vec![
            DedupeKey::Company("a:b".into()),
            DedupeKey::Phone("86138".into()),
            DedupeKey::Email("x@y".into()),
        ];
        let column = dedupe_column(keys.clone());
        let back: Vec<DedupeKey> = column.iter().filter_map(|t| key_from_column(t)).collect();
        assert_eq!(back, keys);
        assert_eq!(key_from_column("fax:1"), None);
        assert_eq!(key_from_column("nocolon"), None);
    }

    #[test]
    fn instants_are_nanoseconds_and_saturate() {
        let t = Utc.timestamp_opt(1, 5).single().unwrap_or_default();
        assert_eq!(instant_param(t), 1_000_000_005);
        assert_eq!(instant_param(DateTime::<Utc>::MAX_UTC), i64::MAX);
        assert_eq!(instant_param(DateTime::<Utc>::MIN_UTC), i64::MIN);
    }

    #[test]
    fn ids_above_i64_are_refused_not_wrapped() {
        assert!(client_param(ClientId(u64::MAX)).is_err());
        assert_eq!(client_param(ClientId(7)).ok(), Some(7));
        assert!(to_u64("t", 1, -1).is_err());
    }
}
