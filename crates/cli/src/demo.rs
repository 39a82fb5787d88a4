//! `buitenzicht demo`: create or refresh the fictional demo municipality with
//! its partner organisations and one account per role, and print the accounts.

use crate::config::Settings;
use anyhow::{Context, Result};
use bz_domain::identity::{NewOrganisation, NewUser, Role};
use bz_store::Store;
use bz_store::area::{AddressRow, BusinessRow, GemeenteRow, IncidentRow};
use bz_web::provision::{self, IfExists};
use rand::{RngCore, SeedableRng};
use rand_chacha::rand_core as _;
use serde::Serialize;
use std::time::Instant;

/// The partner organisations of the demo, and the role accounts they hold.
const ORGS: &[(&str, &str)] = &[
    ("politie", "Politie Eenheid Oost-Nederland (demo)"),
    ("omgevingsdienst", "Omgevingsdienst Achterhoek-Oost (demo)"),
    ("riec", "RIEC Oost-Nederland (demo)"),
    ("lto", "LTO Noord afdeling Oost (demo)"),
    ("coach", "Agrocoaching Oost (demo)"),
    ("netbeheerder", "Netbeheer Oost (demo)"),
];

/// (username, display name, role, organisation type the account belongs to).
const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("demo.beheerder", "Bea Beheer", Role::Beheerder, "riec"),
    ("demo.analist", "Arjen Analist", Role::Analist, "riec"),
    ("demo.aov", "Anouk van Olst (AOV)", Role::Aov, "gemeente"),
    (
        "demo.toezichthouder",
        "Tom Toezicht",
        Role::Toezichthouder,
        "gemeente",
    ),
    ("demo.coach", "Carla Coach", Role::Coach, "coach"),
    ("demo.partner", "Peter Partner", Role::Partner, "lto"),
    ("demo.intake", "Ilse Intake", Role::Intake, "gemeente"),
    (
        "demo.wijkagent",
        "Wim Wijkagent",
        Role::Toezichthouder,
        "politie",
    ),
];

#[derive(Serialize)]
struct DemoAccount {
    username: String,
    password: String,
    totp_secret: String,
    role: String,
    organisation: String,
}

fn password_from(rng: &mut rand_chacha::ChaCha20Rng) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut s = String::from("demo-");
    for i in 0..15u32 {
        if i > 0 && i.is_multiple_of(5) {
            s.push('-');
        }
        s.push(ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char);
    }
    s
}

