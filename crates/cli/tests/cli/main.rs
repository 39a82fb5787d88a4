//! The `buitenzicht` binary as a user runs it: demo, users, backup, audit
//! verification, configuration, and clear errors with a non-zero exit.

use std::path::Path;
use std::process::{Command, Output};

fn bz(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_buitenzicht"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("BUITENZICHT_DATABASE")
        .env_remove("BUITENZICHT_CONFIG")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run buitenzicht")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn demo_creates_the_municipality_and_prints_accounts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let o = bz(&dir, &["demo", "--no-serve", "--seed", "7"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    for role in [
        "demo.beheerder",
        "demo.analist",
        "demo.aov",
        "demo.toezichthouder",
        "demo.coach",
        "demo.partner",
        "demo.intake",
        "demo.wijkagent",
    ] {
        assert!(out.contains(role), "{role} printed");
    }
    let accounts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("demo-accounts.json")).unwrap()).unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 8);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("demo-accounts.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "secrets file is private");
    }
    // Refreshing keeps one copy of everything and the same accounts for the same seed.
    let again = bz(&dir, &["demo", "--no-serve", "--seed", "7"]);
    assert!(again.status.success(), "{}", text(&again));
    let accounts2: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("demo-accounts.json")).unwrap()).unwrap();
    assert_eq!(accounts, accounts2, "deterministic for a seed");
    let verify = bz(&dir, &["audit", "verify"]);
    assert!(
        verify.status.success() && text(&verify).contains("OK"),
        "{}",
        text(&verify)
    );
}

#[test]
fn users_can_be_added_reset_and_disabled_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    assert!(bz(&dir, &["demo", "--no-serve"]).status.success());
    let o = bz(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "nieuwe.analist",
            "--name",
            "N. Analist",
            "--org",
            "RIEC Oost-Nederland (demo)",
            "--role",
            "analist",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Tijdelijk wachtwoord"));
    let dup = bz(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "nieuwe.analist",
            "--name",
            "X",
            "--org",
            "RIEC Oost-Nederland (demo)",
            "--role",
            "analist",
        ],
    );
    assert!(!dup.status.success());
    assert!(text(&dup).contains("already exists"), "{}", text(&dup));
    let bad = bz(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "x",
            "--name",
            "X",
            "--org",
            "Nergens",
            "--role",
            "koning",
        ],
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("ongeldige invoer / invalid input"),
        "{}",
        text(&bad)
    );
    let o = bz(&dir, &["user", "passwd", "nieuwe.analist"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = bz(&dir, &["user", "disable", "nieuwe.analist"]);
    assert!(o.status.success(), "{}", text(&o));
    let missing = bz(&dir, &["user", "disable", "bestaat.niet"]);
    assert!(!missing.status.success());
}

#[test]
fn audit_verify_fails_after_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    assert!(bz(&dir, &["demo", "--no-serve"]).status.success());
    let db = dir.join("buitenzicht.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = bz_store::Store::open(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let mut tx = store.begin_write().await.unwrap();
        bz_store::raw_execute(
            &mut tx,
            "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 3",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        store.close().await;
    });
    let o = bz(&dir, &["audit", "verify"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("regel 3"), "{}", text(&o));
}

#[test]
fn backup_writes_a_copy_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    assert!(bz(&dir, &["demo", "--no-serve"]).status.success());
    let target = tmp.path().join("backups/copy.db");
    let o = bz(&dir, &["backup", "--output", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::metadata(&target).unwrap().len() > 100_000);
    let again = bz(&dir, &["backup", "--output", target.to_str().unwrap()]);
    assert!(!again.status.success());
}

#[test]
fn invalid_database_urls_are_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    for url in [
        "mysql://localhost/x",
        "sqlite://",
        "postgres://nobody@127.0.0.1:1/none",
    ] {
        let o = bz(&dir, &["migrate", "--database", url]);
        assert!(!o.status.success(), "{url} accepted");
        let t = text(&o);
        assert!(t.contains("database"), "{url}: {t}");
        assert!(!t.contains("panicked"), "{url}: {t}");
    }
    let o = bz(&dir, &["migrate", "--database", "mysql://localhost/x"]);
    assert!(text(&o).contains("ongeldige database-URL"), "{}", text(&o));
}

