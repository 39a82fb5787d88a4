//! Forwarding a signal to a partner, with a de-identified summary, and hints
//! of identifying data in free text.
//!
//! The intake officer rewrites the reporter's text so that it cannot
//! identify the reporter; only that rewritten text leaves the organisation.
//! [`identifying_hints`] finds the obvious identifying data (e-mail
//! addresses, phone numbers, postcodes with house numbers, street addresses,
//! licence plates, IBANs, BSN-like numbers) so the form can warn. It is a
//! warning, not a guarantee: names and descriptions of people cannot be
//! found this way, and the officer stays responsible.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use crate::{Timestamp, code_enum};

code_enum!(
    /// Who a signal can be handed off to.
    ForwardTarget {
        Politie => "politie",
        MeldMisdaadAnoniem => "meld_misdaad_anoniem",
        Riec => "riec",
        Omgevingsdienst => "omgevingsdienst",
    }
);

impl ForwardTarget {
    pub fn name_nl(self) -> &'static str {
        match self {
            ForwardTarget::Politie => "Politie",
            ForwardTarget::MeldMisdaadAnoniem => "Meld Misdaad Anoniem",
            ForwardTarget::Riec => "RIEC",
            ForwardTarget::Omgevingsdienst => "Omgevingsdienst",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ForwardTarget::Politie => "Police",
            ForwardTarget::MeldMisdaadAnoniem => "Meld Misdaad Anoniem (Crimestoppers)",
            ForwardTarget::Riec => "RIEC (regional information and expertise centre)",
            ForwardTarget::Omgevingsdienst => "Environmental service (Omgevingsdienst)",
        }
    }
}

/// The most characters of a de-identified summary.
pub const MAX_SUMMARY: usize = 5000;
/// The fewest characters of a de-identified summary.
pub const MIN_SUMMARY: usize = 10;

/// The text the intake officer wrote for forwarding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeidentifiedSummary {
    pub text: String,
    /// User id of the intake officer.
    pub written_by: String,
    pub written_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum SummaryError {
    #[error("the summary is shorter than {min} characters")]
    TooShort { min: usize },
    #[error("the summary is longer than {max} characters")]
    TooLong { max: usize },
}

/// What the form shows before a summary is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryReview {
    pub hints: Vec<IdentifyingHint>,
    /// The summary copies a run of words from the reporter's original text
    /// (or is the same text): it was not really rewritten.
    pub copies_original: bool,
}

impl SummaryReview {
    /// Nothing to warn about.
    pub fn is_clean(&self) -> bool {
        self.hints.is_empty() && !self.copies_original
    }
}

impl DeidentifiedSummary {
    pub fn new(
        text: &str,
        written_by: impl Into<String>,
        written_at: Timestamp,
    ) -> Result<DeidentifiedSummary, SummaryError> {
        let text = text.trim();
        let n = text.chars().count();
        if n < MIN_SUMMARY {
            return Err(SummaryError::TooShort { min: MIN_SUMMARY });
        }
        if n > MAX_SUMMARY {
            return Err(SummaryError::TooLong { max: MAX_SUMMARY });
        }
        Ok(DeidentifiedSummary {
            text: text.to_string(),
            written_by: written_by.into(),
            written_at,
        })
    }

    /// Warnings for this summary against the reporter's original text.
    pub fn review(&self, original: &str) -> SummaryReview {
        SummaryReview {
            hints: identifying_hints(&self.text),
            copies_original: copies_original(&self.text, original),
        }
    }
}

/// How many consecutive words shared with the original count as copying.
pub const COPIED_RUN_WORDS: usize = 8;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `summary` is the same text as `original` or shares a run of
/// [`COPIED_RUN_WORDS`] consecutive words with it (case and punctuation
/// ignored).
pub fn copies_original(summary: &str, original: &str) -> bool {
    let s = words(summary);
    let o = words(original);
    if !s.is_empty() && s == o {
        return true;
    }
    if s.len() < COPIED_RUN_WORDS || o.len() < COPIED_RUN_WORDS {
        return false;
    }
    let runs: std::collections::HashSet<&[String]> = o.windows(COPIED_RUN_WORDS).collect();
    s.windows(COPIED_RUN_WORDS).any(|w| runs.contains(w))
}

/// A kind of identifying data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifyingKind {
    Email,
    Phone,
    PostcodeHouseNumber,
    Postcode,
    StreetAddress,
    LicencePlate,
    Iban,
    /// Nine digits that pass the "elfproef" of a burgerservicenummer.
    Bsn,
}

