//! Session lifetime rules.
//!
//! A session is stored server-side. It expires after 30 minutes without a
//! request (idle) and 12 hours after login (absolute), whichever comes first.
//! Sessions that have not finished logging in (password given, second factor
//! pending) live 10 minutes at most.

/// Idle timeout of a logged-in session, in seconds.
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
/// Absolute lifetime of a logged-in session, in seconds.
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// Lifetime of an unfinished login (before the second factor), in seconds.
pub const PENDING_TIMEOUT_SECS: i64 = 10 * 60;

/// The stage a session is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Created by the login page, holds only a CSRF token.
    Anonymous,
    /// Password verified; the second factor is pending.
    PendingTotp,
    /// Password verified; the account has no second factor yet and must enrol.
    PendingEnrolment,
    /// Fully logged in; the password must be changed first.
    MustChangePassword,
    /// Fully logged in.
    Authenticated,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Anonymous => "anonymous",
            Stage::PendingTotp => "pending_totp",
            Stage::PendingEnrolment => "pending_enrolment",
            Stage::MustChangePassword => "must_change_password",
            Stage::Authenticated => "authenticated",
        }
    }
    pub fn parse(s: &str) -> Option<Stage> {
        Some(match s {
            "anonymous" => Stage::Anonymous,
            "pending_totp" => Stage::PendingTotp,
            "pending_enrolment" => Stage::PendingEnrolment,
            "must_change_password" => Stage::MustChangePassword,
            "authenticated" => Stage::Authenticated,
            _ => return None,
        })
    }
    /// Whether this stage carries an identified user who may use the application.
    pub fn is_logged_in(self) -> bool {
        matches!(self, Stage::Authenticated)
    }
}

/// Why a session is no longer valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    Idle,
    Absolute,
}

/// Check a session's timestamps (Unix seconds) against `now`.
pub fn expiry(stage: Stage, created_at: i64, last_seen_at: i64, now: i64) -> Option<Expiry> {
    let (idle, absolute) = match stage {
        Stage::Authenticated | Stage::MustChangePassword => {
            (IDLE_TIMEOUT_SECS, ABSOLUTE_TIMEOUT_SECS)
        }
        _ => (PENDING_TIMEOUT_SECS, PENDING_TIMEOUT_SECS),
    };
    if now - created_at >= absolute {
        Some(Expiry::Absolute)
    } else if now - last_seen_at >= idle {
        Some(Expiry::Idle)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_sessions_expire_after_thirty_minutes() {
        let t0 = 1_000_000;
        assert_eq!(
            expiry(Stage::Authenticated, t0, t0, t0 + IDLE_TIMEOUT_SECS - 1),
            None
        );
        assert_eq!(
            expiry(Stage::Authenticated, t0, t0, t0 + IDLE_TIMEOUT_SECS),
            Some(Expiry::Idle)
        );
    }

    #[test]
    fn active_sessions_still_end_after_twelve_hours() {
        let t0 = 1_000_000;
        let now = t0 + ABSOLUTE_TIMEOUT_SECS;
        assert_eq!(
            expiry(Stage::Authenticated, t0, now - 5, now),
            Some(Expiry::Absolute)
        );
        assert_eq!(expiry(Stage::Authenticated, t0, now - 5, now - 1), None);
    }

    #[test]
    fn unfinished_logins_are_short_lived() {
        let t0 = 1_000_000;
        assert_eq!(
            expiry(Stage::PendingTotp, t0, t0, t0 + PENDING_TIMEOUT_SECS),
            Some(Expiry::Absolute)
        );
        assert_eq!(expiry(Stage::Anonymous, t0, t0, t0 + 60), None);
    }

    #[test]
    fn stages_round_trip() {
        for s in [
            Stage::Anonymous,
            Stage::PendingTotp,
            Stage::PendingEnrolment,
            Stage::MustChangePassword,
            Stage::Authenticated,
        ] {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        assert_eq!(Stage::parse("root"), None);
    }
}
