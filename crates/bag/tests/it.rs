//! Integration tests: the real Kadaster samples of Doesburg (zip-in-zip),
//! nested-zip error paths, the error budget, and `adressen.csv`.
//!
//! Tests on the samples need `shared/data/bag-samples` (beside the checkout,
//! or `BZ_SHARED_DATA` pointing at a copy of `shared/data`); without it they
//! print a message and pass.

use bz_bag::*;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

fn samples() -> Option<PathBuf> {
    let base = match std::env::var_os("BZ_SHARED_DATA") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    let dir = base.join("bag-samples");
    if dir.join("lv/BAGNLDL-15092020-small.zip").is_file() {
        Some(dir)
    } else {
        println!(
            "SKIPPED: BAG samples not found at {} (set BZ_SHARED_DATA to a copy of shared/data)",
            dir.display()
        );
        None
    }
}

fn date(s: &str) -> Date {
    s.parse().expect("date")
}

#[test]
fn zip_in_zip_national_layout_counts() {
    let Some(dir) = samples() else { return };
    let mut budget = ErrorBudget::default();
    let stats = read_bag(
        &dir.join("lv/BAGNLDL-15092020-small.zip"),
        &SourceOptions::default(),
        &mut budget,
        |_| {},
    );
    assert!(budget.is_empty(), "{:?}", budget.errors());
    let c = |t| stats.count(t);
    assert_eq!(c(ObjectType::Verblijfsobject), 5);
    assert_eq!(c(ObjectType::Pand), 6);
    assert_eq!(c(ObjectType::Nummeraanduiding), 14);
    assert_eq!(c(ObjectType::OpenbareRuimte), 201);
    assert_eq!(c(ObjectType::Woonplaats), 1);
    assert_eq!(c(ObjectType::Ligplaats), 2);
    assert_eq!(c(ObjectType::Standplaats), 2);
    assert_eq!(c(ObjectType::GemeenteWoonplaats), 8504);
    // PND, LIG, NUM, OPR, VBO, GWR, WPL, STA: one XML file each.
    assert_eq!(stats.files, 8);
    // .DS_Store, Leveringsdocument, InOnderzoek, Inactief, NietBag, 2 x __MACOSX dir + file.
    assert!(stats.skipped >= 7, "{stats:?}");
    assert_eq!(stats.stand_technische_datum, Some(date("2020-09-15")));
    assert!(
        stats.bytes > 5_000_000,
        "the GWR file alone is 5 MB: {}",
        stats.bytes
    );
}

#[test]
fn only_wanted_types_and_niet_bag_on_request() {
    let Some(dir) = samples() else { return };
    let zip = dir.join("lv/BAGNLDL-15092020-small.zip");
    let mut budget = ErrorBudget::default();
    let opts = SourceOptions::types(&[ObjectType::Nummeraanduiding]);
    let stats = read_bag(&zip, &opts, &mut budget, |_| {});
    assert_eq!(stats.files, 1);
    assert_eq!(stats.total_objects(), 14);
    let mut with_nb = opts.clone();
    with_nb.include_niet_bag = true;
    let mut niet_bag = Vec::new();
    let stats = read_bag(&zip, &with_nb, &mut budget, |o| {
        if let BagObjectRef::Nummeraanduiding(n) = o
            && n.voorkomen.tijdstip_niet_bag.is_some()
        {
            niet_bag.push(n.identificatie);
        }
    });
    assert!(budget.is_empty(), "{:?}", budget.errors());
    assert_eq!(stats.total_objects(), 15);
    assert_eq!(niet_bag.len(), 1);
    assert_eq!(niet_bag[0].as_str(), "0221200000328545");
}

