//! Invitation codes printed on the letters.
//!
//! A code is 9 random characters from a 30-character alphabet without
//! look-alikes (no `0`, `O`, `1`, `I`, `L`, `U`) plus one check character,
//! shown in two groups of five: `K7MXQ-4RPWT`. The check makes
//! Σ (i+1)·value(cᵢ) ≡ 0 (mod 31); data whose check would need value 30 is
//! drawn again, which leaves 9·log2(30) − log2(31/30) ≈ 44.1 bits of entropy.
//! Because 31 is prime and the weights differ, the check catches every
//! single wrong character and every swap of two characters, so typing errors
//! get a clear message without a database lookup (and without revealing
//! anything about which codes exist).

use std::collections::HashSet;
use std::fmt;

use rand::{CryptoRng, Rng};
use serde::{Deserialize, Serialize};

/// The characters a code is made of.
pub const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random characters per code.
pub const RANDOM_CHARS: usize = 9;
/// Characters per code, check character included.
pub const CODE_CHARS: usize = RANDOM_CHARS + 1;
/// Characters per printed group.
pub const GROUP: usize = 5;

/// Bits of entropy of a code.
pub fn entropy_bits() -> f64 {
    RANDOM_CHARS as f64 * (ALPHABET.len() as f64).log2() - (31.0f64 / 30.0).log2()
}

fn value_of(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c)
}

/// Weighted sum Σ (i+1)·value(cᵢ) mod 31 over `chars`.
fn weighted_sum(chars: &[u8]) -> Option<usize> {
    let mut sum = 0;
    for (i, &c) in chars.iter().enumerate() {
        sum += (i + 1) * value_of(c)?;
    }
    Some(sum % 31)
}

/// The check character that makes the weighted sum of all ten characters
/// 0 mod 31, or `None` when that would need value 30 (not in the alphabet;
/// such data is drawn again).
fn check_char(data: &[u8]) -> Option<u8> {
    let s = weighted_sum(data)?;
    // 28 is the inverse of the check weight 10 modulo 31.
    let check = ((31 - s) * 28) % 31;
    ALPHABET.get(check).copied()
}

/// An invitation code in canonical form (upper case, no separators).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InvitationCode(String);

/// Why user input is not a valid code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a code has {CODE_CHARS} characters, this has {0}")]
    WrongLength(usize),
    #[error("'{0}' does not occur in codes")]
    InvalidChar(char),
    #[error("the code contains a typing error")]
    CheckFailed,
}

impl CodeError {
    /// Dutch message.
    pub fn message_nl(&self) -> String {
        match self {
            CodeError::WrongLength(n) => {
                format!("Een code heeft {CODE_CHARS} tekens, deze heeft er {n}.")
            }
            CodeError::InvalidChar(c) => format!("Het teken '{c}' komt niet voor in codes."),
            CodeError::CheckFailed => {
                "De code bevat een typefout. Controleer de code op uw brief.".into()
            }
        }
    }
    /// English message.
    pub fn message_en(&self) -> String {
        match self {
            CodeError::CheckFailed => {
                "The code contains a typing error. Please check the code on your letter.".into()
            }
            other => format!("{other}."),
        }
    }
}

impl InvitationCode {
    /// A new random code.
    pub fn generate<R: Rng + CryptoRng + ?Sized>(rng: &mut R) -> InvitationCode {
        loop {
            let mut data: Vec<u8> = (0..RANDOM_CHARS)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
                .collect();
            if let Some(check) = check_char(&data) {
                data.push(check);
                return InvitationCode(data.into_iter().map(char::from).collect());
            }
        }
    }

