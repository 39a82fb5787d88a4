//! The reporter's meldcode and secret.
//!
//! After sending a report the reporter sees a **meldcode** (`M-7KQ4-XP2D`)
//! and a **secret** (`4HXM-…`, five groups of four). With both they can later
//! read the status and add information — no e-mail address is needed.
//!
//! * The meldcode is an identifier, not a secret: 8 symbols from an
//!   alphabet without look-alikes (no 0/O, 1/I/L, U), about 39 bits. The
//!   store checks it is unique and draws again on a collision.
//! * The secret has 20 symbols from the same 30-symbol alphabet:
//!   20 × log2(30) ≈ 98 bits of entropy, drawn from a cryptographic RNG. It
//!   is shown once and never stored; only [`SecretHash`] is kept.
//!
//! **Why SHA-256 and not Argon2:** a slow password hash protects *low*
//! entropy secrets chosen by people. This secret is random with ~98 bits, so
//! even a fast hash cannot be brute-forced (2^97 guesses on average), while
//! Argon2 would cost tens of milliseconds per follow-up and per submission,
//! turn the public endpoint into a CPU-exhaustion target and rule out the
//! submission throughput the benchmark asks for. The hash is domain-separated
//! and bound to the meldcode (so equal secrets under different meldcodes
//! give different hashes), and the comparison is constant-time (`subtle`).

use rand::{CryptoRng, Rng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The symbols of meldcodes and secrets: digits 2–9 and letters without
/// I, L, O and U.
pub const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

const MELDCODE_SYMBOLS: usize = 8;
const SECRET_SYMBOLS: usize = 20;

/// Bits of entropy of a [`Secret`].
pub fn secret_entropy_bits() -> f64 {
    SECRET_SYMBOLS as f64 * (ALPHABET.len() as f64).log2()
}

fn draw<R: CryptoRng + ?Sized>(rng: &mut R, n: usize) -> String {
    (0..n)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Upper-cases and drops spaces and dashes; `None` if any other character
/// is not in [`ALPHABET`].
fn normalise(input: &str) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if c.is_whitespace() || c == '-' {
            continue;
        }
        let c = c.to_ascii_uppercase();
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

fn grouped(symbols: &str) -> String {
    let mut out = String::with_capacity(symbols.len() + symbols.len() / 4);
    for (i, c) in symbols.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// Input that is not a meldcode or not a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("not a valid meldcode (like M-7KQ4-XP2D)")]
    BadMeldcode,
    #[error("not a valid secret (five groups of four characters)")]
    BadSecret,
    #[error("not a valid secret hash")]
    BadHash,
}

/// A meldcode such as `M-7KQ4-XP2D`. Stored and shown in this form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Meldcode(String);

impl Meldcode {
    /// Draws a new meldcode.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Meldcode {
        Meldcode(format!("M-{}", grouped(&draw(rng, MELDCODE_SYMBOLS))))
    }

    /// Parses what a reporter typed: case, spaces and dashes do not matter,
    /// the `M` prefix is optional.
    pub fn parse(input: &str) -> Result<Meldcode, CodeError> {
        let s = normalise(input).ok_or(CodeError::BadMeldcode)?;
        let body = match s.len() {
            n if n == MELDCODE_SYMBOLS => s.as_str(),
            n if n == MELDCODE_SYMBOLS + 1 && s.starts_with('M') => &s[1..],
            _ => return Err(CodeError::BadMeldcode),
        };
        Ok(Meldcode(format!("M-{}", grouped(body))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Meldcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Meldcode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Meldcode::parse(&s)
    }
}

impl From<Meldcode> for String {
    fn from(m: Meldcode) -> String {
        m.0
    }
}

/// The reporter's secret. Shown once, never stored, never logged: `Debug`
/// does not print it and it has no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// Draws a new secret (≈ 98 bits).
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Secret {
        Secret(draw(rng, SECRET_SYMBOLS))
    }

    /// Parses what a reporter typed (case, spaces and dashes do not matter).
    pub fn parse(input: &str) -> Result<Secret, CodeError> {
        match normalise(input) {
            Some(s) if s.len() == SECRET_SYMBOLS => Ok(Secret(s)),
            _ => Err(CodeError::BadSecret),
        }
    }

    /// The form to show the reporter once: `XXXX-XXXX-XXXX-XXXX-XXXX`.
    pub fn display_once(&self) -> String {
        grouped(&self.0)
    }

    /// The hash to store with the signal.
    pub fn hash(&self, meldcode: &Meldcode) -> SecretHash {
        SecretHash(digest(meldcode, self))
    }
}

const HASH_PREFIX: &str = "sha256v1$";
const DOMAIN: &[u8] = b"buitenzicht/signal-secret/v1\0";

fn digest(meldcode: &Meldcode, secret: &Secret) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(meldcode.as_str().as_bytes());
    h.update([0u8]);
    h.update(secret.0.as_bytes());
    h.finalize().into()
}

/// The stored form of a secret: `sha256v1$` + 64 hex digits.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SecretHash([u8; 32]);

impl std::fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHash(…)")
    }
}