#[test]
fn all_doesburg_panden_and_their_current_versions() {
    let Some(dir) = samples() else { return };
    let mut budget = ErrorBudget::default();
    let mut current = CurrentReducer::<Pand>::new(date("2020-09-15"));
    let mut rings = 0usize;
    let stats = read_bag(
        &dir.join("0221PND15092020.zip"),
        &SourceOptions::default(),
        &mut budget,
        |o| {
            if let BagObjectRef::Pand(p) = o {
                rings += p.geometrie.num_rings();
                current.offer(p);
            }
        },
    );
    assert!(budget.is_empty(), "{:?}", budget.errors());
    assert_eq!(stats.files, 2, "10 000 + 3 098 split");
    assert_eq!(stats.count(ObjectType::Pand), 13_098);
    assert_eq!(current.offered(), 13_098);
    // Every one of the 7 797 panden has exactly one version valid on the extract date.
    assert_eq!(current.len(), 7_797);
    assert_eq!(rings, 13_098 + 21, "21 interior rings in the file");
    let panden = current.into_sorted();
    let in_gebruik = panden
        .iter()
        .filter(|p| p.status == PandStatus::InGebruik)
        .count();
    let gesloopt = panden
        .iter()
        .filter(|p| p.status == PandStatus::Gesloopt)
        .count();
    assert_eq!((in_gebruik, gesloopt), (7_204, 389));
    assert!(
        panden
            .windows(2)
            .all(|w| w[0].identificatie < w[1].identificatie)
    );
}

#[test]
fn directory_and_single_file_give_the_same_objects() {
    let Some(dir) = samples() else { return };
    let expand = dir.join("lv/BAGNLDL-15092020-small-expand");
    let mut budget = ErrorBudget::default();
    let stats = read_bag(&expand, &SourceOptions::default(), &mut budget, |_| {});
    assert!(budget.is_empty(), "{:?}", budget.errors());
    // The expanded NUM file was edited by NLExtract: 15 objects instead of 14.
    assert_eq!(stats.count(ObjectType::Nummeraanduiding), 15);
    assert_eq!(stats.count(ObjectType::OpenbareRuimte), 201);
    assert_eq!(
        stats.count(ObjectType::GemeenteWoonplaats),
        8504,
        "from the zip in the directory"
    );
    let one = read_bag(
        &expand.join("0221VBO15092020-000001.xml"),
        &SourceOptions::default(),
        &mut budget,
        |_| {},
    );
    assert_eq!((one.files, one.count(ObjectType::Verblijfsobject)), (1, 5));
}

#[test]
fn the_bad_geometry_file_is_refused_with_a_precise_message() {
    let Some(dir) = samples() else { return };
    let path = dir.join("pand-gml-bad.xml");
    let mut budget = ErrorBudget::default();
    let stats = read_bag(&path, &SourceOptions::default(), &mut budget, |_| {});
    assert_eq!(stats.total_objects(), 0);
    assert_eq!(budget.total(), 1);
    let e = &budget.errors()[0];
    let want = format!(
        "{}:45:41: Pand 0147100000016964, gml:posList: ring self-intersects: edge 1 (247452.468 480187.571 -> 247453.262 480177.649) meets edge 6 (247456.834 480187.174 -> 247452.468 480187.306) at (247452.489 480187.305)",
        path.display()
    );
    assert_eq!(e.to_string(), want);
    assert!(e.message_nl().contains("regel 45, kolom 41"));
    assert!(e.message_nl().contains("ring snijdt zichzelf"));
    // The answer matches PostGIS' ST_IsValidReason in the file's comment:
    // Self-intersection[247452.489257842 480187.305357298].
}