impl IdentifyingKind {
    pub fn name_nl(self) -> &'static str {
        match self {
            IdentifyingKind::Email => "e-mailadres",
            IdentifyingKind::Phone => "telefoonnummer",
            IdentifyingKind::PostcodeHouseNumber => "postcode met huisnummer",
            IdentifyingKind::Postcode => "postcode",
            IdentifyingKind::StreetAddress => "adres",
            IdentifyingKind::LicencePlate => "kenteken",
            IdentifyingKind::Iban => "rekeningnummer (IBAN)",
            IdentifyingKind::Bsn => "mogelijk burgerservicenummer",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            IdentifyingKind::Email => "e-mail address",
            IdentifyingKind::Phone => "phone number",
            IdentifyingKind::PostcodeHouseNumber => "postcode with house number",
            IdentifyingKind::Postcode => "postcode",
            IdentifyingKind::StreetAddress => "street address",
            IdentifyingKind::LicencePlate => "licence plate",
            IdentifyingKind::Iban => "bank account (IBAN)",
            IdentifyingKind::Bsn => "possible citizen service number (BSN)",
        }
    }
}

/// A place in a text that looks identifying. `start..end` is a byte range
/// of the text (on character boundaries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifyingHint {
    pub kind: IdentifyingKind,
    pub start: usize,
    pub end: usize,
}

fn re(pattern: &str) -> Regex {
    // The patterns are constants of this module, covered by the tests.
    Regex::new(pattern).expect("static pattern")
}

static PATTERNS: LazyLock<Vec<(IdentifyingKind, Regex)>> = LazyLock::new(|| {
    vec![
        (
            IdentifyingKind::Email,
            re(r"(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b"),
        ),
        (
            IdentifyingKind::Iban,
            re(r"(?i)\b[A-Z]{2}\d{2}\s?[A-Z]{4}(?:\s?\d){10}\b"),
        ),
        (
            IdentifyingKind::Phone,
            re(
                r"(?:\+31|\b0031)[\s\-]?(?:\(0\)[\s\-]?)?[1-9](?:[\s\-]?\d){8}\b|\b0[1-9](?:[\s\-]?\d){8}\b",
            ),
        ),
        (
            IdentifyingKind::PostcodeHouseNumber,
            re(r"\b[1-9]\d{3}(?:\s?[A-Z]{2}|[a-z]{2})[\s,]+\d{1,5}(?:\s?[a-zA-Z])?\b"),
        ),
        (
            IdentifyingKind::Postcode,
            re(r"\b[1-9]\d{3}(?:\s?[A-Z]{2}|[a-z]{2})\b"),
        ),
        (
            IdentifyingKind::StreetAddress,
            re(
                r"\b\p{Lu}\p{Ll}*(?:straat|weg|laan|dijk|pad|plein|singel|gracht|kade|steeg|dreef|hof|erf|veld|akker|baan|wal|markt|brink|es|horst|hoek|kamp|dam|ring|lei|zijde|boulevard)\s+\d{1,5}(?:\s?[a-zA-Z]\b)?",
            ),
        ),
        (
            IdentifyingKind::LicencePlate,
            re(concat!(
                r"(?i)\b(?:[A-Z]{2}-\d{2}-\d{2}|\d{2}-\d{2}-[A-Z]{2}|\d{2}-[A-Z]{2}-\d{2}",
                r"|[A-Z]{2}-\d{2}-[A-Z]{2}|[A-Z]{2}-[A-Z]{2}-\d{2}|\d{2}-[A-Z]{2}-[A-Z]{2}",
                r"|\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}",
                r"|[A-Z]{3}-\d{2}-[A-Z]|[A-Z]-\d{2}-[A-Z]{3}|\d-[A-Z]{2}-\d{3}|\d{3}-[A-Z]{2}-\d)\b",
            )),
        ),
        (
            IdentifyingKind::Bsn,
            re(r"\b\d{9}\b|\b\d{3}\.\d{3}\.\d{3}\b"),
        ),
    ]
});

fn passes_elfproef(candidate: &str) -> bool {
    let digits: Vec<i64> = candidate
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(i64::from)
        .collect();
    if digits.len() != 9 || digits.iter().all(|d| *d == 0) {
        return false;
    }
    let sum: i64 = digits[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(d, w)| d * w)
        .sum::<i64>()
        - digits[8];
    sum % 11 == 0
}

