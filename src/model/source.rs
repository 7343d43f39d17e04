//! Where a client came from (客户来源): the key the allocation router dispatches on.

use crate::ids::RepId;
use serde::{Deserialize, Serialize};

/// The channel a client arrived through, with the facts each channel's rule needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A business card collected at a trade show, by the rep who staffed the booth.
    TradeShow {
        /// The rep who received the card.
        received_by: RepId,
    },
    /// An inquiry to one rep's own sub-account on a B2B platform.
    PlatformSubAccount {
        /// The rep who owns the sub-account.
        rep: RepId,
    },
    /// An inquiry to the company's master account on a B2B platform.
    PlatformMaster,
    /// An inquiry through the company website.
    Website,
    /// A list found by searching directories (yellow pages, customs data, maps).
    DirectorySearch,
    /// A purchased or exchanged list.
    PurchasedList,
    /// Anything else, with a free label.
    Other {
        /// What the CRM calls this channel.
        label: String,
    },
}

/// The channel alone, without its data: the key of a router's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// See [`Source::TradeShow`].
    TradeShow,
    /// See [`Source::PlatformSubAccount`].
    PlatformSubAccount,
    /// See [`Source::PlatformMaster`].
    PlatformMaster,
    /// See [`Source::Website`].
    Website,
    /// See [`Source::DirectorySearch`].
    DirectorySearch,
    /// See [`Source::PurchasedList`].
    PurchasedList,
    /// See [`Source::Other`].
    Other,
}

impl SourceKind {
    /// Every kind, in declaration order.
    pub const ALL: [SourceKind; 7] = [
        SourceKind::TradeShow,
        SourceKind::PlatformSubAccount,
        SourceKind::PlatformMaster,
        SourceKind::Website,
        SourceKind::DirectorySearch,
        SourceKind::PurchasedList,
        SourceKind::Other,
    ];
}

impl Source {
    /// The channel without its data.
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::TradeShow { .. } => SourceKind::TradeShow,
            Source::PlatformSubAccount { .. } => SourceKind::PlatformSubAccount,
            Source::PlatformMaster => SourceKind::PlatformMaster,
            Source::Website => SourceKind::Website,
            Source::DirectorySearch => SourceKind::DirectorySearch,
            Source::PurchasedList => SourceKind::PurchasedList,
            Source::Other { .. } => SourceKind::Other,
        }
    }

    /// The rep this source names as the first candidate (card receiver or sub-account owner).
    pub fn named_rep(&self) -> Option<RepId> {
        match self {
            Source::TradeShow { received_by } => Some(*received_by),
            Source::PlatformSubAccount { rep } => Some(*rep),
            _ => None,
        }
    }
}
