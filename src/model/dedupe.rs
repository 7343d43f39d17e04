//! Dedupe keys: the normalised company name, phone and e-mail that say two records are the
//! same client, so a trade-show card can be matched to the rep who contacted the company first.

use serde::{Deserialize, Serialize};

/// One normalised key. Two clients sharing any key are treated as the same company.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DedupeKey {
    /// A company name after [`normalize_company`].
    Company(String),
    /// A phone number after [`normalize_phone`].
    Phone(String),
    /// An e-mail address after [`normalize_email`].
    Email(String),
}

/// The normalised keys of one client; any may be missing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DedupeKeys {
    /// Normalised company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Normalised phone number (digits, with country code when known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Normalised e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl DedupeKeys {
    /// Normalises raw values as typed by a person. `default_country_code` (digits, e.g. `"86"`)
    /// is prefixed to phone numbers written without one; pass `None` to keep national numbers as
    /// they are (then `+86 138…` and `138…` do not match). Values that normalise to nothing
    /// are dropped.
    pub fn from_raw(
        company: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
        default_country_code: Option<&str>,
    ) -> Self {
        Self {
            company: company.and_then(normalize_company),
            phone: phone.and_then(|p| normalize_phone(p, default_country_code)),
            email: email.and_then(normalize_email),
        }
    }

    /// The keys present, in a fixed order (company, phone, e-mail).
    pub fn iter(&self) -> impl Iterator<Item = DedupeKey> + '_ {
        let company = self.company.iter().map(|c| DedupeKey::Company(c.clone()));
        let phone = self.phone.iter().map(|p| DedupeKey::Phone(p.clone()));
        let email = self.email.iter().map(|e| DedupeKey::Email(e.clone()));
        company.chain(phone).chain(email)
    }

    /// The text of the key of `kind`: 0 the company, 1 the phone, 2 the e-mail (the
    /// [`DedupeKeys::iter`] order).
    #[inline]
    pub(crate) fn text_of(&self, kind: u8) -> Option<&str> {
        match kind {
            0 => self.company.as_deref(),
            1 => self.phone.as_deref(),
            _ => self.email.as_deref(),
        }
    }

    /// True when no key is present.
    pub fn is_empty(&self) -> bool {
        self.company.is_none() && self.phone.is_none() && self.email.is_none()
    }

    /// True when the two share at least one key.
    pub fn matches(&self, other: &DedupeKeys) -> bool {
        fn same(a: &Option<String>, b: &Option<String>) -> bool {
            matches!((a, b), (Some(x), Some(y)) if x == y)
        }
        same(&self.company, &other.company)
            || same(&self.phone, &other.phone)
            || same(&self.email, &other.email)
    }
}

/// Legal-form words dropped from the end of a Latin-script company name (after lower-casing
/// and splitting on punctuation), longest phrases first.
const LATIN_SUFFIXES: &[&[&str]] = &[
    &["co", "ltd"],
    &["company", "limited"],
    &["pte", "ltd"],
    &["pty", "ltd"],
    &["s", "a"],
    &["limited"],
    &["ltd"],
    &["inc"],
    &["incorporated"],
    &["corp"],
    &["corporation"],
    &["co"],
    &["company"],
    &["llc"],
    &["llp"],
    &["plc"],
    &["gmbh"],
    &["ag"],
    &["bv"],
    &["sa"],
    &["srl"],
    &["sarl"],
    &["oy"],
    &["ab"],
];

/// Legal-form endings dropped from a Chinese company name, longest first.
const CJK_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "有限責任公司",
    "股份公司",
    "公司",
];

/// Normalises a company name: full-width forms folded, lower-cased, punctuation and white space
/// removed, a leading "the" and trailing legal forms ("Co., Ltd.", "Inc.", "有限公司", …)
/// dropped. Returns `None` when nothing distinctive is left.
///
/// ```
/// use leadpool::model::normalize_company;
/// assert_eq!(normalize_company("ACME Trading Co., Ltd."), normalize_company("acme trading"));
/// assert_eq!(normalize_company("深圳市华强电子有限公司").as_deref(), Some("深圳市华强电子"));
/// ```
pub fn normalize_company(raw: &str) -> Option<String> {
    let folded: String = raw
        .chars()
        .map(fold_width)
        .collect::<String>()
        .to_lowercase();
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    // Drop trailing legal forms until none is left ("Acme Co Ltd Inc" stacks them).
    while strip_latin_suffix(&mut words) || strip_cjk_suffix(&mut words) {}
    let joined: String = words.concat();
    (!joined.is_empty()).then_some(joined)
}