/// Places in `text` that look like identifying data, in text order and not
/// overlapping (where two patterns overlap, the first listed kind wins:
/// e-mail, IBAN, phone, postcode with number, …).
pub fn identifying_hints(text: &str) -> Vec<IdentifyingHint> {
    let mut found = Vec::new();
    for (rank, (kind, pattern)) in PATTERNS.iter().enumerate() {
        for m in pattern.find_iter(text) {
            if *kind == IdentifyingKind::Bsn && !passes_elfproef(m.as_str()) {
                continue;
            }
            found.push((
                rank,
                IdentifyingHint {
                    kind: *kind,
                    start: m.start(),
                    end: m.end(),
                },
            ));
        }
    }
    found.sort_by_key(|(rank, h)| (*rank, h.start));
    let mut kept: Vec<IdentifyingHint> = Vec::new();
    for (_, h) in found {
        if kept.iter().all(|k| h.end <= k.start || h.start >= k.end) {
            kept.push(h);
        }
    }
    kept.sort_by_key(|h| h.start);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(IdentifyingKind, &str)> {
        identifying_hints(text)
            .into_iter()
            .map(|h| (h.kind, &text[h.start..h.end]))
            .collect()
    }

    #[test]
    fn finds_contact_data() {
        use IdentifyingKind::*;
        assert_eq!(
            kinds("Mail jan.jansen@example.nl of bel 06-12345678."),
            vec![(Email, "jan.jansen@example.nl"), (Phone, "06-12345678")]
        );
        for phone in [
            "06 12 34 56 78",
            "+31 6 1234 5678",
            "0031612345678",
            "020-1234567",
            "+31 (0)20 123 4567",
        ] {
            let text = format!("bel {phone} graag");
            assert_eq!(kinds(&text), vec![(Phone, phone)], "{phone}");
        }
    }

    #[test]
    fn finds_addresses_postcodes_and_plates() {
        use IdentifyingKind::*;
        assert_eq!(
            kinds("Het is bij 7461 AB 12a, naast de schuur."),
            vec![(PostcodeHouseNumber, "7461 AB 12a")]
        );
        assert_eq!(kinds("postcode 7461ab"), vec![(Postcode, "7461ab")]);
        assert_eq!(
            kinds("De loods aan de Hoofdweg 112 en de Kerkstraat 3"),
            vec![
                (StreetAddress, "Hoofdweg 112"),
                (StreetAddress, "Kerkstraat 3")
            ]
        );
        assert_eq!(
            kinds("Een busje met kenteken VXL-12-B en een auto 12-ABC-3, ook 99-xx-99."),
            vec![
                (LicencePlate, "VXL-12-B"),
                (LicencePlate, "12-ABC-3"),
                (LicencePlate, "99-xx-99")
            ]
        );
        assert_eq!(
            kinds("Betaald vanaf NL91 ABNA 0417 1643 00 contant"),
            vec![(Iban, "NL91 ABNA 0417 1643 00")]
        );
        // 111222333 passes the elfproef; 123456789 does not.
        assert_eq!(kinds("nummer 111222333"), vec![(Bsn, "111222333")]);
        assert!(kinds("nummer 123456789").is_empty());
    }

    #[test]
    fn ordinary_text_is_not_flagged() {
        for text in [
            "In 2024 en 2025 stonden er vaten in de sloot achter de schuur.",
            "Om 23:15 reden er drie auto's weg, op 12-05-2025.",
            "Het rook naar anijs, ongeveer 200 meter van de weg.",
            "Er staan 20 jerrycans en 3 vaten.",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn summary_checks() {
        assert_eq!(
            DeidentifiedSummary::new(" kort ", "u1", 1),
            Err(SummaryError::TooShort { min: MIN_SUMMARY })
        );
        assert!(matches!(
            DeidentifiedSummary::new(&"x".repeat(MAX_SUMMARY + 1), "u1", 1),
            Err(SummaryError::TooLong { .. })
        ));
        let original = "Ik woon naast de boerderij en zag vannacht om drie uur twee bestelbussen \
                        met vaten bij de schuur van mijn buurman staan, bel me op 06-12345678";
        let copied = DeidentifiedSummary::new(
            "Melder zag vannacht om drie uur twee bestelbussen met vaten bij de schuur.",
            "u1",
            1,
        )
        .unwrap();
        let review = copied.review(original);
        assert!(review.copies_original && review.hints.is_empty());
        assert!(!review.is_clean());
        let rewritten = DeidentifiedSummary::new(
            "Bij een agrarisch object zijn 's nachts bestelbussen en vaten gezien.",
            "u1",
            1,
        )
        .unwrap();
        assert!(rewritten.review(original).is_clean());
        let leaky =
            DeidentifiedSummary::new("Melder is bereikbaar op 06-12345678.", "u1", 1).unwrap();
        assert_eq!(leaky.review(original).hints.len(), 1);
        assert!(copies_original("Zag vaten.", "zag   VATEN"));
    }

    #[test]
    fn targets() {
        assert_eq!(ForwardTarget::ALL.len(), 4);
        assert_eq!(
            "meld_misdaad_anoniem".parse(),
            Ok(ForwardTarget::MeldMisdaadAnoniem)
        );
    }
}
