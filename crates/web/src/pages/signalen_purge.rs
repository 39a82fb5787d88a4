//! The retention purge of signals: runs in the server (at start and then
//! every `interval`, daily by default) and as `buitenzicht purge`.
//!
//! Which signals go is decided by `bz_signals::retention::plan_purge` with
//! the stored policy (every category × state has a period; nothing is kept
//! forever). A signal merged into another goes together with the one it
//! was merged into (their histories belong together). Contact details the
//! reporter left are cleared when their own, shorter retention ends. The
//! purge leaves counts per month of receipt, category and state for the
//! statistics, records the run and writes an audit entry naming what it
//! removed — all in one transaction.

use crate::AppState;
use bz_domain::audit::Outcome;
use bz_signals::calendar::local_date;
use bz_signals::retention::{RetainedSignal, plan_purge};
use bz_signals::workflow::StateCode;
use bz_store::audit::NewEntry;
use bz_store::signal_workflow::{self as sw, PurgeCount};
use bz_store::{Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What one run removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub purged: u64,
    pub contacts_cleared: u64,
    /// Signals without a retention rule (kept and reported; a validated
    /// policy has none, but a stored state may be unknown to the workflow).
    pub without_rule: usize,
    pub counts: Vec<PurgeCount>,
    pub ids: Vec<String>,
}

/// The most removed ids named in the audit entry (then a count).
const IDS_IN_AUDIT: usize = 200;

/// Run the purge at `now` (Unix seconds); `started_by` says who or what
/// (`server`, `cli`).
pub async fn run(store: &Store, now: i64, started_by: &str) -> Result<PurgeReport, StoreError> {
    let policy = store.retention_policy().await?;
    let rows = store.retention_rows().await?;
    let mut without_rule = 0;
    let retained: Vec<RetainedSignal> = rows
        .iter()
        .filter(|r| r.merged_into.is_none())
        .filter_map(|r| match StateCode::parse(&r.state) {
            Ok(state) => Some(RetainedSignal {
                id: r.id.clone(),
                category: crate::pages::signalen::category_of(&r.category),
                state,
                created_at: r.received_at,
                closed_at: r.closed_at,
            }),
            Err(_) => {
                without_rule += 1;
                None
            }
        })
        .collect();
    let plan = plan_purge(&policy, &retained, local_date(now));
    without_rule += plan.without_rule.len();
    // Signals merged into a purged one go with it (also indirectly).
    let mut gone: BTreeSet<String> = plan.purge.iter().cloned().collect();
    loop {
        let more: Vec<String> = rows
            .iter()
            .filter(|r| {
                r.merged_into.as_ref().is_some_and(|m| gone.contains(m)) && !gone.contains(&r.id)
            })
            .map(|r| r.id.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        gone.extend(more);
    }
    let mut counts: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for r in rows.iter().filter(|r| gone.contains(&r.id)) {
        let d = local_date(r.received_at);
        let month = format!("{:04}-{:02}", d.year(), u8::from(d.month()));
        *counts
            .entry((month, r.category.clone(), r.state.clone()))
            .or_default() += 1;
    }
    let counts: Vec<PurgeCount> = counts
        .into_iter()
        .map(|((month, category, state), purged)| PurgeCount {
            month,
            category,
            state,
            purged,
        })
        .collect();
    let ids: Vec<String> = gone.into_iter().collect();

    let mut tx = store.begin_write().await?;
    let purged = sw::purge_signals(&mut tx, &ids, &counts).await?;
    let contacts_cleared = sw::purge_contacts(&mut tx, now).await?;
    sw::record_purge_run(&mut tx, now, started_by, purged, contacts_cleared).await?;
    let mut per_category: BTreeMap<&str, i64> = BTreeMap::new();
    for c in &counts {
        *per_category.entry(c.category.as_str()).or_default() += c.purged;
    }
    let named: Vec<&str> = ids.iter().take(IDS_IN_AUDIT).map(String::as_str).collect();
    let detail = format!(
        "{purged} signalen verwijderd ({}); {contacts_cleared} keer contactgegevens gewist; {without_rule} zonder regel bewaard; ids: {}{}",
        per_category
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        named.join(" "),
        if ids.len() > IDS_IN_AUDIT {
            format!(" en {} meer", ids.len() - IDS_IN_AUDIT)
        } else {
            String::new()
        }
    );
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: None,
            actor_name: format!("system ({started_by})"),
            org_id: None,
            action: "signal.purge",
            object_type: "signal",
            object_id: String::new(),
            outcome: Outcome::Success,
            detail,
        },
        now.saturating_mul(1000),
    )
    .await?;
    tx.commit().await?;
    Ok(PurgeReport {
        purged,
        contacts_cleared,
        without_rule,
        counts,
        ids,
    })
}

/// Run the purge now and then every `interval` for as long as the server
/// runs. A failed run is logged and tried again at the next interval.
pub fn spawn(state: AppState, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run(&state.store, state.clock.now(), "server").await {
                Ok(r) => tracing::info!(
                    purged = r.purged,
                    contacts_cleared = r.contacts_cleared,
                    without_rule = r.without_rule,
                    "signal retention purge done"
                ),
                Err(e) => tracing::error!(error = %e, "signal retention purge failed"),
            }
            tokio::time::sleep(interval).await;
        }
    })
}
