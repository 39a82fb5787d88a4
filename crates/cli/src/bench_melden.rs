//! `buitenzicht bench melden` and `bench melden-crash`: speed and durability
//! of the public reporting form.
//!
//! * `melden` starts the real server (the same router, guard and group
//!   commit as `serve`) on a loopback port and drives `POST /melden` with
//!   concurrent HTTP clients; it prints submissions per second and latency
//!   percentiles, and checks afterwards that every acknowledged report is in
//!   the database. The throttle is off: all clients share one address.
//! * `melden-crash` starts `buitenzicht serve` as a child process, submits
//!   concurrently, kills the process with SIGKILL at a random moment, and
//!   checks that every acknowledged meldcode is stored and (SQLite) that the
//!   database passes `PRAGMA integrity_check`; then starts it again, for N
//!   rounds.

use anyhow::{Context, Result, bail};
use bz_store::Store;
use bz_web::{AppState, WebConfig};
use rand::Rng;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const BOUNDARY: &str = "----bz-bench-melden";

/// A report as the form posts it: a pin in the Veluwe, a category, a text.
fn body(n: u64) -> Vec<u8> {
    let categories = bz_signals::Category::ALL;
    let category = categories[(n as usize) % categories.len()].as_str();
    let lon = 5.80 + (n % 1000) as f64 * 1e-4;
    let lat = 52.20 + (n / 1000 % 1000) as f64 * 1e-4;
    let fields = [
        ("lon", format!("{lon:.6}")),
        ("lat", format!("{lat:.6}")),
        ("category", category.to_string()),
        (
            "description",
            format!("Benchmarkmelding {n}: vaten en jerrycans achter de loods, sterke geur."),
        ),
        ("contact", "nee".to_string()),
    ];
    let mut b = String::new();
    for (k, v) in fields {
        b.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    b.push_str(&format!("--{BOUNDARY}--\r\n"));
    b.into_bytes()
}

fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// The meldcode on the confirmation page.
fn meldcode_of(html: &str) -> Option<String> {
    let key = "id=\"meldcode\">";
    let i = html.find(key)? + key.len();
    let end = html[i..].find('<')?;
    Some(html[i..i + end].to_string())
}

/// One submission; `Some(meldcode)` when acknowledged.
async fn submit(http: &reqwest::Client, base: &str, n: u64) -> Option<String> {
    let r = http
        .post(format!("{base}/melden"))
        .header("content-type", content_type())
        .body(body(n))
        .send()
        .await
        .ok()?;
    if !r.status().is_success() {
        return None;
    }
    meldcode_of(&r.text().await.ok()?)
}

fn client(clients: usize) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .timeout(Duration::from_secs(30))
        .build()
        .context("HTTP client")
}

fn database_url(db: &str, dir: &Path) -> Result<String> {
    Ok(match db {
        "sqlite" => format!("sqlite://{}", dir.join("bench.db").display()),
        u if u.starts_with("postgres://") || u.starts_with("postgresql://") => u.to_string(),
        other => bail!(
            "--db: sqlite of een postgres://-URL / sqlite or a postgres:// URL, niet / not {other:?}"
        ),
    })
}

