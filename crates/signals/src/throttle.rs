//! Throttling the public form without keeping client addresses.
//!
//! The web layer asks [`AnonymousThrottle::check`] with the client address
//! of each public submission. The address is reduced (IPv4 as is, IPv6 to
//! its /64 network, which one household usually holds) and replaced at once
//! by a keyed hash — HMAC-SHA-256 truncated to 128 bits — under a random key
//! that lives only in memory and is replaced every rotation period
//! (default one hour). On rotation all counters are dropped, so nothing
//! links one hour's clients to the next. The structure never stores or
//! prints the address or the key, and it is never written to disk.
//!
//! Memory is capped at [`ThrottleConfig::capacity`] counters. When the
//! table is full (a flood from many addresses), expired counters are
//! dropped first; if it is still full, new clients share one overflow
//! counter with its own, higher limit, so a flood cannot grow memory and
//! cannot lock out everyone either.
//!
//! Wrap it in a `Mutex` to share it between request handlers.

use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashMap;
use std::net::IpAddr;

/// Settings of the throttle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThrottleConfig {
    /// Length of a counting window in seconds.
    pub window_secs: u64,
    /// Submissions allowed per client per window.
    pub max_per_window: u32,
    /// Seconds between key rotations (and the dropping of all counters).
    pub key_rotation_secs: u64,
    /// The most counters kept.
    pub capacity: usize,
    /// Submissions per window allowed for all clients together once the
    /// table is full.
    pub overflow_max_per_window: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            window_secs: 10 * 60,
            max_per_window: 20,
            key_rotation_secs: 60 * 60,
            capacity: 100_000,
            overflow_max_per_window: 2_000,
        }
    }
}

/// The answer for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Allow,
    Deny { retry_after_secs: u64 },
}

/// A keyed hash of a (reduced) client address.
type Tag = [u8; 16];

#[derive(Debug, Clone, Copy, Default)]
struct Counter {
    window_start: u64,
    count: u32,
}

impl Counter {
    /// Counts one request at `now`; `Err(retry_after)` when over `max`.
    fn hit(&mut self, now: u64, window: u64, max: u32) -> Result<(), u64> {
        if now >= self.window_start.saturating_add(window) || now < self.window_start {
            self.window_start = now;
            self.count = 0;
        }
        if self.count >= max {
            return Err(self
                .window_start
                .saturating_add(window)
                .saturating_sub(now)
                .max(1));
        }
        self.count += 1;
        Ok(())
    }
}

/// The in-memory rate limiter. See the module documentation.
pub struct AnonymousThrottle {
    cfg: ThrottleConfig,
    key: [u8; 32],
    epoch: Option<u64>,
    counters: HashMap<Tag, Counter>,
    overflow: Counter,
}

impl std::fmt::Debug for AnonymousThrottle {
    /// Shows sizes only: never the key or the tags.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnonymousThrottle")
            .field("cfg", &self.cfg)
            .field("counters", &self.counters.len())
            .finish_non_exhaustive()
    }
}

impl AnonymousThrottle {
    pub fn new(cfg: ThrottleConfig) -> AnonymousThrottle {
        AnonymousThrottle {
            cfg,
            key: [0; 32],
            epoch: None,
            counters: HashMap::new(),
            overflow: Counter::default(),
        }
    }

    /// Number of counters held.
    pub fn len(&self) -> usize {
        self.counters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counters.is_empty()
    }

    fn rotate_if_due(&mut self, now: u64) {
        let epoch = now / self.cfg.key_rotation_secs.max(1);
        if self.epoch != Some(epoch) {
            rand::rng().fill_bytes(&mut self.key);
            self.epoch = Some(epoch);
            self.counters.clear();
            self.counters.shrink_to(self.cfg.capacity.min(1024));
            self.overflow = Counter::default();
        }
    }