    /// Normalises and checks user input: case, spaces, dashes and dots do
    /// not matter.
    pub fn parse(input: &str) -> Result<InvitationCode, CodeError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '_' | '–'))
            .flat_map(char::to_uppercase)
            .collect();
        if let Some(bad) = cleaned
            .chars()
            .find(|c| !c.is_ascii() || value_of(*c as u8).is_none())
        {
            return Err(CodeError::InvalidChar(bad));
        }
        let n = cleaned.chars().count();
        if n != CODE_CHARS {
            return Err(CodeError::WrongLength(n));
        }
        let bytes = cleaned.as_bytes();
        if weighted_sum(bytes) != Some(0) {
            return Err(CodeError::CheckFailed);
        }
        Ok(InvitationCode(cleaned))
    }

    /// Canonical form without separators, for storage and lookup.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Printed form in groups: `K7MXQ-4RPWT`.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(CODE_CHARS + CODE_CHARS / GROUP);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % GROUP == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for InvitationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl TryFrom<String> for InvitationCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        InvitationCode::parse(&s)
    }
}

impl From<InvitationCode> for String {
    fn from(c: InvitationCode) -> String {
        c.0
    }
}

/// `n` new codes, distinct from each other and from `existing`.
pub fn generate_batch<R: Rng + CryptoRng + ?Sized>(
    n: usize,
    existing: &HashSet<InvitationCode>,
    rng: &mut R,
) -> Vec<InvitationCode> {
    let mut seen: HashSet<InvitationCode> = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let c = InvitationCode::generate(rng);
        if !existing.contains(&c) && seen.insert(c.clone()) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn alphabet_has_no_look_alikes() {
        for bad in b"01OILU" {
            assert!(!ALPHABET.contains(bad));
        }
        let set: HashSet<_> = ALPHABET.iter().collect();
        assert_eq!(set.len(), ALPHABET.len());
        assert!(entropy_bits() >= 40.0);
    }

    #[test]
    fn batch_of_100_000_is_unique_and_well_formed() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let codes = generate_batch(100_000, &HashSet::new(), &mut rng);
        let set: HashSet<_> = codes.iter().collect();
        assert_eq!(set.len(), 100_000);
        let mut counts = [0usize; 30];
        for c in &codes {
            assert_eq!(c.as_str().len(), CODE_CHARS);
            assert_eq!(c.grouped().len(), CODE_CHARS + 1);
            assert_eq!(InvitationCode::parse(&c.grouped()).as_ref(), Ok(c));
            for b in c.as_str()[..RANDOM_CHARS].bytes() {
                counts[value_of(b).unwrap_or(99)] += 1;
            }
        }
        // Every character is used, roughly uniformly (expected 30 000 each).
        for n in counts {
            assert!((28_000..32_000).contains(&n), "{n}");
        }
    }

    #[test]
    fn parse_normalises_and_checks() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let c = InvitationCode::generate(&mut rng);
        let g = c.grouped();
        let messy = format!("  {} ", g.to_lowercase().replace('-', " - "));
        assert_eq!(InvitationCode::parse(&messy), Ok(c.clone()));
        assert_eq!(InvitationCode::parse("ABC"), Err(CodeError::WrongLength(3)));
        assert_eq!(
            InvitationCode::parse("ABCDE-FGHI0"),
            Err(CodeError::InvalidChar('I'))
        );
        assert!(!CodeError::CheckFailed.message_nl().is_empty());
        let json = serde_json::to_string(&c).unwrap_or_default();
        assert_eq!(json, format!("\"{}\"", c.as_str()));
    }

    proptest! {
        #[test]
        fn single_substitutions_and_swaps_are_caught(seed in any::<u64>(), pos in 0..CODE_CHARS, delta in 1..30usize) {
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            let c = InvitationCode::generate(&mut rng);
            let mut b = c.as_str().as_bytes().to_vec();
            let v = value_of(b[pos]).unwrap_or(0);
            b[pos] = ALPHABET[(v + delta) % 30];
            let s = String::from_utf8(b).unwrap_or_default();
            prop_assert_eq!(InvitationCode::parse(&s), Err(CodeError::CheckFailed));
            let mut b = c.as_str().as_bytes().to_vec();
            let p = pos.min(CODE_CHARS - 2);
            let q = (p + 1 + delta % 3).min(CODE_CHARS - 1);
            if b[p] != b[q] {
                b.swap(p, q);
                let s = String::from_utf8(b).unwrap_or_default();
                prop_assert!(InvitationCode::parse(&s).is_err());
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = InvitationCode::parse(&s);
        }
    }
}