impl SecretHash {
    pub fn parse(s: &str) -> Result<SecretHash, CodeError> {
        let hex_part = s.strip_prefix(HASH_PREFIX).ok_or(CodeError::BadHash)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_part, &mut out).map_err(|_| CodeError::BadHash)?;
        Ok(SecretHash(out))
    }

    /// The text to store.
    pub fn to_stored(&self) -> String {
        format!("{HASH_PREFIX}{}", hex::encode(self.0))
    }

    /// Whether `candidate` (as typed by the reporter) is the secret of
    /// `meldcode`. Constant-time in the comparison of the hashes.
    pub fn verify(&self, meldcode: &Meldcode, candidate: &str) -> bool {
        let Ok(secret) = Secret::parse(candidate) else {
            return false;
        };
        let computed = digest(meldcode, &secret);
        bool::from(computed.ct_eq(&self.0))
    }
}

impl TryFrom<String> for SecretHash {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SecretHash::parse(&s)
    }
}

impl From<SecretHash> for String {
    fn from(h: SecretHash) -> String {
        h.to_stored()
    }
}

/// What a new public report gets: the meldcode, the secret to show once,
/// and the hash to store.
#[derive(Debug)]
pub struct NewCredentials {
    pub meldcode: Meldcode,
    pub secret: Secret,
    pub secret_hash: SecretHash,
}

impl NewCredentials {
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> NewCredentials {
        let meldcode = Meldcode::generate(rng);
        let secret = Secret::generate(rng);
        let secret_hash = secret.hash(&meldcode);
        NewCredentials {
            meldcode,
            secret,
            secret_hash,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn meldcode_shape() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        for _ in 0..200 {
            let m = Meldcode::generate(&mut rng);
            let s = m.as_str();
            assert_eq!(s.len(), 11, "{s}");
            assert!(s.starts_with("M-") && s.as_bytes()[6] == b'-', "{s}");
            assert!(s[2..].bytes().all(|b| b == b'-' || ALPHABET.contains(&b)));
            assert_eq!(Meldcode::parse(s), Ok(m.clone()));
        }
    }

    #[test]
    fn meldcode_parsing_is_forgiving_about_case_and_dashes() {
        let m = Meldcode::parse("M-7KQ4-XP2D").unwrap();
        for typed in ["m-7kq4-xp2d", "M7KQ4XP2D", "7kq4 xp2d", " M 7KQ4 - XP2D "] {
            assert_eq!(Meldcode::parse(typed), Ok(m.clone()), "{typed}");
        }
        for bad in [
            "",
            "M-7KQ4-XP",
            "M-7KQ4-XP2DD",
            "M-0KQ4-XP2D",
            "M-7KQ4-XP2É",
            "X7KQ4XP2D",
        ] {
            assert_eq!(Meldcode::parse(bad), Err(CodeError::BadMeldcode), "{bad}");
        }
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "\"M-7KQ4-XP2D\"");
        assert!(serde_json::from_str::<Meldcode>("\"M-1111-1111\"").is_err());
    }

    #[test]
    fn alphabet_has_no_look_alikes_and_secret_has_enough_entropy() {
        for c in b"01ILOU" {
            assert!(!ALPHABET.contains(c));
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), 30);
        assert!(secret_entropy_bits() >= 80.0, "{}", secret_entropy_bits());
    }

    #[test]
    fn secret_verifies_only_with_its_meldcode() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let c = NewCredentials::generate(&mut rng);
        let shown = c.secret.display_once();
        assert_eq!(shown.len(), 24);
        assert!(c.secret_hash.verify(&c.meldcode, &shown));
        assert!(
            c.secret_hash
                .verify(&c.meldcode, &shown.to_lowercase().replace('-', " "))
        );
        let other = Meldcode::generate(&mut rng);
        assert!(!c.secret_hash.verify(&other, &shown));
        let other_secret = Secret::generate(&mut rng).display_once();
        assert!(!c.secret_hash.verify(&c.meldcode, &other_secret));
        assert!(!c.secret_hash.verify(&c.meldcode, ""));
        assert!(!c.secret_hash.verify(&c.meldcode, "not a secret at all"));
    }

    #[test]
    fn stored_hash_round_trips_and_hides_the_secret() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let c = NewCredentials::generate(&mut rng);
        let stored = c.secret_hash.to_stored();
        assert!(stored.starts_with("sha256v1$") && stored.len() == 9 + 64);
        let raw = c.secret.display_once().replace('-', "");
        assert!(!stored.contains(&raw));
        let back = SecretHash::parse(&stored).unwrap();
        assert!(back.verify(&c.meldcode, &c.secret.display_once()));
        let json = serde_json::to_string(&back).unwrap();
        assert_eq!(json, format!("\"{stored}\""));
        // Debug output never shows the secret or the hash.
        let dbg = format!("{c:?}");
        assert!(!dbg.contains(&raw) && !dbg.contains(&stored[9..]), "{dbg}");
        for bad in ["", "sha256v1$zz", "md5$00", &stored[..stored.len() - 2]] {
            assert_eq!(SecretHash::parse(bad), Err(CodeError::BadHash), "{bad}");
        }
    }

    #[test]
    fn secrets_are_distinct() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let set: std::collections::HashSet<String> = (0..1000)
            .map(|_| Secret::generate(&mut rng).display_once())
            .collect();
        assert_eq!(set.len(), 1000);
        // The thread RNG (what the web layer uses) works too.
        let a = Secret::generate(&mut rand::rng());
        let b = Secret::generate(&mut rand::rng());
        assert_ne!(a, b);
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = Meldcode::parse(&s);
            let _ = Secret::parse(&s);
            let _ = SecretHash::parse(&s);
        }
    }
}