pub async fn run(
    store: &Store,
    settings: &Settings,
    seed: u64,
    scan_input: Option<&std::path::Path>,
) -> Result<()> {
    let started = Instant::now();
    let today = time::OffsetDateTime::now_utc().date();
    let data = bz_demo::generate(seed, today);
    let gen_secs = started.elapsed().as_secs_f64();
    let m = &data.municipality;
    if let Some(dir) = scan_input {
        bz_demo::write_scan_input(&data, dir)
            .with_context(|| format!("cannot write the scan input to {}", dir.display()))?;
        println!(
            "Invoer voor de gebiedsscan geschreven naar / scan input written to {}",
            dir.display()
        );
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    // Organisations first (incidents refer to their source organisation).
    let all_areas = vec![m.code.clone()];
    let mut tx = store.begin_write().await?;
    let geometry = bz_geo::multipolygon_to_geojson(&m.boundary, bz_geo::Crs::Rd)
        .context("demo boundary to GeoJSON")?;
    bz_store::area::upsert_gemeente(
        &mut tx,
        &GemeenteRow {
            code: m.code.clone(),
            name: m.name.clone(),
            geometry: geometry.to_string(),
            area_m2: m.boundary.area(),
            source: format!("demo seed {seed}"),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    let gemeente = NewOrganisation::parse(&format!("Gemeente {}", m.name), "gemeente", &m.code)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut orgs = vec![(
        "gemeente",
        provision::ensure_org(store, &gemeente, &all_areas).await?,
    )];
    for (t, name) in ORGS {
        let o = NewOrganisation::parse(name, t, "").map_err(|e| anyhow::anyhow!("{e:?}"))?;
        orgs.push((t, provision::ensure_org(store, &o, &all_areas).await?));
    }
    let org_of = |t: &str| {
        orgs.iter()
            .find(|(k, _)| *k == t)
            .map(|(_, o)| o.clone())
            .context("demo organisation")
    };
    let politie = org_of("politie")?;
    let od = org_of("omgevingsdienst")?;

    // Registry data of the demo municipality, replaced as a whole in one transaction.
    let addresses: Vec<AddressRow> = data
        .addresses
        .iter()
        .map(|a| AddressRow {
            id: a.id.clone(),
            x: a.x,
            y: a.y,
            gemeente_code: m.code.clone(),
            straat: a.straat.clone(),
            huisnummer: i64::from(a.huisnummer),
            huisletter: a.huisletter.map(|c| c.to_string()),
            postcode: Some(a.postcode.clone()),
            woonplaats: a.woonplaats.clone(),
            gebruiksdoel: a.gebruiksdoel.clone(),
            oppervlakte: i64::from(a.oppervlakte),
            bouwjaar: Some(i64::from(a.bouwjaar)),
            status: a.status.clone(),
            source: "demo".into(),
        })
        .collect();
    let businesses: Vec<BusinessRow> = data
        .businesses
        .iter()
        .map(|b| BusinessRow {
            id: b.vestigingsnummer.clone(),
            kvk: b.kvk.clone(),
            name: b.naam.clone(),
            address_id: b.adres_id.clone(),
            sbi: b.sbi.clone(),
            start_date: b.start.to_string(),
            end_date: b.einde.map(|d| d.to_string()),
            source: "demo".into(),
        })
        .collect();
    let incidents: Vec<IncidentRow> = data
        .incidents
        .iter()
        .map(|i| {
            let (org, basis) = match i.bron {
                bz_demo::Bron::Politie => (&politie, "Wpg art. 16 en 19 (RIEC-convenant)"),
                bz_demo::Bron::Omgevingsdienst => {
                    (&od, "Wabo/Omgevingswet art. 18.2, convenant RIEC")
                }
            };
            IncidentRow {
                id: i.id.clone(),
                x: i.x,
                y: i.y,
                date: i.datum.to_string(),
                kind: i.soort.as_str().into(),
                gemeente_code: Some(m.code.clone()),
                source_org_id: org.id.clone(),
                legal_basis: basis.into(),
                retention_until: bz_demo::years_before(i.datum, -5).to_string(),
                description: i.omschrijving.clone(),
            }
        })
        .collect();
    // The demo's signals, as a partner (Meld Misdaad Anoniem) would pass them on.
    let signals: Vec<bz_store::signals::SignalRow> = data
        .signals
        .iter()
        .map(|s| bz_store::signals::SignalRow {
            id: s.id.clone(),
            channel: bz_store::signals::CHANNEL_IMPORT.into(),
            source: "Meld Misdaad Anoniem (demo)".into(),
            source_org_id: None,
            category: s.categorie.as_str().into(),
            state: "nieuw".into(),
            observed_on: s.datum.to_string(),
            x: s.x,
            y: s.y,
            bag_id: s.adres_id.clone(),
            gemeente_code: Some(m.code.clone()),
            description: s.omschrijving.clone(),
        })
        .collect();
    let mut tx = store.begin_write().await?;
    bz_store::area::clear_gemeente_data(&mut tx, &m.code).await?;
    bz_store::area::insert_addresses(&mut tx, &addresses, now).await?;
    bz_store::area::insert_businesses(&mut tx, &businesses, now).await?;
    bz_store::area::insert_incidents(&mut tx, &incidents, now).await?;
    bz_store::signals::upsert_signals(&mut tx, &signals, now).await?;
    bz_store::area::set_meta(&mut tx, "demo_seed", &seed.to_string()).await?;
    tx.commit().await?;
    let stored_secs = started.elapsed().as_secs_f64() - gen_secs;

    // One account per role, with passwords and TOTP keys derived from the seed.
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed ^ 0x6275_6974_656e_7a69);
    let mut printed = Vec::new();
    for (username, name, role, org_type) in ACCOUNTS {
        let org = org_of(org_type)?;
        let password = password_from(&mut rng);
        let mut secret_bytes = [0u8; 20];
        rng.fill_bytes(&mut secret_bytes);
        let secret = bz_web::auth::totp::secret_from_bytes(&secret_bytes);
        let u = NewUser::parse(username, name, "", &[role.as_str().to_string()])
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        provision::create_user(
            store,
            &org.id,
            &u,
            &password,
            Some(&secret),
            false,
            IfExists::Reset,
        )
        .await?;
        printed.push(DemoAccount {
            username: username.to_string(),
            password,
            totp_secret: secret,
            role: role.as_str().into(),
            organisation: org.name.clone(),
        });
    }
    // A first gebiedsscan of the buitengebied, started by the demo analyst.
    let analist = store
        .user_by_username("demo.analist")
        .await?
        .context("demo analyst")?;
    let scan_started = Instant::now();
    let run_id = bz_web::scanrun::run(
        store,
        bz_web::scanrun::Starter {
            user_id: &analist.id,
            username: &analist.username,
            org_id: &analist.org_id,
        },
        &m.code,
        bz_domain::scan::AreaKind::Buitengebied,
        today,
        &bz_domain::indicators::IndicatorSet::v1(),
        time::OffsetDateTime::now_utc().unix_timestamp() * 1000,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo scan: {e}"))?;
    let run = store.scan_run(&run_id).await?;
    // The AOV'er has looked at the three highest scores and decided what to do.
    let aov = store
        .user_by_username("demo.aov")
        .await?
        .context("demo aov")?;
    let reasons = [
        (
            "gesprek_de_boer_op",
            "Gestopt agrarisch bedrijf met grote loods; eigenaar nodigen we uit voor een gesprek bij de volgende ronde.",
        ),
        (
            "coach_aanbieden",
            "Wijkagent kent de familie: bedrijf onlangs gestopt na ziekte; we bieden de agrocoach aan.",
        ),
        (
            "geen_actie",
            "Loods is bekend als opslag van de loonwerker uit het dorp; geen aanleiding.",
        ),
    ];
    let top = store.scan_results(&run_id, Some("hoog"), 3, 0).await?;
    let mut tx = store.begin_write().await?;
    for (r, (decision, reason)) in top.iter().zip(reasons) {
        bz_store::scan::insert_decision(
            &mut tx,
            &bz_store::scan::DecisionRow {
                id: String::new(),
                run_id: run_id.clone(),
                address_id: r.result.address_id.clone(),
                decision: decision.into(),
                reason: reason.into(),
                decided_by: aov.id.clone(),
                decided_by_name: aov.username.clone(),
                org_id: aov.org_id.clone(),
                decided_at: time::OffsetDateTime::now_utc().unix_timestamp(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    let scan_secs = scan_started.elapsed().as_secs_f64();

    // The Module-1 survey and the field work of the demo.
    let mut users = Vec::new();
    for (username, ..) in ACCOUNTS {
        let u = store
            .user_by_username(username)
            .await?
            .with_context(|| format!("demo user {username}"))?;
        users.push((username.to_string(), u.id, u.org_id));
    }
    let field_note = crate::demo_field::run(store, &m.code, today, seed, &run_id, &users).await?;

    let accounts_file = settings.data_dir.join("demo-accounts.json");
    write_private(&accounts_file, &serde_json::to_vec_pretty(&printed)?)
        .with_context(|| format!("cannot write {}", accounts_file.display()))?;

    let agri = data
        .businesses
        .iter()
        .filter(|b| b.sbi.starts_with("01"))
        .count();
    println!();
    println!(
        "Demogemeente {} ({}) — {:.0} km², {} kernen",
        m.name,
        m.code,
        m.boundary.area() / 1e6,
        m.kernen.len()
    );
    println!(
        "  {} adressen, {} bedrijfsvestigingen ({} agrarisch), {} incidenten, {} signalen",
        data.addresses.len(),
        data.businesses.len(),
        agri,
        data.incidents.len(),
        data.signals.len()
    );
    println!(
        "  gegenereerd in {gen_secs:.2} s, opgeslagen in {stored_secs:.2} s, totaal {:.2} s (seed {seed})",
        started.elapsed().as_secs_f64()
    );
    println!(
        "  gebiedsscan buitengebied (peildatum {}): {} adressen, {} hoog, {} midden, {} laag ({scan_secs:.2} s)",
        run.peildatum, run.addresses, run.hoog, run.midden, run.laag
    );
    println!("  {field_note}");
    println!();
    println!("Demo-accounts (wachtwoord en TOTP-sleutel voor uw authenticator-app):");
    println!(
        "  {:<22} {:<15} {:<25} {:<34} huidige code",
        "gebruikersnaam", "rol", "wachtwoord", "TOTP-sleutel"
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for a in &printed {
        let code = bz_web::auth::totp::current_code(&a.totp_secret, now).unwrap_or_default();
        println!(
            "  {:<22} {:<15} {:<25} {:<34} {code}",
            a.username, a.role, a.password, a.totp_secret
        );
    }
    println!("  (ook in {})", accounts_file.display());
    println!();
    Ok(())
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