async fn count_public(store: &Store) -> Result<i64> {
    Ok(store.count_public_reports().await?)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

/// `bench melden`.
pub async fn melden(db: &str, clients: usize, seconds: u64) -> Result<()> {
    let tmp = std::env::temp_dir().join(format!("bz-bench-melden-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).with_context(|| tmp.display().to_string())?;
    let url = database_url(db, &tmp)?;
    let store = Store::open(&url)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let before = count_public(&store).await?;
    let state = AppState::new(
        store.clone(),
        WebConfig {
            anonymous_throttle: None,
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(bz_web::serve(listener, state, async move {
        let _ = stop_rx.await;
    }));
    let http = client(clients)?;
    // Warm up: connections, the writer task, the boundaries cache.
    for i in 0..clients as u64 {
        submit(&http, &base, u64::MAX - i)
            .await
            .context("warm-up submission refused")?;
    }
    let warm = count_public(&store).await?;

    println!(
        "bench melden: {} clients, {} s, database {}",
        clients,
        seconds,
        store.url_redacted()
    );
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients as u64 {
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut failed = 0u64;
            let mut n = c;
            while Instant::now() < deadline {
                let t = Instant::now();
                match submit(&http, &base, n).await {
                    Some(_) => lat.push(t.elapsed().as_micros() as u64),
                    None => failed += 1,
                }
                n += clients as u64;
            }
            (lat, failed)
        }));
    }
    let mut lat = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (l, f) = t.await?;
        lat.extend(l);
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort_unstable();
    let stored = count_public(&store).await? - warm;
    let _ = stop_tx.send(());
    let _ = server.await;
    println!(
        "acknowledged {} reports in {:.1} s: {:.0} durable submissions/s",
        lat.len(),
        elapsed,
        lat.len() as f64 / elapsed
    );
    println!(
        "latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0)
    );
    println!("refused or failed: {failed}; stored during the run: {stored} (before: {before})");
    store.close().await;
    let _ = std::fs::remove_dir_all(&tmp);
    if stored != lat.len() as i64 {
        bail!(
            "{} acknowledged, {} stored / acknowledged and stored differ",
            lat.len(),
            stored
        );
    }
    Ok(())
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

async fn wait_up(
    http: &reqwest::Client,
    base: &str,
    child: &mut std::process::Child,
) -> Result<()> {
    for _ in 0..300 {
        if let Some(status) = child.try_wait()? {
            bail!("server exited at start: {status}");
        }
        if http
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("server did not answer /health within 15 s")
}

/// What a round's check found.
struct RoundCheck {
    missing: usize,
    integrity: String,
}

async fn check(url: &str, acked: &[String]) -> Result<RoundCheck> {
    let store = Store::connect(url)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let found = store.stored_meldcodes(acked).await?;
    let found: std::collections::HashSet<&String> = found.iter().collect();
    let missing = acked.iter().filter(|m| !found.contains(m)).count();
    let integrity = store.integrity_check().await?;
    store.close().await;
    Ok(RoundCheck { missing, integrity })
}

/// `bench melden-crash`.
pub async fn melden_crash(
    db: &str,
    rounds: usize,
    clients: usize,
    keep: Option<&Path>,
) -> Result<()> {
    let tmp: PathBuf = match keep {
        Some(k) => k.to_path_buf(),
        None => std::env::temp_dir().join(format!("bz-bench-crash-{}", std::process::id())),
    };
    std::fs::create_dir_all(&tmp).with_context(|| tmp.display().to_string())?;
    let url = database_url(db, &tmp)?;
    let config = tmp.join("buitenzicht.toml");
    // All clients share one address: the per-client limit is off for this test.
    std::fs::write(&config, "anonymous_limit = 0\n")?;
    let exe = std::env::current_exe().context("path of this program")?;
    let http = client(clients)?;
    let mut total_acked = 0usize;
    let mut total_lost = 0usize;
    let mut seq = 0u64;
    println!(
        "bench melden-crash: {rounds} rounds, {clients} clients, database {}",
        bz_store::redact_url(&url)
    );
    for round in 1..=rounds {
        let port = free_port()?;
        let base = format!("http://127.0.0.1:{port}");
        let log = std::fs::File::create(tmp.join("server.log"))?;
        let mut child = std::process::Command::new(&exe)
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(&tmp)
            .args(["--database", &url, "--log", "warn", "serve", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("start buitenzicht serve")?;
        wait_up(&http, &base, &mut child).await?;

        let acked = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for c in 0..clients as u64 {
            let (http, base, acked, stop) =
                (http.clone(), base.clone(), acked.clone(), stop.clone());
            let start = seq + c;
            tasks.push(tokio::spawn(async move {
                let mut n = start;
                while !stop.load(Ordering::Relaxed) {
                    match submit(&http, &base, n).await {
                        Some(m) => acked.lock().unwrap_or_else(|p| p.into_inner()).push(m),
                        None => tokio::time::sleep(Duration::from_millis(5)).await,
                    }
                    n += clients as u64;
                }
            }));
        }
        let kill_after = rand::rng().random_range(200..1500u64);
        tokio::time::sleep(Duration::from_millis(kill_after)).await;
        child.kill().context("SIGKILL")?;
        let _ = child.wait();
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            let _ = t.await;
        }
        seq += 1_000_000;
        let acked: Vec<String> = acked.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let c = check(&url, &acked).await?;
        total_acked += acked.len();
        total_lost += c.missing;
        println!(
            "round {round:>3}: killed after {kill_after:>4} ms, acknowledged {:>5}, lost {}, integrity {}",
            acked.len(),
            c.missing,
            c.integrity
        );
        if c.missing > 0 || !c.integrity.starts_with("ok") {
            bail!(
                "round {round}: {} acknowledged reports lost, integrity {}",
                c.missing,
                c.integrity
            );
        }
    }
    println!("rounds {rounds}, acknowledged {total_acked}, lost {total_lost}");
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}
