//! Dedupe-key normalisation (seed 000, rule 1: "has anyone contacted this client already?"
//! matches on company name, phone and e-mail, however they were typed).

use leadpool::model::{DedupeKeys, normalize_company, normalize_email, normalize_phone};

fn all_equal(variants: &[&str], normalize: impl Fn(&str) -> Option<String>) -> String {
    let first =
        normalize(variants[0]).unwrap_or_else(|| panic!("{:?} normalised to nothing", variants[0]));
    for v in variants {
        assert_eq!(
            normalize(v).as_deref(),
            Some(first.as_str()),
            "{v:?} should match {:?}",
            variants[0]
        );
    }
    first
}

#[test]
fn company_names_match_across_case_punctuation_width_and_legal_form() {
    let key = all_equal(
        &[
            "Acme Trading Co., Ltd.",
            "ACME TRADING CO LTD",
            "acme trading",
            "Acme Trading Company Limited",
            "  Acme   Trading,  Inc. ",
            "Acme-Trading Corp.",
            "The Acme Trading Company",
            "ＡＣＭＥ　Ｔｒａｄｉｎｇ",
            "Acme Trading LLC",
            "acme trading co. ltd",
            "Acme Trading GmbH",
            "Acme Trading Pte. Ltd.",
        ],
        normalize_company,
    );
    assert_eq!(key, "acmetrading");
    let cn = all_equal(
        &[
            "深圳市华强电子有限公司",
            "深圳市华强电子股份有限公司",
            "深圳市华强电子有限责任公司",
            "深圳市华强电子公司",
            " 深圳市华强电子 ",
            "深圳市 华强电子有限公司",
            "深圳市华强电子（有限公司）",
            "深圳市华强电子。有限公司",
            "深圳市华强电子-有限公司",
            "深圳市华强电子, 有限公司",
        ],
        normalize_company,
    );
    assert_eq!(cn, "深圳市华强电子");
}

#[test]
fn company_near_misses_stay_apart() {
    let acme = normalize_company("Acme Trading Co., Ltd.");
    for other in [
        "Acme Trade Co., Ltd.",
        "Acme Trading Group",
        "Acme Tradings",
        "Acme",
        "Acme Trading Shenzhen",
        "Acne Trading",
    ] {
        assert_ne!(normalize_company(other), acme, "{other:?} must not match");
    }
    assert_ne!(
        normalize_company("华为技术有限公司"),
        normalize_company("华为终端有限公司")
    );
    assert_ne!(
        normalize_company("华强电子集团"),
        normalize_company("华强电子")
    );
    // Nothing distinctive left: no key at all rather than a key everybody shares.
    assert_eq!(normalize_company(" ., "), None);
    assert_eq!(
        normalize_company("Company Limited").as_deref(),
        Some("company")
    );
}

#[test]
fn phones_match_with_and_without_country_code() {
    let cn = Some("86");
    let key = all_equal(
        &[
            "+86 138 0013 8000",
            "+86-138-0013-8000",
            "0086 13800138000",
            "(+86) 138 0013 8000",
            "13800138000",
            "138-0013-8000",
            "138 0013 8000 ext. 12",
            "+86 138.0013.8000",
            "＋８６ １３８００１３８０００",
            "Tel: 138 0013 8000",
            "138 0013 8000 转 8",
        ],
        |p| normalize_phone(p, cn),
    );
    assert_eq!(key, "8613800138000");
    let landline = all_equal(
        &[
            "+86 (0)755 8888 0001",
            "0755-8888-0001",
            "(0755) 88880001",
            "+86 755 88880001",
        ],
        |p| normalize_phone(p, cn),
    );
    assert_eq!(landline, "8675588880001");
}

#[test]
fn phone_near_misses_stay_apart() {
    let cn = Some("86");
    let mobile = normalize_phone("+86 138 0013 8000", cn);
    assert_ne!(normalize_phone("+86 138 0013 8001", cn), mobile);
    assert_ne!(
        normalize_phone("+1 138 0013 8000", cn),
        mobile,
        "another country"
    );
    assert_ne!(normalize_phone("138 0013 800", cn), mobile, "a digit short");
    assert_eq!(
        normalize_phone("12-34", cn),
        None,
        "too short to identify anyone"
    );
    // Without a default country code, a national number does not pretend to know its country.
    assert_ne!(
        normalize_phone("13800138000", None),
        normalize_phone("+86 13800138000", None)
    );
}

#[test]
fn emails_match_case_and_wrapping_insensitively() {
    let key = all_equal(
        &[
            "sales@acme.com",
            "Sales@Acme.com",
            " SALES@ACME.COM ",
            "<sales@acme.com>",
            "mailto:sales@acme.com",
            "MAILTO:Sales@acme.com",
            "\tsales@acme.com\n",
            "ｓａｌｅｓ＠ａｃｍｅ．ｃｏｍ",
            "< Sales@ACME.com >",
            "sales@Acme.Com",
        ],
        normalize_email,
    );
    assert_eq!(key, "sales@acme.com");
}

#[test]
fn email_near_misses_and_garbage() {
    let key = normalize_email("sales@acme.com");
    for other in [
        "sale@acme.com",
        "sales@acme.co",
        "sales@acme-corp.com",
        "sales.acme.com",
    ] {
        assert_ne!(normalize_email(other), key, "{other:?}");
    }
    for garbage in [
        "",
        "@acme.com",
        "sales@",
        "sales@acme",
        "sa les@acme.com",
        "a@b@c.com",
    ] {
        assert_eq!(normalize_email(garbage), None, "{garbage:?}");
    }
}

#[test]
fn keys_match_when_any_one_is_shared() {
    let cn = Some("86");
    let known = DedupeKeys::from_raw(Some("Acme Co., Ltd."), Some("+86 138 0013 8000"), None, cn);
    let card_same_phone =
        DedupeKeys::from_raw(Some("Totally Different"), Some("13800138000"), None, cn);
    let card_unrelated = DedupeKeys::from_raw(Some("Globex"), None, Some("x@globex.com"), cn);
    assert!(known.matches(&card_same_phone));
    assert!(!known.matches(&card_unrelated));
    assert!(
        !DedupeKeys::default().matches(&DedupeKeys::default()),
        "missing keys never match"
    );
    assert_eq!(known.iter().count(), 2);
}
