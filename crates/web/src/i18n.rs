//! Languages and the message catalogues (`locales/nl.yml`, `locales/en.yml`).
//! Dutch is the default; English is chosen with the language switch.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// The other language, offered by the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }
}

/// The message for `key` in `lang`.
pub fn tr(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

/// The message for `key` with `%{name}` placeholders filled in.
pub fn tr_args(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = tr(lang, key);
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

/// Format an integer the Dutch way (12.345) or the English way (12,345).
pub fn number(lang: Lang, n: i64) -> String {
    let sep = match lang {
        Lang::Nl => '.',
        Lang::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Format a Unix time (seconds) as a local-looking date and time (UTC shown as such).
pub fn datetime(ts: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ts) {
        Ok(t) => {
            let nl = t.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                nl.year(),
                u8::from(nl.month()),
                nl.day(),
                nl.hour(),
                nl.minute()
            )
        }
        Err(_) => "-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_the_local_grouping() {
        assert_eq!(number(Lang::Nl, 12345), "12.345");
        assert_eq!(number(Lang::En, 1234567), "1,234,567");
        assert_eq!(number(Lang::Nl, 999), "999");
        assert_eq!(number(Lang::Nl, -1000), "-1.000");
    }

    /// Every key used anywhere in templates or code exists in both catalogues.
    #[test]
    fn every_used_message_key_exists_in_every_language() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut keys = std::collections::BTreeSet::new();
        let mut files = Vec::new();
        for dir in ["templates", "src", "src/pages", "src/auth"] {
            for e in std::fs::read_dir(root.join(dir)).expect("dir").flatten() {
                if e.path().is_file() {
                    files.push(e.path());
                }
            }
        }
        for f in files {
            let text = std::fs::read_to_string(&f).expect("read");
            for pat in [
                "t(\"",
                "tr(lang, \"",
                "tr(ctx.lang, \"",
                "tr_args(lang, \"",
                "tr_args(ctx.lang, \"",
                "key: \"",
                "label: \"",
            ] {
                let mut rest = text.as_str();
                while let Some(i) = rest.find(pat) {
                    rest = &rest[i + pat.len()..];
                    if let Some(end) = rest.find('"') {
                        let k = &rest[..end];
                        if k.contains('.') && !k.contains(' ') && !k.contains('{') {
                            keys.insert(k.to_string());
                        }
                    }
                }
            }
        }
        assert!(keys.len() > 50, "found only {} keys", keys.len());
        let mut missing = Vec::new();
        for k in &keys {
            for lang in Lang::ALL {
                let v = tr(lang, k);
                if v == format!("{}.{}", lang.code(), k) || v == *k {
                    missing.push(format!("{}: {}", lang.code(), k));
                }
            }
        }
        assert!(missing.is_empty(), "missing message keys: {missing:#?}");
    }
}