#[test]
fn an_unwritable_data_directory_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    // A file where the data directory should be: cannot be created or written.
    let blocker = tmp.path().join("blocker");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let o = bz(&blocker.join("data"), &["migrate"]);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("datamap") && t.contains("data directory"), "{t}");
    assert_eq!(std::fs::read(&blocker).unwrap(), b"not a directory");
}

#[test]
fn configuration_file_is_read_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("bz.toml");
    let data = tmp.path().join("via-config");
    std::fs::write(
        &cfg,
        format!("data_dir = {:?}\n", data.display().to_string()),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_buitenzicht"))
        .args(["migrate", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        data.join("buitenzicht.db").exists(),
        "data_dir from the config file"
    );
    std::fs::write(&cfg, "data_dirr = \"x\"\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_buitenzicht"))
        .args(["migrate", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        text(&o).contains("data_dirr"),
        "unknown key named: {}",
        text(&o)
    );
    // Environment variables work too.
    let env_dir = tmp.path().join("via-env");
    let o = Command::new(env!("CARGO_BIN_EXE_buitenzicht"))
        .arg("migrate")
        .env("BUITENZICHT_DATA_DIR", &env_dir)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(env_dir.join("buitenzicht.db").exists());
}

#[test]
fn help_is_available_for_every_command() {
    for cmd in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["user", "add", "--help"],
        vec!["backup", "--help"],
        vec!["audit", "verify", "--help"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_buitenzicht"))
            .args(&cmd)
            .output()
            .unwrap();
        assert!(o.status.success(), "{cmd:?}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Usage"),
            "{cmd:?}"
        );
    }
}

#[test]
fn cbs_municipalities_import_in_both_projections_and_bad_files_change_nothing() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cbs");
    if !shared.exists() {
        eprintln!(
            "SKIP: {} is absent (a fresh clone without shared/)",
            shared.display()
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    for f in ["rd/gemeente_2026.geojson", "wgs84/gemeente_2026.geojson"] {
        let o = bz(
            &dir,
            &["import", "gemeenten", shared.join(f).to_str().unwrap()],
        );
        assert!(o.status.success(), "{f}: {}", text(&o));
        assert!(text(&o).contains("342 gemeenten"), "{}", text(&o));
    }
    let bad = tmp.path().join("bad.geojson");
    std::fs::write(&bad, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"statnaam":"Zonder code"},"geometry":{"type":"Polygon","coordinates":[[[100000,400000],[100100,400000],[100100,400100],[100000,400000]]]}}]}"#).unwrap();
    let o = bz(&dir, &["import", "gemeenten", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("bad.geojson") && t.contains("statcode") && t.contains("niets geïmporteerd"),
        "{t}"
    );
}

/// The earlier versions kept of one address.
fn history_of(dir: &Path, id: &str) -> Vec<bz_store::area::AddressVersion> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = bz_store::Store::open(&format!(
            "sqlite://{}",
            dir.join("buitenzicht.db").display()
        ))
        .await
        .unwrap();
        let h = store.address_history(id).await.unwrap();
        store.close().await;
        h
    })
}

fn address_count(dir: &Path) -> i64 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = bz_store::Store::open(&format!(
            "sqlite://{}",
            dir.join("buitenzicht.db").display()
        ))
        .await
        .unwrap();
        let f = store
            .area_figures("GM9901", "2100-01-01", "1900-01-01", "1900-01-01")
            .await
            .unwrap();
        store.close().await;
        f.addresses
    })
}