    fn tag(&self, addr: IpAddr) -> Tag {
        // Reduce: IPv4 (also IPv4-mapped IPv6) whole, IPv6 to its /64.
        let mut buf = [0u8; 9];
        let input: &[u8] = match addr {
            IpAddr::V4(v4) => {
                buf[0] = 4;
                buf[1..5].copy_from_slice(&v4.octets());
                &buf[..5]
            }
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => {
                    buf[0] = 4;
                    buf[1..5].copy_from_slice(&v4.octets());
                    &buf[..5]
                }
                None => {
                    buf[0] = 6;
                    buf[1..9].copy_from_slice(&v6.octets()[..8]);
                    &buf[..9]
                }
            },
        };
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(input);
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; 16];
        tag.copy_from_slice(&full[..16]);
        tag
    }

    /// Counts one submission from `addr` at `now` (Unix seconds).
    pub fn check(&mut self, addr: IpAddr, now: u64) -> Decision {
        self.rotate_if_due(now);
        let tag = self.tag(addr);
        let (window, max) = (self.cfg.window_secs.max(1), self.cfg.max_per_window);
        if !self.counters.contains_key(&tag) && self.counters.len() >= self.cfg.capacity {
            self.counters
                .retain(|_, c| now < c.window_start.saturating_add(window));
        }
        let result = if let Some(c) = self.counters.get_mut(&tag) {
            c.hit(now, window, max)
        } else if self.counters.len() < self.cfg.capacity {
            let mut c = Counter::default();
            let r = c.hit(now, window, max);
            self.counters.insert(tag, c);
            r
        } else {
            self.overflow
                .hit(now, window, self.cfg.overflow_max_per_window)
        };
        match result {
            Ok(()) => Decision::Allow,
            Err(retry_after_secs) => Decision::Deny { retry_after_secs },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn cfg() -> ThrottleConfig {
        ThrottleConfig {
            window_secs: 60,
            max_per_window: 3,
            key_rotation_secs: 3600,
            capacity: 10,
            overflow_max_per_window: 5,
        }
    }

    const T0: u64 = 1_750_000_000 / 3600 * 3600;

    #[test]
    fn limits_per_client_per_window() {
        let mut t = AnonymousThrottle::new(cfg());
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let b: IpAddr = "198.51.100.9".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(t.check(a, T0 + 1), Decision::Allow);
        }
        assert_eq!(
            t.check(a, T0 + 10),
            Decision::Deny {
                retry_after_secs: 51
            }
        );
        assert_eq!(t.check(b, T0 + 10), Decision::Allow);
        assert_eq!(t.check(a, T0 + 61), Decision::Allow);
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let mut t = AnonymousThrottle::new(cfg());
        for i in 0..3u16 {
            let addr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, i, i, i, i));
            assert_eq!(t.check(addr, T0), Decision::Allow);
        }
        let same_net = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 9, 9, 9, 9));
        assert!(matches!(t.check(same_net, T0), Decision::Deny { .. }));
        let v4 = Ipv4Addr::new(192, 0, 2, 1);
        for _ in 0..3 {
            assert_eq!(t.check(IpAddr::V4(v4), T0), Decision::Allow);
        }
        assert!(matches!(
            t.check(IpAddr::V6(v4.to_ipv6_mapped()), T0),
            Decision::Deny { .. }
        ));
    }

    #[test]
    fn rotation_forgets_everyone_and_changes_the_key() {
        let mut t = AnonymousThrottle::new(cfg());
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..4 {
            t.check(a, T0 + 3590);
        }
        let before = t.tag(a);
        let old_key = t.key;
        assert!(matches!(t.check(a, T0 + 3599), Decision::Deny { .. }));
        assert_eq!(t.check(a, T0 + 3600), Decision::Allow);
        assert_ne!(t.key, old_key);
        assert_ne!(
            t.tag(a),
            before,
            "the same client is not linkable across hours"
        );
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn memory_is_capped_with_an_overflow_counter() {
        let mut t = AnonymousThrottle::new(cfg());
        for i in 0..10u8 {
            assert_eq!(
                t.check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, i)), T0),
                Decision::Allow
            );
        }
        assert_eq!(t.len(), 10);
        // Table full: new clients share the overflow counter (5 per window).
        for i in 10..15u8 {
            assert_eq!(
                t.check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, i)), T0),
                Decision::Allow
            );
        }
        assert!(matches!(
            t.check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 99)), T0),
            Decision::Deny { .. }
        ));
        assert_eq!(t.len(), 10);
        // After the window the old counters expire and make room again.
        assert_eq!(
            t.check(IpAddr::V4(Ipv4Addr::new(10, 0, 1, 1)), T0 + 61),
            Decision::Allow
        );
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn the_structure_holds_no_client_address() {
        let mut t = AnonymousThrottle::new(ThrottleConfig::default());
        let addrs: Vec<IpAddr> = vec![
            "203.0.113.7".parse().unwrap(),
            "198.51.100.250".parse().unwrap(),
            "2001:db8:abcd:12::1".parse().unwrap(),
        ];
        for a in &addrs {
            t.check(*a, T0);
        }
        assert_eq!(t.len(), 3);
        let dump = format!("{t:?}");
        assert!(!dump.contains(&hex::encode(t.key)));
        for a in &addrs {
            let text = a.to_string();
            assert!(!dump.contains(&text), "{dump}");
            let raw: Vec<u8> = match a {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => v6.octets()[..8].to_vec(),
            };
            // No counter key contains the address bytes or its text.
            for tag in t.counters.keys() {
                assert!(!tag.windows(raw.len()).any(|w| w == raw.as_slice()));
                assert!(!tag.windows(4).any(|w| w == &text.as_bytes()[..4]));
                assert_eq!(tag.len(), 16);
            }
        }
        // The tags are what the keyed hash gives, nothing else.
        let expected: std::collections::HashSet<Tag> = addrs.iter().map(|a| t.tag(*a)).collect();
        let held: std::collections::HashSet<Tag> = t.counters.keys().copied().collect();
        assert_eq!(expected, held);
    }
}
