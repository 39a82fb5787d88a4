//! The application's clock. Tests move it forward to check timeouts
//! without waiting; in production the offset stays zero.

use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Unix time in seconds.
    pub fn now(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp() + self.offset_secs.load(Ordering::Relaxed)
    }

    /// Unix time in milliseconds.
    pub fn now_ms(&self) -> i64 {
        let t = time::OffsetDateTime::now_utc();
        (t.unix_timestamp_nanos() / 1_000_000) as i64
            + self.offset_secs.load(Ordering::Relaxed) * 1000
    }

    /// Today's date (UTC) as `YYYY-MM-DD`.
    pub fn today(&self) -> time::Date {
        time::OffsetDateTime::from_unix_timestamp(self.now())
            .map(|t| t.date())
            .unwrap_or(time::Date::MIN)
    }

    /// Move the clock forward (tests only: timeouts).
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}
