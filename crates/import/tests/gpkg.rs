//! `import bag` from a BAG GeoPackage: a small file in the layout of PDOK's
//! `bag-light.gpkg` is written with SQLite and imported; bad files are
//! refused with file, row and column, and change nothing.

use bz_import::{Actor, Progress, Source};
use bz_store::Store;
use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;
use std::path::Path;
use std::sync::Arc;

/// A GeoPackage point blob: header (little endian, no envelope) + WKB point.
fn point_blob(srs: i32, x: f64, y: f64) -> Vec<u8> {
    let mut b = vec![b'G', b'P', 0, 0b0000_0001];
    b.extend_from_slice(&srs.to_le_bytes());
    b.push(1);
    b.extend_from_slice(&1u32.to_le_bytes());
    b.extend_from_slice(&x.to_le_bytes());
    b.extend_from_slice(&y.to_le_bytes());
    b
}

struct Vbo<'a> {
    id: &'a str,
    huisnummer: &'a str,
    gemeente: &'a str,
    geom: Vec<u8>,
}

async fn write_gpkg(path: &Path, rows: &[Vbo<'_>], drop_column: Option<&str>) {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut c = SqliteConnection::connect(&url).await.expect("create gpkg");
    sqlx::query("CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, srs_id INTEGER)")
        .execute(&mut c)
        .await
        .expect("contents");
    sqlx::query("INSERT INTO gpkg_contents VALUES ('verblijfsobject', 'features', 'verblijfsobject', 28992)")
        .execute(&mut c)
        .await
        .expect("contents row");
    let cols = [
        ("identificatie", "TEXT"),
        ("status", "TEXT"),
        ("gebruiksdoel", "TEXT"),
        ("oppervlakte", "INTEGER"),
        ("openbare_ruimte_naam", "TEXT"),
        ("huisnummer", "INTEGER"),
        ("huisletter", "TEXT"),
        ("postcode", "TEXT"),
        ("woonplaats_naam", "TEXT"),
        ("bouwjaar", "INTEGER"),
        ("bronhouder_identificatie", "TEXT"),
        ("geom", "POINT"),
    ];
    let kept: Vec<_> = cols
        .iter()
        .filter(|(n, _)| Some(*n) != drop_column)
        .collect();
    let ddl = format!(
        "CREATE TABLE verblijfsobject (fid INTEGER PRIMARY KEY AUTOINCREMENT, {})",
        kept.iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    sqlx::query(sqlx::AssertSqlSafe(ddl))
        .execute(&mut c)
        .await
        .expect("table");
    for r in rows {
        let values = [
            r.id.to_string(),
            "Verblijfsobject in gebruik".into(),
            "woonfunctie,industriefunctie".into(),
            "650".into(),
            "Veldweg".into(),
            r.huisnummer.to_string(),
            String::new(),
            "6981 AB".into(),
            "Doesburg".into(),
            "1931".into(),
            r.gemeente.to_string(),
        ];
        let names: Vec<&str> = kept.iter().map(|(n, _)| *n).collect();
        let sql = format!(
            "INSERT INTO verblijfsobject ({}) VALUES ({})",
            names.join(", "),
            (1..=names.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (i, (n, _)) in cols.iter().enumerate() {
            if Some(*n) == drop_column {
                continue;
            }
            if *n == "geom" {
                q = q.bind(r.geom.clone());
            } else {
                q = q.bind(values[i].clone());
            }
        }
        q.execute(&mut c).await.expect("row");
    }
    c.close().await.expect("close");
}

async fn store(dir: &Path) -> Store {
    Store::open(&format!("sqlite://{}", dir.join("bz.db").display()))
        .await
        .expect("store")
}

async fn address_count(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM addresses")
        .fetch_one(store.pool())
        .await
        .expect("count")
}

fn good_rows() -> Vec<Vbo<'static>> {
    vec![
        Vbo {
            id: "0221010000000001",
            huisnummer: "1",
            gemeente: "0221",
            geom: point_blob(28992, 203_100.5, 449_200.25),
        },
        Vbo {
            id: "0221010000000002",
            huisnummer: "3",
            gemeente: "0221",
            geom: point_blob(28992, 203_300.0, 449_000.0),
        },
    ]
}

async fn import(store: &Store, path: &Path) -> Result<bz_import::Imported, bz_import::ImportError> {
    let date = time::macros::date!(2026 - 12 - 01);
    bz_import::bag(
        store,
        &Source::file(path),
        date,
        None,
        &Actor::cli(),
        &Arc::new(Progress::new()),
    )
    .await
}

#[tokio::test]
async fn a_bag_geopackage_is_imported_with_its_address_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let gpkg = dir.path().join("bag-light.gpkg");
    write_gpkg(&gpkg, &good_rows(), None).await;
    let store = store(dir.path()).await;
    let done = import(&store, &gpkg).await.expect("import");
    assert_eq!(done.count, 2);
    let row: (String, f64, f64, String, i64, String, String, i64, i64) = sqlx::query_as(
        "SELECT gemeente_code, x, y, straat, huisnummer, postcode, gebruiksdoel, oppervlakte, bouwjaar FROM addresses WHERE id = '0221010000000001'",
    )
    .fetch_one(store.pool())
    .await
    .expect("row");
    assert_eq!(
        row,
        (
            "GM0221".into(),
            203_100.5,
            449_200.25,
            "Veldweg".into(),
            1,
            "6981AB".into(),
            "woonfunctie;industriefunctie".into(),
            650,
            1931
        )
    );
    // Importing the same file again updates by id: no duplicates.
    import(&store, &gpkg).await.expect("again");
    assert_eq!(address_count(&store).await, 2);
}

#[tokio::test]
async fn bad_geopackages_are_refused_naming_row_and_column_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = store(dir.path()).await;

    let missing = dir.path().join("missing.gpkg");
    write_gpkg(&missing, &good_rows(), Some("bronhouder_identificatie")).await;
    let e = import(&store, &missing).await.expect_err("missing column");
    let nl = e.lines(true).join("\n");
    assert!(
        nl.contains("missing.gpkg") && nl.contains("bronhouder_identificatie"),
        "{nl}"
    );

    let mut rows = good_rows();
    rows.push(Vbo {
        id: "0221010000000003",
        huisnummer: "drie",
        gemeente: "0221",
        geom: point_blob(28992, 203_000.0, 449_000.0),
    });
    rows.push(Vbo {
        id: "0221010000000004",
        huisnummer: "4",
        gemeente: "0221",
        geom: point_blob(4326, 6.1, 52.0),
    });
    rows.push(Vbo {
        id: "0221010000000005",
        huisnummer: "5",
        gemeente: "0221",
        geom: point_blob(28992, 900_000.0, 449_000.0),
    });
    rows.push(Vbo {
        id: "0221010000000006",
        huisnummer: "6",
        gemeente: "0221",
        geom: vec![b'G', b'P', 0, 1, 0],
    });
    rows.push(Vbo {
        id: "0221010000000001",
        huisnummer: "7",
        gemeente: "0221",
        geom: point_blob(28992, 203_000.0, 449_000.0),
    });
    let bad = dir.path().join("bad.gpkg");
    write_gpkg(&bad, &rows, None).await;
    let e = import(&store, &bad).await.expect_err("bad rows");
    let nl = e.lines(true);
    let en = e.lines(false);
    assert_eq!(nl.len(), 5, "{nl:#?}");
    assert!(
        nl[0].contains("bad.gpkg, tabel verblijfsobject, rij fid 3, kolom huisnummer")
            && nl[0].contains("geen geheel getal"),
        "{}",
        nl[0]
    );
    assert!(
        nl[1].contains("fid 4, kolom geom") && nl[1].contains("4326"),
        "{}",
        nl[1]
    );
    assert!(
        nl[2].contains("fid 5, kolom geom") && nl[2].contains("buiten Nederland"),
        "{}",
        nl[2]
    );
    assert!(nl[3].contains("fid 6, kolom geom"), "{}", nl[3]);
    assert!(
        nl[4].contains("fid 7, kolom identificatie") && nl[4].contains("fid 1"),
        "{}",
        nl[4]
    );
    assert!(en[0].contains("row fid 3, column huisnummer"), "{}", en[0]);
    assert_eq!(
        address_count(&store).await,
        0,
        "a refused import changes nothing"
    );

    let not_gpkg = dir.path().join("plain.gpkg");
    std::fs::write(&not_gpkg, b"this is not sqlite").expect("write");
    let e = import(&store, &not_gpkg).await.expect_err("not a gpkg");
    assert!(
        e.lines(true)[0].contains("plain.gpkg"),
        "{:?}",
        e.lines(true)
    );
}
