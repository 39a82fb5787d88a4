//! The audit trail as a hash chain.
//!
//! Every entry stores the hash of the previous entry and its own hash over
//! its fields. Altering a field breaks that entry's hash; deleting or
//! reordering entries breaks the sequence or the link to the previous hash.
//! Entries never contain passwords, secrets or session ids.

use sha2::{Digest, Sha256};

/// The previous-hash value of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Outcome recorded with an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One audit entry's content (everything the hash covers except `prev_hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    /// Unix time in milliseconds (UTC).
    pub ts_ms: i64,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub org_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub result: String,
    pub detail: String,
}

/// A stored entry: the record plus its chain links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedEntry {
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over the previous hash and length-prefixed fields.
pub fn entry_hash(prev_hash: &str, r: &AuditRecord) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field(prev_hash);
    field(&r.seq.to_string());
    field(&r.ts_ms.to_string());
    field(r.actor_id.as_deref().unwrap_or("\u{0}none"));
    field(&r.actor_name);
    field(r.org_id.as_deref().unwrap_or("\u{0}none"));
    field(&r.action);
    field(&r.object_type);
    field(&r.object_id);
    field(&r.result);
    field(&r.detail);
    hex::encode(h.finalize())
}

/// Link a new record after the entry whose hash is `prev_hash`.
pub fn chain(prev_hash: &str, record: AuditRecord) -> ChainedEntry {
    let hash = entry_hash(prev_hash, &record);
    ChainedEntry {
        record,
        prev_hash: prev_hash.to_string(),
        hash,
    }
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: sequence gap, expected {expected} (an entry was deleted or inserted)")]
    Gap { seq: i64, expected: i64 },
    #[error("entry {seq}: previous-hash link does not match the entry before it")]
    BrokenLink { seq: i64 },
    #[error("entry {seq}: content does not match its hash (the entry was altered)")]
    Altered { seq: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Gap { seq, .. }
            | ChainBreak::BrokenLink { seq }
            | ChainBreak::Altered { seq } => *seq,
        }
    }
}

/// Incremental verifier: feed entries in sequence order.
#[derive(Debug, Clone)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
    checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
            checked: 0,
        }
    }
}

impl Verifier {
    pub fn push(&mut self, e: &ChainedEntry) -> Result<(), ChainBreak> {
        let seq = e.record.seq;
        if seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                seq,
                expected: self.expected_seq,
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::BrokenLink { seq });
        }
        if entry_hash(&e.prev_hash, &e.record) != e.hash {
            return Err(ChainBreak::Altered { seq });
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// Number of entries verified so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }
}

/// Verify a whole chain in order; returns the number of entries checked.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a ChainedEntry>) -> Result<u64, ChainBreak> {
    let mut v = Verifier::default();
    for e in entries {
        v.push(e)?;
    }
    Ok(v.checked())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rec(seq: i64, action: &str) -> AuditRecord {
        AuditRecord {
            seq,
            ts_ms: 1_700_000_000_000 + seq,
            actor_id: Some("u1".into()),
            actor_name: "demo.beheerder".into(),
            org_id: Some("o1".into()),
            action: action.into(),
            object_type: "user".into(),
            object_id: format!("u{seq}"),
            result: Outcome::Success.as_str().into(),
            detail: String::new(),
        }
    }

    fn build(n: i64) -> Vec<ChainedEntry> {
        let mut out: Vec<ChainedEntry> = Vec::new();
        for i in 1..=n {
            let prev = out
                .last()
                .map(|e| e.hash.clone())
                .unwrap_or_else(|| GENESIS.to_string());
            out.push(chain(&prev, rec(i, "user.create")));
        }
        out
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&build(10)), Ok(10));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn altering_a_field_is_detected_at_that_entry() {
        let mut c = build(5);
        c[2].record.detail = "changed".into();
        assert_eq!(verify(&c), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn deleting_an_entry_is_detected() {
        let mut c = build(5);
        c.remove(1);
        assert_eq!(
            verify(&c),
            Err(ChainBreak::Gap {
                seq: 3,
                expected: 2
            })
        );
    }

    #[test]
    fn rehashing_an_altered_entry_breaks_the_next_link() {
        let mut c = build(5);
        c[1].record.result = "failure".into();
        c[1].hash = entry_hash(&c[1].prev_hash, &c[1].record);
        assert_eq!(verify(&c), Err(ChainBreak::BrokenLink { seq: 3 }));
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let mut a = rec(1, "ab");
        a.object_type = "c".into();
        let mut b = rec(1, "a");
        b.object_type = "bc".into();
        assert_ne!(entry_hash(GENESIS, &a), entry_hash(GENESIS, &b));
        let mut none = rec(1, "x");
        none.actor_id = None;
        let mut empty = rec(1, "x");
        empty.actor_id = Some(String::new());
        assert_ne!(entry_hash(GENESIS, &none), entry_hash(GENESIS, &empty));
    }

    proptest! {
        #[test]
        fn any_single_alteration_is_detected(n in 1i64..20, idx in 0usize..20, detail in "[a-z]{1,8}") {
            let mut c = build(n);
            let i = idx % c.len();
            prop_assume!(c[i].record.detail != detail);
            c[i].record.detail = detail;
            prop_assert!(verify(&c).is_err());
        }
    }
}