fn strip_latin_suffix(words: &mut Vec<&str>) -> bool {
    // Never strip the whole name: "Company Limited" alone stays as it is.
    match LATIN_SUFFIXES
        .iter()
        .find(|suffix| words.len() > suffix.len() && words.ends_with(suffix))
    {
        Some(suffix) => {
            words.truncate(words.len() - suffix.len());
            true
        }
        None => false,
    }
}

fn strip_cjk_suffix(words: &mut Vec<&str>) -> bool {
    let Some(&last) = words.last() else {
        return false;
    };
    for suffix in CJK_SUFFIXES {
        if last == *suffix {
            // A legal form standing as its own word ("华强电子 有限公司") goes whole, unless
            // it is the whole name.
            if words.len() > 1 {
                words.pop();
                return true;
            }
            return false;
        }
        if let Some(stem) = last.strip_suffix(suffix) {
            if let Some(slot) = words.last_mut() {
                *slot = stem;
            }
            return true;
        }
    }
    false
}

/// Folds full-width ASCII (ＡＢＣ，１２３) and the ideographic space to their ASCII forms, and
/// so names typed on a Chinese keyboard compare equal.
fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Normalises a phone number to digits with its country calling code.
///
/// International forms (`+86 …`, `0086 …`, `(+86) …`) keep their code and lose a trunk
/// `(0)`; national forms lose one leading trunk `0` and gain `default_country_code`. An
/// extension (`ext. 12`, `x12`, `#12`, `转12`) is dropped. Returns `None` for fewer than five
/// digits, which cannot identify anybody.
///
/// ```
/// use leadpool::model::normalize_phone;
/// let cn = Some("86");
/// assert_eq!(normalize_phone("+86 138-0013-8000", cn), normalize_phone("138 0013 8000", cn));
/// ```
pub fn normalize_phone(raw: &str, default_country_code: Option<&str>) -> Option<String> {
    let folded: String = raw
        .chars()
        .map(fold_width)
        .collect::<String>()
        .to_lowercase();
    let mut number = folded.as_str();
    for separator in ["ext", "转", "x", "#", "分机"] {
        if let Some(pos) = number.find(separator) {
            number = &number[..pos];
        }
    }
    let number = number.replace("(0)", "");
    let trimmed = number.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '+');
    let international_plus = trimmed.starts_with('+');
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    // Split into (country code, significant number) so the length check below is about the
    // subscriber's digits, not the prefix we may have added.
    let (country, significant) = if international_plus {
        (String::new(), digits)
    } else if let Some(rest) = digits.strip_prefix("00") {
        (String::new(), rest.to_owned())
    } else {
        let national = digits.strip_prefix('0').unwrap_or(&digits).to_owned();
        let cc: String = default_country_code
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        (cc, national)
    };
    (significant.len() >= 5).then(|| format!("{country}{significant}"))
}

/// Normalises an e-mail address: trimmed, a `mailto:` prefix and surrounding `<>` removed,
/// lower-cased. Returns `None` unless it has the shape `local@domain`.
///
/// ```
/// use leadpool::model::normalize_email;
/// assert_eq!(normalize_email(" <Sales@Acme.COM> ").as_deref(), Some("sales@acme.com"));
/// ```
pub fn normalize_email(raw: &str) -> Option<String> {
    let folded: String = raw.chars().map(fold_width).collect();
    let trimmed = folded.trim();
    let trimmed = trimmed
        .strip_prefix("mailto:")
        .or_else(|| trimmed.strip_prefix("MAILTO:"))
        .unwrap_or(trimmed);
    let trimmed = trimmed.trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace());
    let lower = trimmed.to_lowercase();
    let (local, domain) = lower.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !lower.chars().any(char::is_whitespace)
        && !domain.contains('@');
    valid.then_some(lower)
}
