//! The target list of a visit round: the farmers of the round's area (addresses
//! with an active agricultural business), the addresses where a person
//! decided on `gesprek (de boer op)` after a gebiedsscan, and addresses added
//! by hand. Each address appears once with all its reasons; the list shows
//! when it was last visited, and addresses visited within the repetition
//! interval are marked, so that visits come round periodically rather than at
//! random.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::{Date, Month};

/// Why an address is on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TargetSource {
    /// An active agricultural business is registered at the address.
    Agrarisch,
    /// A person decided on "gesprek (de boer op)" after a gebiedsscan.
    ScanBesluit,
    /// Added by hand by the round's coordinator.
    Handmatig,
}

impl TargetSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetSource::Agrarisch => "agrarisch",
            TargetSource::ScanBesluit => "scanbesluit",
            TargetSource::Handmatig => "handmatig",
        }
    }

    pub fn parse(s: &str) -> Option<TargetSource> {
        [
            TargetSource::Agrarisch,
            TargetSource::ScanBesluit,
            TargetSource::Handmatig,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// An address that may be visited.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub address_id: String,
    /// RD New coordinates.
    pub x: f64,
    pub y: f64,
    /// How the address is shown ("Veldweg 12, Dorp").
    pub label: String,
}

/// One address of the target list.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub address_id: String,
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub sources: BTreeSet<TargetSource>,
    pub last_visit: Option<Date>,
    /// Visited within the repetition interval before the round's start.
    pub recently_visited: bool,
}

/// The same calendar day `months` earlier (the last day of the month when
/// that day does not exist, e.g. 31 May − 3 months = 28/29 February).
pub fn months_before(d: Date, months: u32) -> Date {
    let total = d.year() * 12 + (d.month() as i32 - 1) - months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// Builds the target list. `last_visits` holds the date of the latest visit
/// per address (any outcome). An address in several inputs appears once, with
/// every source. Order: addresses not visited recently first, then those
/// never visited before those visited longest ago, then by label.
pub fn build(
    farmers: &[Candidate],
    scan_decisions: &[Candidate],
    manual: &[Candidate],
    last_visits: &HashMap<String, Date>,
    interval_months: u32,
    round_start: Date,
) -> Vec<Target> {
    let threshold = months_before(round_start, interval_months);
    let mut by_id: BTreeMap<&str, Target> = BTreeMap::new();
    for (list, source) in [
        (farmers, TargetSource::Agrarisch),
        (scan_decisions, TargetSource::ScanBesluit),
        (manual, TargetSource::Handmatig),
    ] {
        for c in list {
            let t = by_id.entry(c.address_id.as_str()).or_insert_with(|| {
                let last_visit = last_visits.get(&c.address_id).copied();
                Target {
                    address_id: c.address_id.clone(),
                    x: c.x,
                    y: c.y,
                    label: c.label.clone(),
                    sources: BTreeSet::new(),
                    last_visit,
                    recently_visited: last_visit.is_some_and(|v| v > threshold),
                }
            });
            t.sources.insert(source);
        }
    }
    let mut out: Vec<Target> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        (
            a.recently_visited,
            a.last_visit.is_some(),
            a.last_visit,
            &a.label,
        )
            .cmp(&(
                b.recently_visited,
                b.last_visit.is_some(),
                b.last_visit,
                &b.label,
            ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn c(id: &str, label: &str) -> Candidate {
        Candidate {
            address_id: id.into(),
            x: 200_000.0,
            y: 450_000.0,
            label: label.into(),
        }
    }

    #[test]
    fn months_before_keeps_the_day_or_takes_the_last_one() {
        assert_eq!(
            months_before(date!(2026 - 12 - 03), 12),
            date!(2025 - 12 - 03)
        );
        assert_eq!(
            months_before(date!(2026 - 05 - 31), 3),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            months_before(date!(2024 - 05 - 31), 3),
            date!(2024 - 02 - 29)
        );
        assert_eq!(
            months_before(date!(2026 - 01 - 15), 1),
            date!(2025 - 12 - 15)
        );
        assert_eq!(
            months_before(date!(2026 - 03 - 10), 0),
            date!(2026 - 03 - 10)
        );
    }

    #[test]
    fn one_entry_per_address_with_all_sources_and_the_interval_marked() {
        let farmers = [c("a", "Akkerweg 1"), c("b", "Beekweg 2"), c("d", "Dijk 4")];
        let decided = [c("b", "Beekweg 2"), c("c", "Crossweg 3")];
        let manual = [c("d", "Dijk 4")];
        let visits = HashMap::from([
            ("a".to_string(), date!(2026 - 03 - 01)),
            ("d".to_string(), date!(2025 - 01 - 10)),
        ]);
        let list = build(
            &farmers,
            &decided,
            &manual,
            &visits,
            12,
            date!(2026 - 12 - 01),
        );
        let ids: Vec<&str> = list.iter().map(|t| t.address_id.as_str()).collect();
        // Never visited (b, c by label), then visited long ago (d), then recent (a).
        assert_eq!(ids, ["b", "c", "d", "a"]);
        assert!(list[3].recently_visited && !list[2].recently_visited);
        assert_eq!(
            list[0].sources,
            BTreeSet::from([TargetSource::Agrarisch, TargetSource::ScanBesluit])
        );
        assert_eq!(
            list[2].sources,
            BTreeSet::from([TargetSource::Agrarisch, TargetSource::Handmatig])
        );
        // Exactly on the interval's edge counts as not recent.
        let edge = HashMap::from([("a".to_string(), date!(2025 - 12 - 01))]);
        let list = build(&farmers[..1], &[], &[], &edge, 12, date!(2026 - 12 - 01));
        assert!(!list[0].recently_visited);
        for s in ["agrarisch", "scanbesluit", "handmatig"] {
            assert_eq!(TargetSource::parse(s).map(|t| t.as_str()), Some(s));
        }
    }
}
