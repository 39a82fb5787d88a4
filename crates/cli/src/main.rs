//! `buitenzicht`: the one binary. It serves the web application and runs the
//! command-line jobs. This file only parses arguments and wires things up.

mod bench;
mod bench_melden;
mod bench_tiles;
mod config;
mod demo;
mod demo_field;
mod import;

use anyhow::{Context, Result, bail};
use bz_domain::identity::NewUser;
use bz_store::Store;
use bz_store::audit::Verification;
use bz_web::provision::{self, IfExists};
use bz_web::{AppState, WebConfig};
use clap::{Args, Parser, Subcommand};
use config::{DEFAULT_LISTEN, FileConfig, Settings};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// Buitenzicht — the information platform of Veilig Buitengebied.
#[derive(Parser, Debug)]
#[command(name = "buitenzicht", version, about, long_about = None)]
struct Cli {
    /// Configuration file (TOML). Default: ./buitenzicht.toml when it exists.
    #[arg(long, global = true, env = "BUITENZICHT_CONFIG")]
    config: Option<PathBuf>,
    /// Directory for the SQLite database and other state. Default: ./data
    #[arg(long, global = true, env = "BUITENZICHT_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB. Default: SQLite in the data directory.
    #[arg(long, global = true, env = "BUITENZICHT_DATABASE")]
    database: Option<String>,
    /// Log filter, e.g. info or buitenzicht=debug.
    #[arg(long, global = true, env = "BUITENZICHT_LOG")]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone, Default)]
struct ServeOpts {
    /// Address to listen on. Default: 127.0.0.1:8080
    #[arg(long, env = "BUITENZICHT_LISTEN")]
    listen: Option<String>,
    /// The public URL users reach Buitenzicht at. An https:// URL turns on
    /// Secure __Host- cookies and HSTS (TLS terminated by a proxy in front).
    #[arg(long, env = "BUITENZICHT_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web application and API.
    Serve(ServeOpts),
    /// Create or refresh the fictional demo municipality, print the demo accounts, then serve.
    Demo {
        /// Seed of the generator: the same seed gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Only create the data and print the accounts; do not serve.
        #[arg(long)]
        no_serve: bool,
        /// Also write the demo data as gebiedsscan input files (spec v1) to this directory.
        #[arg(long)]
        scan_input: Option<PathBuf>,
        #[command(flatten)]
        serve: ServeOpts,
    },
    /// Apply database migrations and exit (serve applies them too).
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Make a consistent copy of the SQLite database while it is in use.
    Backup {
        /// File to write; must not exist yet.
        #[arg(long)]
        output: PathBuf,
    },
    /// Audit trail commands.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Remove signals past their retention period (per category and state,
    /// set on /beheer/workflow) and contact details past theirs; keeps counts
    /// per month, category and state. The server also does this daily.
    Purge,
    /// Run the gebiedsscan (spec v1) over an input directory and write its three output files.
    Scan {
        /// Directory with adressen.csv, bedrijven.csv, incidenten.csv, signalen.csv, gemeenten.geojson.
        #[arg(long)]
        input: PathBuf,
        /// Reference date YYYY-MM-DD (required: a scan must be reproducible).
        #[arg(long)]
        peildatum: String,
        /// Directory to write adressen_scan.csv, gemeenten_scan.csv and vierkanten_scan.csv to.
        #[arg(long)]
        output: PathBuf,
    },
    /// Import data; every import is one transaction: on any error nothing is imported.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print performance figures (benchmarks; no test asserts a time).
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// CBS municipality boundaries (GeoJSON in RD New or WGS84, detected from `crs` or the coordinates).
    Gemeenten {
        file: PathBuf,
        /// Property holding the CBS code.
        #[arg(long, default_value = "statcode")]
        code_property: String,
        /// Property holding the name.
        #[arg(long, default_value = "statnaam")]
        name_property: String,
    },
    /// Addresses (BAG verblijfsobjecten) in the adressen.csv format of the gebiedsscan spec.
    Adressen { file: PathBuf },
    /// BAG addresses: the BAG 2.0 Extract XML as Kadaster delivers it (zip-in-zip, zip,
    /// directory or XML file), PDOK's BAG GeoPackage (`.gpkg`) or `adressen.csv` (`.csv`).
    Bag {
        path: PathBuf,
        /// Keep the version of each object that is current on this date (default: today).
        #[arg(long)]
        peildatum: Option<String>,
        /// CBS code for addresses whose municipality the extract does not give (no GEM-WPL-RELATIE file).
        #[arg(long)]
        gemeente: Option<String>,
    },
    /// Businesses (KvK establishments with SBI code) in the bedrijven.csv format.
    Bedrijven { file: PathBuf },
    /// Partner incidents in the incidenten.csv format; source, legal basis and retention are required.
    Incidenten {
        file: PathBuf,
        /// Name of the source organisation (must exist), e.g. "Politie Eenheid Oost-Nederland".
        #[arg(long)]
        bron: String,
        /// Legal basis for processing, e.g. "Wpg art. 16 (RIEC-convenant)".
        #[arg(long)]
        grondslag: String,
        /// Retention period in years after the incident date.
        #[arg(long)]
        bewaartermijn_jaren: u8,
    },
    /// Partner signals in the signalen.csv format (id,x,y,datum,categorie) from a named organisation.
    Signalen {
        file: PathBuf,
        /// Name of the source organisation (must exist).
        #[arg(long)]
        bron: String,
    },
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Time the gebiedsscan as `buitenzicht scan` runs it (read the CSV input, scan, write the
    /// output) on N synthetic national-like addresses; prints stage times and peak memory.
    Scan {
        #[arg(long, default_value_t = 1_000_000)]
        addresses: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Keep the generated input and the output in this directory (default: a temporary one).
        #[arg(long)]
        keep: Option<PathBuf>,
        /// Time this input directory (the five files) instead of generating one; with --output.
        #[arg(long, requires = "output", conflicts_with_all = ["addresses", "seed", "keep"])]
        input: Option<PathBuf>,
        /// Where the timed scan of --input writes its three files.
        #[arg(long, requires = "input")]
        output: Option<PathBuf>,
    },
    /// Time vector tiles at zoom 6-16 around random addresses of N synthetic addresses;
    /// prints latency percentiles and tile sizes per zoom level.
    Tiles {
        #[arg(long, default_value_t = 10_000_000)]
        addresses: usize,
        /// Tiles per zoom level.
        #[arg(long, default_value_t = 1_000)]
        tiles: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Time the survey report for N synthetic responses to the default survey:
    /// the analysis for both audiences and the HTML page.
    SurveyReport {
        #[arg(long, default_value_t = 10_000)]
        responses: usize,
    },
    /// Drive the public report form (POST /melden) of the real server on a loopback port with
    /// concurrent clients; prints durable submissions per second and latency percentiles.
    Melden {
        /// `sqlite` (a new file in a temporary directory) or a postgres:// URL.
        #[arg(long, default_value = "sqlite")]
        db: String,
        #[arg(long, default_value_t = 64)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Crash test: start `serve` as a child process, submit reports concurrently, kill it with
    /// SIGKILL at a random moment, and check that every acknowledged meldcode is stored and the
    /// database is intact; N rounds.
    MeldenCrash {
        /// `sqlite` (a new file in a temporary directory) or a postgres:// URL.
        #[arg(long, default_value = "sqlite")]
        db: String,
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Keep the data directory (database, last server log) here.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create an account. It must set up its second factor at first login.
    Add {
        #[arg(long)]
        username: String,
        /// Full name shown in the application.
        #[arg(long)]
        name: String,
        /// Name of the organisation (must exist).
        #[arg(long)]
        org: String,
        /// Role; repeat for several: beheerder, analist, aov, toezichthouder, coach, partner, intake.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long, default_value = "")]
        email: String,
        /// Read the initial password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (generated unless --password-stdin); it must be changed at next login.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Deactivate an account and end its sessions.
    Disable { username: String },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the hash chain of the whole audit trail; exit 1 at the first broken entry.
    Verify,
}

fn settings(cli: &Cli, serve: Option<&ServeOpts>) -> Result<Settings> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let data_dir = cli
        .data_dir
        .clone()
        .or(file.data_dir)
        .unwrap_or_else(|| PathBuf::from("data"));
    let database = cli
        .database
        .clone()
        .or(file.database)
        .unwrap_or_else(|| bz_store::default_sqlite_url(&data_dir));
    let listen = serve
        .and_then(|s| s.listen.clone())
        .or(file.listen)
        .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    let public_url = serve.and_then(|s| s.public_url.clone()).or(file.public_url);
    let basemap = match &file.basemap_tiles {
        Some(t) => Some(
            bz_web::BaseMap::parse(
                t,
                file.basemap_attribution
                    .as_deref()
                    .unwrap_or("Kaartgegevens © Kadaster (CC BY 4.0)"),
            )
            .map_err(|e| anyhow::anyhow!("configuratie / configuration: {e}"))?,
        ),
        None => None,
    };
    Ok(Settings {
        data_dir,
        database,
        listen,
        public_url,
        max_body_bytes: file.max_body_bytes.unwrap_or(64 * 1024),
        max_upload_bytes: file.max_upload_bytes.unwrap_or(4 << 30),
        basemap,
        anonymous_limit: file
            .anonymous_limit
            .unwrap_or(bz_signals::throttle::ThrottleConfig::default().max_per_window),
    })
}

fn init_logging(filter: Option<&str>) {
    let filter = filter
        .map(str::to_string)
        .unwrap_or_else(|| "info,sqlx=warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_target(false)
        .try_init();
}

async fn open_store(s: &Settings) -> Result<Store> {
    if s.database.starts_with("sqlite://") {
        std::fs::create_dir_all(&s.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "datamap {} kan niet worden aangemaakt / cannot create data directory {}: {e}",
                s.data_dir.display(),
                s.data_dir.display()
            )
        })?;
    }
    Store::open(&s.database)
        .await
        .map_err(|e| anyhow::anyhow!("{}", describe_store_error(&e)))
}

/// A store error in Dutch and English for the terminal.
fn describe_store_error(e: &bz_store::StoreError) -> String {
    use bz_store::StoreError::*;
    match e {
        InvalidUrl { url, reason } => format!(
            "ongeldige database-URL {url}: gebruik sqlite://PAD of postgres://… / invalid database URL {url}: {reason}"
        ),
        DataDir { path, source } => format!(
            "de datamap {} is niet schrijfbaar / the data directory {} is not writable: {source}",
            path.display(),
            path.display()
        ),
        Connect { url, source } => format!(
            "geen verbinding met de database {url} / cannot connect to the database {url}: {source}"
        ),
        other => format!("databasefout / database error: {other}"),
    }
}

async fn serve(settings: &Settings, store: Store, demo: bool) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| {
            format!(
                "kan niet luisteren op {} / cannot listen on {}",
                settings.listen, settings.listen
            )
        })?;
    let config = WebConfig {
        tls: settings.tls(),
        max_body_bytes: settings.max_body_bytes,
        max_upload_bytes: settings.max_upload_bytes,
        upload_dir: Some(settings.data_dir.join("uploads")),
        demo,
        // The demo never loads anything from elsewhere.
        basemap: if demo { None } else { settings.basemap.clone() },
        anonymous_throttle: (settings.anonymous_limit > 0).then(|| {
            bz_signals::throttle::ThrottleConfig {
                max_per_window: settings.anonymous_limit,
                ..Default::default()
            }
        }),
    };
    let state = AppState::new(store.clone(), config);
    // Signals past their retention are purged at start and then daily.
    bz_web::pages::signalen_purge::spawn(state.clone(), std::time::Duration::from_secs(24 * 3600));
    // Expired sessions are purged hourly.
    let purge_store = store.clone();
    tokio::spawn(async move {
        loop {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            if let Err(e) = purge_store.purge_sessions(now).await {
                tracing::warn!(error = %e, "session purge failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
    let addr = listener.local_addr()?;
    println!(
        "Buitenzicht draait op / is serving on http://{addr} (database: {})",
        store.url_redacted()
    );
    bz_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    store.close().await;
    Ok(())
}

fn read_password_stdin() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Serve(opts) => {
            let s = settings(&cli, Some(opts))?;
            let store = open_store(&s).await?;
            serve(&s, store, false).await
        }
        Command::Demo {
            seed,
            no_serve,
            scan_input,
            serve: opts,
        } => {
            let s = settings(&cli, Some(opts))?;
            let store = open_store(&s).await?;
            demo::run(&store, &s, *seed, scan_input.as_deref()).await?;
            if *no_serve {
                Ok(())
            } else {
                serve(&s, store, true).await
            }
        }
        Command::Migrate => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            println!(
                "Migraties toegepast / migrations applied ({})",
                store.url_redacted()
            );
            Ok(())
        }
        Command::User(cmd) => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            match cmd {
                UserCommand::Add {
                    username,
                    name,
                    org,
                    roles,
                    email,
                    password_stdin,
                } => {
                    let u = NewUser::parse(username, name, email, roles).map_err(|errs| {
                        anyhow::anyhow!(
                            "ongeldige invoer / invalid input: {}",
                            errs.iter()
                                .map(|e| e.to_string())
                                .collect::<Vec<_>>()
                                .join("; ")
                        )
                    })?;
                    let org = store.organisations().await?.into_iter().find(|o| &o.name == org).with_context(|| format!("organisatie {org:?} bestaat niet / organisation {org:?} does not exist"))?;
                    let (pw, generated) = if *password_stdin {
                        (read_password_stdin()?, false)
                    } else {
                        (bz_web::auth::password::generate(), true)
                    };
                    provision::create_user(&store, &org.id, &u, &pw, None, true, IfExists::Fail)
                        .await?;
                    println!(
                        "Gebruiker {} aangemaakt in {} / user created.",
                        u.username, org.name
                    );
                    if generated {
                        println!("Tijdelijk wachtwoord / temporary password: {pw}");
                    }
                    println!(
                        "Bij de eerste keer inloggen: tweede factor instellen en wachtwoord wijzigen / at first login: set up second factor, change password."
                    );
                    Ok(())
                }
                UserCommand::Passwd {
                    username,
                    password_stdin,
                } => {
                    let (pw, generated) = if *password_stdin {
                        (read_password_stdin()?, false)
                    } else {
                        (bz_web::auth::password::generate(), true)
                    };
                    provision::set_password(&store, &username.to_lowercase(), &pw, true).await?;
                    println!("Wachtwoord van {username} hersteld / password reset.");
                    if generated {
                        println!("Tijdelijk wachtwoord / temporary password: {pw}");
                    }
                    Ok(())
                }
                UserCommand::Disable { username } => {
                    provision::disable(&store, &username.to_lowercase()).await?;
                    println!("Gebruiker {username} gedeactiveerd / user deactivated.");
                    Ok(())
                }
            }
        }
        Command::Backup { output } => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            let size = store.backup_to(output).await?;
            println!(
                "Back-up geschreven / backup written: {} ({size} bytes)",
                output.display()
            );
            Ok(())
        }
        Command::Purge => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let r = bz_web::pages::signalen_purge::run(&store, now, "cli").await?;
            println!(
                "Opgeschoond / purged: {} signalen / signals, {} keer contactgegevens / contact details; {} zonder bewaarregel bewaard / kept without a rule",
                r.purged, r.contacts_cleared, r.without_rule
            );
            for c in &r.counts {
                println!("  {} {} {}: {}", c.month, c.category, c.state, c.purged);
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            match store.audit_verify().await? {
                Verification::Intact { entries } => {
                    println!(
                        "OK: audittrail intact, {entries} regels / audit trail intact, {entries} entries"
                    );
                    Ok(())
                }
                Verification::Broken(b) => bail!(
                    "audittrail verbroken bij regel {} / audit trail broken at entry {}: {b}",
                    b.seq(),
                    b.seq()
                ),
            }
        }
        Command::Scan {
            input,
            peildatum,
            output,
        } => {
            let date = time::Date::parse(
                peildatum,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .with_context(|| {
                format!(
                    "peildatum {peildatum:?} is geen datum JJJJ-MM-DD / is not a date YYYY-MM-DD"
                )
            })?;
            let started = std::time::Instant::now();
            let summary = bz_scan::run_dir(input, date, output)
                .map_err(|e| anyhow::anyhow!("{} / {e}", e.message_nl()))?;
            println!(
                "Gebiedsscan klaar / scan done in {:.2} s: {summary:?}",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import(ImportCommand::Gemeenten {
            file,
            code_property,
            name_property,
        }) => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            import::run(file, |src, actor, p| async move {
                bz_import::gemeenten(&store, &src, code_property, name_property, &actor, &p).await
            })
            .await
        }
        Command::Import(ImportCommand::Adressen { file }) => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            import::run(file, |src, actor, p| async move {
                bz_import::adressen(&store, &src, &actor, &p).await
            })
            .await
        }
        Command::Import(ImportCommand::Bag {
            path,
            peildatum,
            gemeente,
        }) => {
            let s = settings(&cli, None)?;
            let date = match peildatum {
                Some(p) => bz_scan::io::parse_date(p).with_context(|| {
                    format!("peildatum {p:?} is geen datum JJJJ-MM-DD / is not a date YYYY-MM-DD")
                })?,
                None => time::OffsetDateTime::now_utc().date(),
            };
            let store = open_store(&s).await?;
            import::run(path, |src, actor, p| async move {
                bz_import::bag(&store, &src, date, gemeente.as_deref(), &actor, &p).await
            })
            .await
        }
        Command::Import(ImportCommand::Bedrijven { file }) => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            import::run(file, |src, actor, p| async move {
                bz_import::bedrijven(&store, &src, &actor, &p).await
            })
            .await
        }
        Command::Import(ImportCommand::Incidenten {
            file,
            bron,
            grondslag,
            bewaartermijn_jaren,
        }) => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            let terms = bz_import::IncidentTerms {
                bron: bron.clone(),
                grondslag: grondslag.clone(),
                bewaartermijn_jaren: *bewaartermijn_jaren,
            };
            import::run(file, |src, actor, p| async move {
                bz_import::incidenten(&store, &src, &terms, &actor, &p).await
            })
            .await
        }
        Command::Import(ImportCommand::Signalen { file, bron }) => {
            let s = settings(&cli, None)?;
            let store = open_store(&s).await?;
            import::run(file, |src, actor, p| async move {
                bz_import::signalen(&store, &src, bron, &actor, &p).await
            })
            .await
        }
        Command::Bench(BenchCommand::Scan {
            input: Some(input),
            output: Some(output),
            ..
        }) => bench::scan_dir(input, output),
        Command::Bench(BenchCommand::Scan {
            addresses,
            seed,
            keep,
            ..
        }) => bench::scan(*addresses, *seed, keep.as_deref()),
        Command::Bench(BenchCommand::SurveyReport { responses }) => {
            bench::survey_report(*responses)
        }
        Command::Bench(BenchCommand::Tiles {
            addresses,
            tiles,
            seed,
        }) => bench_tiles::tiles(*addresses, *tiles, *seed),
        Command::Bench(BenchCommand::Melden {
            db,
            clients,
            seconds,
        }) => bench_melden::melden(db, *clients, *seconds).await,
        Command::Bench(BenchCommand::MeldenCrash {
            db,
            rounds,
            clients,
            keep,
        }) => bench_melden::melden_crash(db, *rounds, *clients, keep.as_deref()).await,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let file_log = FileConfig::load(cli.config.as_deref())
        .ok()
        .and_then(|f| f.log);
    init_logging(cli.log.as_deref().or(file_log.as_deref()));
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("buitenzicht: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("buitenzicht: fout / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