#[test]
fn join_addresses_on_the_sample() {
    let Some(dir) = samples() else { return };
    let mut budget = ErrorBudget::default();
    let zip = dir.join("lv/BAGNLDL-15092020-small.zip");
    let mut snap = Snapshot::new(date("2020-09-15"));
    let stats = read_bag(&zip, &SourceOptions::default(), &mut budget, |o| {
        snap.offer(o)
    });
    assert!(budget.is_empty());
    assert_eq!(stats.stand_technische_datum, Some(snap.date()));
    assert_eq!(snap.verblijfsobjecten.len(), 2);
    let (adressen, warnings) = join_addresses(
        &snap,
        &JoinOptions {
            include_plaatsen: true,
            warn_missing_gemeente: true,
        },
    );
    assert_eq!(adressen.len(), 2 + 4);
    let a = adressen
        .iter()
        .find(|a| a.id.as_str() == "0221010000330226")
        .expect("vbo 0221010000330226");
    assert_eq!(a.straat, "Kosterstraat");
    assert_eq!(a.huisnummer, Some(4));
    assert_eq!(a.postcode.map(|p| p.to_string()).as_deref(), Some("6981CH"));
    assert_eq!(a.woonplaats, "Doesburg");
    assert_eq!(a.gemeente_cbs().as_deref(), Some("GM0221"));
    assert_eq!(a.gebruiksdoel, "woonfunctie");
    assert_eq!(
        a.bouwjaar,
        Some(1585),
        "current version of pand 0221100000312938"
    );
    assert_eq!((a.x, a.y), (206335.699, 447529.842));
    assert_eq!(a.status, "Verbouwing verblijfsobject", "voorkomen 4 of 4");
    // References outside this tiny sample are warnings, not failures.
    for w in &warnings {
        assert_ne!(w.missing, ObjectType::GemeenteWoonplaats, "{w}");
        assert!(!w.to_string().is_empty() && !w.message_nl().is_empty());
    }
    // Written as adressen.csv and read back with the strict reader.
    let mut csv = Vec::new();
    let left_out = write_adressen_csv(&mut csv, &adressen).expect("write");
    let mut budget = ErrorBudget::default();
    let rows = read_adressen(csv.as_slice(), "adressen.csv", &mut budget);
    assert!(budget.is_empty(), "{:?}", budget.errors());
    assert_eq!(rows.len() + left_out.len(), adressen.len());
    let r = rows
        .iter()
        .find(|r| r.id == "0221010000330226")
        .expect("row");
    assert_eq!(
        (r.x, r.y, r.gemeente.as_str(), r.bouwjaar),
        (206335.699, 447529.842, "GM0221", 1585)
    );
}

// --- Nested zips built on the fly -------------------------------------------------

const GOOD_PAND: &str = r#"<sl:stand><sl-bag-extract:bagObject><Objecten:Pand><Objecten:identificatie domein="NL.IMBAG.Pand">0221100000312938</Objecten:identificatie><Objecten:geometrie><gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="3"><gml:exterior><gml:LinearRing><gml:posList count="4">206329.0 447527.0 0.0 206341.0 447527.0 0.0 206341.0 447537.0 0.0 206329.0 447527.0 0.0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></Objecten:geometrie><Objecten:oorspronkelijkBouwjaar>1932</Objecten:oorspronkelijkBouwjaar><Objecten:status>Pand in gebruik</Objecten:status><Objecten:voorkomen><Historie:Voorkomen><Historie:voorkomenidentificatie>1</Historie:voorkomenidentificatie><Historie:beginGeldigheid>2010-01-01</Historie:beginGeldigheid><Historie:tijdstipRegistratie>2010-01-01T00:00:00.000</Historie:tijdstipRegistratie></Historie:Voorkomen></Objecten:voorkomen></Objecten:Pand></sl-bag-extract:bagObject></sl:stand>
"#;

fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, stored) in entries {
        let method = if *stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(*name, opts).expect("start");
        w.write_all(data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

#[test]
fn errors_name_the_path_inside_nested_zips() {
    let good = bench::document("PND", &GOOD_PAND.repeat(3));
    let bad = good.replacen(">1932<", ">19x2<", 1);
    let inner_stored = zip_of(&[
        ("0221PND01012020-000001.xml", good.as_bytes(), false),
        ("0221PND01012020-000002.xml", bad.as_bytes(), false),
    ]);
    let inner_deflated = zip_of(&[("0221PND01012020-000003.xml", bad.as_bytes(), false)]);
    let outer = zip_of(&[
        ("9999PND01012020.zip", &inner_stored, true),
        ("9999XYZ01012020.zip", &inner_deflated, false),
        ("readme.txt", b"skip me", false),
    ]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("BAGNLDL-01012020.zip");
    std::fs::write(&path, &outer).expect("write zip");
    let mut budget = ErrorBudget::default();
    let stats = read_bag(&path, &SourceOptions::default(), &mut budget, |_| {});
    assert_eq!(stats.files, 3);
    assert_eq!(stats.count(ObjectType::Pand), 3 + 2 + 2);
    assert_eq!(budget.total(), 2);
    let line = bad[..bad.find("19x2").unwrap()].matches('\n').count() + 1;
    let first = budget.errors()[0].to_string();
    assert!(
        first.starts_with(&format!(
            "{}!/9999PND01012020.zip!/0221PND01012020-000002.xml:{line}:",
            path.display()
        )),
        "{first}"
    );
    assert!(
        first.contains(
            "Pand 0221100000312938, Objecten:oorspronkelijkBouwjaar: \"19x2\" is not a year"
        ),
        "{first}"
    );
    let second = budget.errors()[1].to_string();
    assert!(
        second.contains("!/9999XYZ01012020.zip!/0221PND01012020-000003.xml:"),
        "{second}"
    );

    // The same zip from memory.
    let mut budget = ErrorBudget::default();
    let stats = read_bag_zip(
        Cursor::new(outer),
        "upload.zip",
        &SourceOptions::default(),
        &mut budget,
        |_| {},
    );
    assert_eq!((stats.count(ObjectType::Pand), budget.total()), (7, 2));
    assert!(
        budget.errors()[0]
            .info()
            .file
            .starts_with("upload.zip!/9999PND01012020.zip!/")
    );

    // A broken zip is an error of its own, and reading goes on.
    let broken = tmp.path().join("kapot.zip");
    std::fs::write(&broken, b"PK\x03\x04 not really a zip").expect("write");
    let mut budget = ErrorBudget::default();
    read_bag(tmp.path(), &SourceOptions::default(), &mut budget, |_| {});
    assert!(
        budget
            .errors()
            .iter()
            .any(|e| matches!(e.kind(), ErrorKind::Zip(_)) && e.info().file.ends_with("kapot.zip")),
        "{:?}",
        budget.errors()
    );
}

#[test]
fn error_budget_keeps_fifty_and_counts_the_rest() {
    let bad = GOOD_PAND.replacen(">1932<", ">later<", 1);
    let doc = bench::document("PND", &bad.repeat(120));
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("panden.xml");
    std::fs::write(&path, doc).expect("write");
    let mut budget = ErrorBudget::default();
    let stats = read_bag(&path, &SourceOptions::default(), &mut budget, |_| {});
    assert_eq!(stats.total_objects(), 0);
    assert_eq!(
        (budget.total(), budget.errors().len(), budget.omitted()),
        (120, 50, 70)
    );
    let lines: Vec<u64> = budget
        .errors()
        .iter()
        .filter_map(|e| e.info().line)
        .collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "one error per object, in file order"
    );
    let refusal = budget.into_result(()).unwrap_err();
    assert!(refusal.to_string().contains("... and 70 more error(s)"));
}

// --- adressen.csv -----------------------------------------------------------------

const HEADER: &str = "id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status\n";
const ROW1: &str = "0221010000330226,206335.699,447529.842,GM0221,woonfunctie,306,1932,Verblijfsobject in gebruik\n";
const ROW2: &str = "0221010000330227,206289.487,447359.374,GM0221,woonfunctie;industriefunctie,18,2001,Verblijfsobject buiten gebruik\n";

fn csv_errors(content: &[u8]) -> (Vec<AdresRow>, Vec<BagError>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("adressen.csv");
    std::fs::write(&path, content).expect("write");
    let mut budget = ErrorBudget::default();
    let rows = read_adressen_csv(&path, &mut budget);
    let errors = match budget.into_result(()) {
        Ok(()) => Vec::new(),
        Err(e) => e.errors,
    };
    (rows, errors)
}

fn single_error(content: &[u8]) -> BagError {
    let (_, mut errors) = csv_errors(content);
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.remove(0)
}

#[test]
fn csv_good_file() {
    let (rows, errors) = csv_errors(format!("\u{feff}{HEADER}{ROW1}\n{ROW2}").as_bytes());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].gebruiksdoel, "woonfunctie;industriefunctie");
    assert_eq!((rows[0].line, rows[1].line), (2, 4));
    // Columns in another order, quoted fields, extra column.
    let other = "status,bouwjaar,oppervlakte,gebruiksdoel,gemeente,y,x,id,extra\n\"Verblijfsobject in gebruik\",1932,306,\"woonfunctie\",GM0221,447529.842,206335.699,0221010000330226,z\n";
    let (rows, errors) = csv_errors(other.as_bytes());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows[0].x, 206335.699);
}

#[test]
fn csv_wrong_delimiter() {
    let e = single_error(HEADER.replace(',', ";").as_bytes());
    assert!(
        matches!(e.kind(), ErrorKind::WrongDelimiter { found: ';' }),
        "{e}"
    );
    assert_eq!(e.info().line, Some(1));
    assert!(e.message_nl().contains("verkeerd scheidingsteken"));
    // Right header, one semicolon row.
    let e = single_error(format!("{HEADER}{}", ROW1.replace(',', ";")).as_bytes());
    assert!(
        matches!(e.kind(), ErrorKind::WrongDelimiter { found: ';' }),
        "{e}"
    );
    assert_eq!(e.info().line, Some(2));
}

