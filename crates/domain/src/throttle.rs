//! Login throttling per account (never per client address).
//!
//! After [`MAX_FAILURES`] consecutive failed attempts (wrong password or wrong
//! second factor) the account is locked for [`LOCK_SECS`]. A successful login
//! resets the counter. Attempts on a locked account are refused without
//! checking the password, so guessing cannot continue during the lock.

pub const MAX_FAILURES: i64 = 5;
pub const LOCK_SECS: i64 = 15 * 60;

/// The throttle state stored with an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Throttle {
    pub failures: i64,
    /// Unix seconds until which the account is locked.
    pub locked_until: Option<i64>,
}

impl Throttle {
    pub fn is_locked(&self, now: i64) -> bool {
        self.locked_until.is_some_and(|t| now < t)
    }

    /// The state after one more failed attempt at `now`.
    pub fn after_failure(self, now: i64) -> Throttle {
        // A lock that has run out starts a fresh count.
        let failures = if self.locked_until.is_some_and(|t| now >= t) {
            1
        } else {
            self.failures + 1
        };
        if failures >= MAX_FAILURES {
            Throttle {
                failures,
                locked_until: Some(now + LOCK_SECS),
            }
        } else {
            Throttle {
                failures,
                locked_until: None,
            }
        }
    }

    /// The state after a successful login.
    pub fn after_success(self) -> Throttle {
        Throttle::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_fifth_failure_and_unlocks_later() {
        let mut t = Throttle::default();
        for i in 1..MAX_FAILURES {
            t = t.after_failure(100 + i);
            assert!(!t.is_locked(100 + i), "locked too early at {i}");
        }
        t = t.after_failure(200);
        assert!(t.is_locked(200));
        assert!(t.is_locked(200 + LOCK_SECS - 1));
        assert!(!t.is_locked(200 + LOCK_SECS));
        let t = t.after_failure(200 + LOCK_SECS);
        assert_eq!(t.failures, 1);
        assert!(!t.is_locked(200 + LOCK_SECS));
    }

    #[test]
    fn success_resets() {
        let t = Throttle::default()
            .after_failure(1)
            .after_failure(2)
            .after_success();
        assert_eq!(t, Throttle::default());
    }
}