#[test]
fn registry_imports_are_all_or_nothing_and_update_by_id() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let input = tmp.path().join("scan-in");
    let o = bz(
        &dir,
        &[
            "demo",
            "--no-serve",
            "--scan-input",
            input.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let before = address_count(&dir);
    assert!(before > 15_000);

    // Re-importing the same addresses updates them: no duplicates.
    let o = bz(
        &dir,
        &[
            "import",
            "adressen",
            input.join("adressen.csv").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(address_count(&dir), before);
    let csv = std::fs::read_to_string(input.join("adressen.csv")).unwrap();
    let first = csv.lines().nth(1).unwrap().to_string();
    let id = first.split(',').next().unwrap().to_string();
    assert!(
        history_of(&dir, &id).is_empty(),
        "the same data (without street names) makes no new version"
    );

    // A newer file with a moved, now unused address keeps the old version.
    let mut fields: Vec<String> = first.split(',').map(str::to_string).collect();
    let x: f64 = fields[1].parse().unwrap();
    fields[1] = format!("{:.3}", x + 25.0);
    fields[7] = "Verblijfsobject buiten gebruik".into();
    let newer = tmp.path().join("adressen-newer.csv");
    std::fs::write(&newer, csv.replacen(&first, &fields.join(","), 1)).unwrap();
    let o = bz(&dir, &["import", "adressen", newer.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let h = history_of(&dir, &id);
    assert_eq!(h.len(), 1, "one earlier version");
    assert_eq!(h[0].row.x, x);
    assert_ne!(h[0].row.status, "Verblijfsobject buiten gebruik");
    assert!(
        !h[0].row.straat.is_empty(),
        "street names survive a CSV import"
    );
    assert_eq!(address_count(&dir), before);
    let o = bz(
        &dir,
        &[
            "import",
            "bedrijven",
            input.join("bedrijven.csv").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));

    // A bad line anywhere refuses the whole file.
    let bad = tmp.path().join("adressen-bad.csv");
    let mut content = std::fs::read_to_string(input.join("adressen.csv")).unwrap();
    content.push_str("9901019999999999,not-a-number,455000,GM9901,woonfunctie,100,1990,Verblijfsobject in gebruik\n");
    std::fs::write(&bad, content).unwrap();
    let o = bz(&dir, &["import", "adressen", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("adressen-bad.csv")
            && t.contains("regel")
            && t.contains("kolom x")
            && t.contains("niets geïmporteerd"),
        "{t}"
    );
    assert_eq!(address_count(&dir), before, "nothing imported");

    // Incidents need their source, legal basis and retention period.
    let inc = input.join("incidenten.csv");
    let o = bz(
        &dir,
        &[
            "import",
            "incidenten",
            inc.to_str().unwrap(),
            "--bron",
            "Politie Eenheid Oost-Nederland (demo)",
        ],
    );
    assert!(
        !o.status.success(),
        "refused without legal basis and retention"
    );
    let o = bz(
        &dir,
        &[
            "import",
            "incidenten",
            inc.to_str().unwrap(),
            "--bron",
            "Onbekende Dienst",
            "--grondslag",
            "Wpg art. 16",
            "--bewaartermijn-jaren",
            "5",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("bestaat niet"), "{}", text(&o));
    let o = bz(
        &dir,
        &[
            "import",
            "incidenten",
            inc.to_str().unwrap(),
            "--bron",
            "Politie Eenheid Oost-Nederland (demo)",
            "--grondslag",
            "Wpg art. 16 (RIEC-convenant)",
            "--bewaartermijn-jaren",
            "5",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));

    // Partner signals: a named source, all or nothing, idempotent by id.
    let sig = input.join("signalen.csv");
    let n_signals = std::fs::read_to_string(&sig).unwrap().lines().count() - 1;
    let o = bz(
        &dir,
        &[
            "import",
            "signalen",
            sig.to_str().unwrap(),
            "--bron",
            "Onbekende Dienst",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("bestaat niet"), "{}", text(&o));
    let bad = tmp.path().join("signalen-bad.csv");
    let mut content = std::fs::read_to_string(&sig).unwrap();
    content.push_str("MLD-X-1,210000,455000,2025-02-30,hennepteelt\n");
    std::fs::write(&bad, content).unwrap();
    let o = bz(
        &dir,
        &[
            "import",
            "signalen",
            bad.to_str().unwrap(),
            "--bron",
            "Politie Eenheid Oost-Nederland (demo)",
        ],
    );
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("signalen-bad.csv") && t.contains("datum") && t.contains("niets geïmporteerd"),
        "{t}"
    );
    for _ in 0..2 {
        let o = bz(
            &dir,
            &[
                "import",
                "signalen",
                sig.to_str().unwrap(),
                "--bron",
                "Politie Eenheid Oost-Nederland (demo)",
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            text(&o).contains(&format!("{n_signals} signalen")),
            "{}",
            text(&o)
        );
    }
    let stored = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = bz_store::Store::open(&format!(
            "sqlite://{}",
            dir.join("buitenzicht.db").display()
        ))
        .await
        .unwrap();
        let n = store.placed_signals().await.unwrap().len();
        store.close().await;
        n
    });
    assert_eq!(stored, n_signals, "re-importing updates by id");

    let verify = bz(&dir, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
}

#[test]
fn bag_extract_import_from_the_real_doesburg_samples() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/bag-samples");
    if !samples.exists() {
        eprintln!(
            "SKIP: {} is absent (a fresh clone without shared/)",
            samples.display()
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let o = bz(
        &dir,
        &[
            "import",
            "bag",
            samples
                .join("lv/BAGNLDL-15092020-small.zip")
                .to_str()
                .unwrap(),
            "--peildatum",
            "2020-09-15",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 adressen"), "{}", text(&o));
    // The deliberately bad geometry refuses the import, naming file, line and object.
    let o = bz(
        &dir,
        &[
            "import",
            "bag",
            samples.join("pand-gml-bad.xml").to_str().unwrap(),
            "--peildatum",
            "2020-09-15",
        ],
    );
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("pand-gml-bad.xml")
            && t.contains("0147100000016964")
            && t.contains("niets geïmporteerd"),
        "{t}"
    );
}

#[test]
fn purge_runs_on_its_own_and_records_itself_in_the_audit_trail() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let o = bz(&dir, &["demo", "--no-serve", "--seed", "7"]);
    assert!(o.status.success(), "{}", text(&o));
    let before = bz(&dir, &["audit", "verify"]);
    let o = bz(&dir, &["purge"]);
    assert!(o.status.success(), "{}", text(&o));
    // The demo's signals are new: nothing is past its retention.
    assert!(
        text(&o).contains("Opgeschoond / purged: 0 signalen"),
        "{}",
        text(&o)
    );
    let after = bz(&dir, &["audit", "verify"]);
    assert!(after.status.success(), "{}", text(&after));
    assert_ne!(text(&before), text(&after), "the run added an audit entry");
}

#[test]
fn bench_scan_times_a_fresh_process_and_keeps_its_files_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keep = dir.path().join("bench");
    let o = bz(
        dir.path(),
        &[
            "bench",
            "scan",
            "--addresses",
            "3000",
            "--keep",
            keep.to_str().expect("utf-8 path"),
        ],
    );
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    for line in [
        "bench scan: 3000 adressen",
        "lezen (5 CSV-bestanden)",
        "totaal lezen+scan+schrijven",
        "piekgeheugen (proces: lezen+scan+schrijven)",
        "uitkomst:",
    ] {
        assert!(out.contains(line), "{line} in {out}");
    }
    // The timed child wrote the three files the way `buitenzicht scan` does.
    let scan_out = dir.path().join("scan");
    let o = bz(
        dir.path(),
        &[
            "scan",
            "--input",
            keep.join("input").to_str().expect("utf-8 path"),
            "--peildatum",
            "2026-06-30",
            "--output",
            scan_out.to_str().expect("utf-8 path"),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    for f in [
        "adressen_scan.csv",
        "gemeenten_scan.csv",
        "vierkanten_scan.csv",
    ] {
        let bench = std::fs::read(keep.join("output").join(f)).expect("bench output");
        let scan = std::fs::read(scan_out.join(f)).expect("scan output");
        assert!(bench == scan, "{f} differs between bench and scan");
    }
    // --input alone is refused.
    let o = bz(dir.path(), &["bench", "scan", "--input", "x"]);
    assert!(!o.status.success());
}