#[test]
fn csv_not_utf8_with_line() {
    let mut bytes = format!("{HEADER}{ROW1}").into_bytes();
    bytes.extend_from_slice(b"0221010000330227,206289.487,447359.374,GM0221,woonfunctie,18,2001,Verblijfsobject in gebr\xfcik\n");
    let e = single_error(&bytes);
    assert!(matches!(e.kind(), ErrorKind::NotUtf8), "{e}");
    assert_eq!(e.info().line, Some(3));
    assert_eq!(e.info().field.as_deref(), Some("status"));
}

#[test]
fn csv_missing_columns() {
    let e = single_error(b"id,x,y,gemeente,status\n");
    match e.kind() {
        ErrorKind::MissingColumns(c) => assert_eq!(c, &["gebruiksdoel", "oppervlakte", "bouwjaar"]),
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string()
            .ends_with("adressen.csv:1: missing column(s): gebruiksdoel, oppervlakte, bouwjaar"),
        "{e}"
    );
    assert!(matches!(single_error(b"").kind(), ErrorKind::EmptyFile));
    assert!(matches!(
        single_error(b"id,id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status\n").kind(),
        ErrorKind::DuplicateColumn
    ));
}

#[test]
fn csv_unparsable_numbers() {
    let e = single_error(
        format!(
            "{HEADER}{}",
            ROW1.replace("206335.699", "206335,699")
                .replacen(",GM0221", ",\"GM0221\"", 0)
        )
        .as_bytes(),
    );
    // An unquoted decimal comma shifts the fields: a field count error.
    assert!(
        matches!(
            e.kind(),
            ErrorKind::FieldCount {
                found: 9,
                expected: 8
            }
        ),
        "{e}"
    );
    let e = single_error(
        format!("{HEADER}{}", ROW1.replace("206335.699", "\"206335,699\"")).as_bytes(),
    );
    assert!(e.to_string().contains("decimal point, not a comma"), "{e}");
    assert_eq!(e.info().field.as_deref(), Some("x"));
    let e = single_error(format!("{HEADER}{}", ROW1.replace(",306,", ",306.5,")).as_bytes());
    assert_eq!(e.info().field.as_deref(), Some("oppervlakte"));
    let e = single_error(format!("{HEADER}{}", ROW1.replace(",1932,", ",,")).as_bytes());
    assert_eq!(e.info().field.as_deref(), Some("bouwjaar"));
    let e =
        single_error(format!("{HEADER}{}", ROW1.replace("0221010000330226", "VBO-1")).as_bytes());
    assert_eq!(e.info().field.as_deref(), Some("id"));
}

#[test]
fn csv_outside_the_netherlands() {
    // WGS84 degrees given instead of RD metres.
    let e = single_error(
        format!(
            "{HEADER}{}",
            ROW1.replace("206335.699,447529.842", "5.3872,52.1552")
        )
        .as_bytes(),
    );
    assert!(
        matches!(e.kind(), ErrorKind::OutsideNetherlands { .. }),
        "{e}"
    );
    assert_eq!(
        (e.info().line, e.info().field.as_deref()),
        (Some(2), Some("x,y"))
    );
}

#[test]
fn csv_duplicate_ids() {
    let e = single_error(format!("{HEADER}{ROW1}{ROW2}{ROW1}").as_bytes());
    match e.kind() {
        ErrorKind::DuplicateId { id, first_line } => {
            assert_eq!((id.as_str(), *first_line), ("0221010000330226", 2))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.info().line, Some(4));
}

#[test]
fn csv_reports_every_bad_row() {
    let mut content = String::from(HEADER);
    for i in 0..60 {
        content.push_str(&format!("{:016},1,2,GM0221,woonfunctie,1,2000,x\n", i));
    }
    let (rows, errors) = csv_errors(content.as_bytes());
    assert!(rows.is_empty());
    assert_eq!(errors.len(), ErrorBudget::DEFAULT_LIMIT);
    let path_ok = errors
        .iter()
        .all(|e| Path::new(&e.info().file).ends_with("adressen.csv"));
    assert!(path_ok);
}
