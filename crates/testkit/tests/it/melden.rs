//! Public reporting over HTTP: the anonymous form (address search, map pin,
//! photos, contact details only by choice), validation messages per field in
//! Dutch, places outside the Netherlands refused, photo metadata stripped,
//! the follow-up with meldcode and secret, cross-site posts refused, and the
//! no-trace test against the real binary with a file database and its logs.

use base64::Engine as _;
use bz_store::area::{AddressRow, GemeenteRow};
use bz_testkit::{Client, TestApp};
use reqwest::StatusCode;
use sqlx::Row;

const GM: &str = "GM9902";
const BAG_ID: &str = "0123010000000005";

/// A municipality around RD (150 000–160 000, 440 000–450 000) with one
/// address, Dorpsstraat 5, 1234 AB Meldorp.
async fn setup() -> TestApp {
    let app = TestApp::spawn().await.expect("spawn");
    let mut tx = app.store.begin_write().await.expect("tx");
    bz_store::area::upsert_gemeente(
        &mut tx,
        &GemeenteRow {
            code: GM.into(),
            name: "Meldorp".into(),
            geometry: "[[[[150000,440000],[160000,440000],[160000,450000],[150000,450000],[150000,440000]]]]".into(),
            area_m2: 1e8,
            source: "test".into(),
        },
        0,
    )
    .await
    .expect("gemeente");
    bz_store::area::insert_addresses(
        &mut tx,
        &[AddressRow {
            id: BAG_ID.into(),
            x: 155_000.0,
            y: 445_000.0,
            gemeente_code: GM.into(),
            straat: "Dorpsstraat".into(),
            huisnummer: 5,
            huisletter: None,
            postcode: Some("1234AB".into()),
            woonplaats: "Meldorp".into(),
            gebruiksdoel: "industriefunctie".into(),
            oppervlakte: 800,
            bouwjaar: Some(1965),
            status: "Verblijfsobject in gebruik".into(),
            source: "test".into(),
        }],
        0,
    )
    .await
    .expect("address");
    tx.commit().await.expect("commit");
    app
}

const BOUNDARY: &str = "----bz-melden-test-7f3a";

/// A multipart/form-data body: text fields and files (name, filename, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

async fn post_multipart(
    c: &mut Client,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> bz_testkit::Resp {
    c.post_raw(path, &content_type(), multipart(fields, files))
        .await
        .expect("post")
}

/// The text of the element with this id (`id="x">text<`).
fn by_id(html: &str, id: &str) -> Option<String> {
    let key = format!("id=\"{id}\">");
    let start = html.find(&key)? + key.len();
    let end = html[start..].find('<')?;
    Some(html[start..start + end].to_string())
}

/// Meldcode and secret from the confirmation page.
fn credentials(html: &str) -> (String, String) {
    (
        by_id(html, "meldcode").expect("meldcode on the page"),
        by_id(html, "geheim").expect("secret on the page"),
    )
}

const DESCRIPTION: &str =
    "Sterke zoete geur bij de schuur, ramen afgeplakt, 's nachts ventilatoren.";

#[tokio::test]
async fn anonymous_report_via_the_address_search_with_meldcode_and_follow_up() {
    eprintln!("db: {}", crate::db_label());
    let app = setup().await;
    let mut c = app.client();

    let form = c.get("/melden").await.unwrap();
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Bel dan direct 112"), "112 advice");
    for name in ["Hennepteelt", "Synthetisch drugslab", "Arbeidsuitbuiting"] {
        assert!(form.body.contains(name), "{name}");
    }
    assert!(form.header("set-cookie").is_none(), "no cookie on /melden");
    assert_eq!(form.header("cache-control").as_deref(), Some("no-store"));

    // The address search without JavaScript, and as JSON for the script.
    let found = c.get("/melden?adres=1234+ab+5").await.unwrap();
    assert!(
        found.body.contains("Dorpsstraat 5, 1234 AB Meldorp"),
        "{}",
        found.body
    );
    assert!(found.body.contains(&format!("value=\"{BAG_ID}\" checked")));
    let none = c.get("/melden?adres=9999ZZ+1").await.unwrap();
    assert!(none.body.contains("Geen adres gevonden"));
    let json: serde_json::Value = app
        .client()
        .http
        .get(format!("{}/melden/adressen?q=dorpsstr", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json[0]["id"], BAG_ID);
    let lat = json[0]["lat"].as_f64().unwrap();
    assert!((51.0..53.0).contains(&lat), "{lat}");

    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("bag_id", BAG_ID),
            ("category", "hennepteelt"),
            ("description", DESCRIPTION),
            ("contact", "nee"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.header("set-cookie").is_none());
    let (meldcode, secret) = credentials(&r.body);
    assert!(
        meldcode.starts_with("M-") && meldcode.len() == 11,
        "{meldcode}"
    );
    assert_eq!(secret.len(), 24, "{secret}");
    assert!(r.body.contains("anoniem gemeld"));

    let row = sqlx::query(
        "SELECT id, channel, source, category, state, bag_id, gemeente_code, secret_hash, description, contact_email, contact_purge_at FROM signals WHERE meldcode = $1",
    )
    .bind(meldcode.clone())
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let id: String = row.get("id");
    assert_eq!(row.get::<String, _>("channel"), "publiek");
    assert_eq!(row.get::<String, _>("source"), "publiek");
    assert_eq!(row.get::<String, _>("category"), "hennepteelt");
    assert_eq!(row.get::<String, _>("state"), "nieuw");
    assert_eq!(
        row.get::<Option<String>, _>("bag_id").as_deref(),
        Some(BAG_ID)
    );
    assert_eq!(
        row.get::<Option<String>, _>("gemeente_code").as_deref(),
        Some(GM)
    );
    assert_eq!(row.get::<String, _>("description"), DESCRIPTION);
    let hash: String = row.get("secret_hash");
    assert!(hash.starts_with("sha256v1$"));
    assert!(
        !hash.contains(&secret.replace('-', "")),
        "only a hash is stored"
    );
    assert_eq!(row.get::<Option<String>, _>("contact_email"), None);
    assert_eq!(row.get::<Option<i64>, _>("contact_purge_at"), None);
    let created = app.store.history(&id).await.unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].kind, "created");
    assert_eq!(created[0].actor_kind, "reporter");

    // Follow-up: wrong secret, unknown code and a malformed code give one message.
    let mut other = app.client();
    let wrong_secret = "2222-3333-4444-5555-6666";
    for (code, sec) in [
        (meldcode.as_str(), wrong_secret),
        ("M-2222-3333", secret.as_str()),
        ("niet-een-code", secret.as_str()),
    ] {
        let r = other
            .post_raw(
                "/melden/status",
                "application/x-www-form-urlencoded",
                format!("meldcode={}&geheim={}", urlenc(code), urlenc(sec)),
            )
            .await
            .unwrap();
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body
                .contains("Deze combinatie van meldcode en geheime code kennen we niet"),
            "{code}"
        );
        assert!(!r.body.contains("Ontvangen op"));
    }
    // Right secret, typed in lower case with spaces instead of dashes.
    let typed = secret.to_lowercase().replace('-', " ");
    let r = other
        .post_raw(
            "/melden/status",
            "application/x-www-form-urlencoded",
            format!("meldcode={}&geheim={}", urlenc(&meldcode), urlenc(&typed)),
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Ontvangen op") && r.body.contains("Hennepteelt"));
    assert!(r.body.contains("<strong>Ontvangen</strong>"), "{}", r.body);

    // An officer's note never shows; the reporter's addition does.
    app.store
        .append_history(&bz_store::signal_workflow::NewHistory {
            signal_id: id.clone(),
            at: 1,
            actor: bz_store::signal_workflow::Actor::System,
            kind: "note",
            text: Some("interne notitie".into()),
            data: serde_json::json!({}),
        })
        .await
        .unwrap();
    let addition = "De busjes komen elke dinsdag rond middernacht.";
    let r = post_multipart(
        &mut other,
        "/melden/aanvullen",
        &[
            ("meldcode", &meldcode),
            ("geheim", &secret),
            ("aanvulling", addition),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Uw aanvulling is toegevoegd"));
    assert!(
        r.body.contains(addition),
        "addition visible to the reporter"
    );
    assert!(!r.body.contains("interne notitie"));
    let history = app.store.history(&id).await.unwrap();
    let added = history
        .iter()
        .find(|h| h.kind == "reporter_addition")
        .expect("reporter addition in the history");
    assert_eq!(added.actor_kind, "reporter");
    assert_eq!(added.text.as_deref(), Some(addition));

    // An addition with the wrong secret changes nothing.
    let r = post_multipart(
        &mut other,
        "/melden/aanvullen",
        &[
            ("meldcode", &meldcode),
            ("geheim", wrong_secret),
            ("aanvulling", "poging"),
        ],
        &[],
    )
    .await;
    assert!(
        r.body
            .contains("Deze combinatie van meldcode en geheime code kennen we niet")
    );
    assert_eq!(app.store.history(&id).await.unwrap().len(), history.len());
}

fn urlenc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[tokio::test]
async fn report_with_contact_details_by_choice_and_a_map_pin() {
    let app = setup().await;
    let mut c = app.client();
    let ll = bz_geo::rd_to_wgs84(bz_geo::RdPoint::new(152_000.0, 447_000.0)).unwrap();
    let (lon, lat) = (format!("{:.6}", ll.lon), format!("{:.6}", ll.lat));
    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("lon", &lon),
            ("lat", &lat),
            ("category", "benaderd_door_criminelen"),
            (
                "description",
                "Iemand bood veel contant geld voor het huren van mijn loods.",
            ),
            ("contact", "ja"),
            ("name", "Piet Boer"),
            ("email", "Piet@Boerderij.NL"),
            ("phone", "06 12345678"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (meldcode, _) = credentials(&r.body);
    assert!(r.body.contains("contactgegevens gegeven"));
    let row = sqlx::query(
        "SELECT x, y, bag_id, gemeente_code, contact_name, contact_email, contact_phone, contact_purge_at, received_at FROM signals WHERE meldcode = $1",
    )
    .bind(meldcode)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let (x, y): (f64, f64) = (row.get("x"), row.get("y"));
    assert!(
        (x - 152_000.0).abs() < 1.0 && (y - 447_000.0).abs() < 1.0,
        "{x} {y}"
    );
    assert_eq!(row.get::<Option<String>, _>("bag_id"), None);
    assert_eq!(
        row.get::<Option<String>, _>("gemeente_code").as_deref(),
        Some(GM)
    );
    assert_eq!(
        row.get::<Option<String>, _>("contact_name").as_deref(),
        Some("Piet Boer")
    );
    assert_eq!(
        row.get::<Option<String>, _>("contact_email").as_deref(),
        Some("Piet@boerderij.nl")
    );
    assert_eq!(
        row.get::<Option<String>, _>("contact_phone").as_deref(),
        Some("+31612345678")
    );
    let received: i64 = row.get("received_at");
    assert_eq!(
        row.get::<Option<i64>, _>("contact_purge_at"),
        Some(received + bz_store::signal_reports::CONTACT_RETENTION_SECS)
    );
}

#[tokio::test]
async fn validation_errors_are_named_per_field_in_dutch_and_nothing_is_stored() {
    let app = setup().await;
    let mut c = app.client();
    let r = post_multipart(
        &mut c,
        "/melden",
        &[("contact", "nee"), ("description", "kort")],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "Kies waar uw melding over gaat.",
        "Schrijf iets meer, minimaal 10 tekens.",
        "Geef aan waar het is: zoek een adres of zet een punt op de kaart.",
    ] {
        assert!(r.body.contains(msg), "{msg}: {}", r.body);
    }
    assert!(r.body.contains("id=\"category-error\""));
    assert!(r.body.contains("id=\"description-error\""));
    assert!(r.body.contains("id=\"location-error\""));
    assert!(r.body.contains(">kort</textarea>"), "entered text is kept");

    // Contact details without the choice, a bad e-mail address, an unknown address.
    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("bag_id", "0123010000009999"),
            ("category", "overig"),
            ("description", DESCRIPTION),
            ("contact", "nee"),
            ("email", "piet@boerderij.nl"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("niet gekozen om ze te geven"), "{}", r.body);
    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("bag_id", "0123010000009999"),
            ("category", "overig"),
            ("description", DESCRIPTION),
            ("contact", "ja"),
            ("email", "geen-adres"),
        ],
        &[],
    )
    .await;
    assert!(
        r.body.contains("Dit is geen geldig e-mailadres"),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"email-error\""));
    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("bag_id", "0123010000009999"),
            ("category", "overig"),
            ("description", DESCRIPTION),
            ("contact", "nee"),
        ],
        &[],
    )
    .await;
    assert!(r.body.contains("Dit adres kennen we niet"), "{}", r.body);

    // A place outside the Netherlands (Münster, Germany) is refused.
    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("lon", "7.6261"),
            ("lat", "51.9607"),
            ("category", "drugsafval"),
            ("description", DESCRIPTION),
            ("contact", "nee"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Deze plek ligt buiten Nederland"),
        "{}",
        r.body
    );

    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM signals")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(n, 0, "no refused report is stored");
}

/// A TIFF block with a GPS IFD (52°22'N 4°53'E) and the camera owner.
fn exif_with_gps() -> Vec<u8> {
    let mut t = b"Exif\0\0II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0: Artist (0x013B) ASCII, GPSInfo (0x8825) LONG.
    let artist = b"Jan Jansen camera\0";
    let ifd0_len = 2 + 2 * 12 + 4;
    let gps_at = 8 + ifd0_len;
    let gps_len = 2 + 2 * 12 + 4;
    let data_at = gps_at + gps_len;
    let tiff = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    t.extend_from_slice(&2u16.to_le_bytes());
    tiff(&mut t, 0x013B, 2, artist.len() as u32, data_at as u32);
    tiff(&mut t, 0x8825, 4, 1, gps_at as u32);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    tiff(&mut t, 1, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    tiff(&mut t, 2, 5, 3, (data_at + artist.len()) as u32);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(artist);
    for (num, den) in [(52u32, 1u32), (22, 1), (0, 1)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    t
}

/// A 32×16 JPEG with EXIF (GPS, artist) and a comment.
fn jpeg_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 16, |x, y| {
        image::Rgb([(x * 8) as u8, (y * 16) as u8, 90])
    });
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut plain, 90,
        ))
        .unwrap();
    let app1 = exif_with_gps();
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    let comment = b"gemaakt door Jan Jansen";
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(comment);
    out.extend_from_slice(&plain[2..]);
    out
}

#[tokio::test]
async fn photos_are_stored_without_exif_and_non_images_are_refused() {
    let app = setup().await;
    let mut c = app.client();
    let jpeg = jpeg_with_exif();
    assert!(jpeg.windows(4).any(|w| w == b"Exif") && jpeg.windows(10).any(|w| w == b"Jan Jansen"));

    // A text file named .jpg is refused by its content.
    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("bag_id", BAG_ID),
            ("category", "drugsafval"),
            ("description", DESCRIPTION),
            ("contact", "nee"),
        ],
        &[("foto", "vaten.jpg", b"dit is geen foto")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Foto 1: Dit bestand is geen foto"),
        "{}",
        r.body
    );

    // A photo over the size limit is refused with the limit named.
    let mut big = vec![0u8; bz_web::pages::melden::PHOTO_MAX_BYTES + 1];
    big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("bag_id", BAG_ID),
            ("category", "drugsafval"),
            ("description", DESCRIPTION),
            ("contact", "nee"),
        ],
        &[("foto", "groot.jpg", &big)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Foto 1: De foto is te groot. Een foto mag maximaal 10 MB zijn."),
        "{}",
        r.body
    );

    let r = post_multipart(
        &mut c,
        "/melden",
        &[
            ("bag_id", BAG_ID),
            ("category", "drugsafval"),
            ("description", DESCRIPTION),
            ("contact", "nee"),
        ],
        &[("foto", "IMG_0001 Jan Jansen.jpg", &jpeg)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (meldcode, secret) = credentials(&r.body);
    let id: String = sqlx::query("SELECT id FROM signals WHERE meldcode = $1")
        .bind(meldcode.clone())
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get("id");
    let stored = sqlx::query(
        "SELECT file_name, content_type, content_base64, added_by_kind FROM signal_attachments WHERE signal_id = $1",
    )
    .bind(id.clone())
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(stored.len(), 1);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(stored[0].get::<String, _>("content_base64"))
        .unwrap();
    assert_eq!(stored[0].get::<String, _>("content_type"), "image/jpeg");
    assert_eq!(stored[0].get::<String, _>("added_by_kind"), "reporter");
    let name: Option<String> = stored[0].get("file_name");
    assert!(
        !name.unwrap_or_default().contains("Jansen"),
        "the original file name is not kept"
    );
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    for needle in [&b"Exif"[..], b"Jan Jansen", b"GPS"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{:?} left in the stored photo",
            String::from_utf8_lossy(needle)
        );
    }
    let back = image::load_from_memory(&bytes).unwrap();
    assert_eq!((back.width(), back.height()), (32, 16));

    // A photo added later goes the same way.
    let r = post_multipart(
        &mut c,
        "/melden/aanvullen",
        &[
            ("meldcode", &meldcode),
            ("geheim", &secret),
            ("aanvulling", ""),
        ],
        &[("foto", "later.jpg", &jpeg)],
    )
    .await;
    assert!(r.body.contains("Uw aanvulling is toegevoegd"), "{}", r.body);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM signal_attachments WHERE signal_id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(n, 2);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = setup().await;
    let body = multipart(
        &[
            ("bag_id", BAG_ID),
            ("category", "overig"),
            ("description", DESCRIPTION),
            ("contact", "nee"),
        ],
        &[],
    );
    for (h, v) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let r = app
            .client()
            .http
            .post(format!("{}/melden", app.base))
            .header("content-type", content_type())
            .header(h, v)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{h}");
    }
    let r = app
        .client()
        .http
        .post(format!("{}/melden", app.base))
        .header("content-type", content_type())
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM signals")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(n, 1, "only the same-origin post is stored");
}

/// The `buitenzicht` binary next to this test binary (target/debug), built
/// first when it is missing or older than the test; `BZ_BIN` overrides.
fn binary() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("BZ_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target directory");
    let bin = dir.join("buitenzicht");
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    // Missing, or older than this test binary (the code may have changed since).
    if modified(&bin).is_none() || modified(&bin) < modified(&exe) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-p", "buitenzicht"])
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build -p buitenzicht failed");
    }
    bin
}

/// Every stored row of every table as text (PostgreSQL).
async fn postgres_dump(url: &str) -> String {
    let store = bz_store::Store::connect(url).await.unwrap();
    let tables = sqlx::query(
        "SELECT CAST(table_name AS TEXT) AS t FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut out = String::new();
    for t in tables {
        let name: String = t.get("t");
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            // A row alias no table has as a column name (signals has a column `x`).
            "SELECT CAST(whole_row AS TEXT) AS r FROM \"{name}\" whole_row"
        )))
        .fetch_all(store.pool())
        .await
        .unwrap();
        for r in rows {
            out.push_str(&r.get::<String, _>("r"));
            out.push('\n');
        }
    }
    store.close().await;
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.windows(n.len()).any(|w| w == n)
}

/// The no-trace test: the real binary with a file database and all its logs
/// at the most verbose level; a report, a status lookup and an addition from
/// 127.0.0.2 with a distinctive User-Agent; then neither the address nor the
/// agent may be found in the database files (including the WAL) or the logs.
#[tokio::test]
async fn no_trace_of_the_reporter_in_database_or_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, url) = bz_testkit::fresh_database_url(tmp.path()).await.unwrap();
    let log_path = tmp.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = std::process::Command::new(binary())
        .args([
            "--data-dir",
            tmp.path().to_str().unwrap(),
            "--database",
            &url,
            "--log",
            "trace",
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start buitenzicht");
    let base = format!("http://127.0.0.1:{port}");

    const AGENT: &str = "Mozilla/5.0 (NoTrace-Probe-8d3b1f; Meldorp) Gecko/20260101";
    const CLIENT: &str = "127.0.0.2";
    let http = reqwest::Client::builder()
        .local_address(CLIENT.parse::<std::net::IpAddr>().unwrap())
        .user_agent(AGENT)
        .build()
        .unwrap();
    let mut up = false;
    for _ in 0..150 {
        if http
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        up,
        "server did not start: {}",
        std::fs::read_to_string(&log_path).unwrap_or_default()
    );

    let ll = bz_geo::rd_to_wgs84(bz_geo::RdPoint::new(155_000.0, 463_000.0)).unwrap();
    let (lon, lat) = (format!("{:.6}", ll.lon), format!("{:.6}", ll.lat));
    let description = "Geen-spoor-proef: vaten in de sloot achter de loods.";
    assert_eq!(
        http.get(format!("{base}/melden"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let r = http
        .post(format!("{base}/melden"))
        .header("content-type", content_type())
        .header("x-forwarded-for", "198.51.100.77")
        .body(multipart(
            &[
                ("lon", &lon),
                ("lat", &lat),
                ("category", "drugsafval"),
                ("description", description),
                ("contact", "nee"),
            ],
            &[],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (meldcode, secret) = credentials(&r.text().await.unwrap());
    let r = http
        .post(format!("{base}/melden/status"))
        .form(&[("meldcode", meldcode.as_str()), ("geheim", secret.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Ontvangen op"));
    let r = http
        .post(format!("{base}/melden/aanvullen"))
        .header("content-type", content_type())
        .body(multipart(
            &[
                ("meldcode", &meldcode),
                ("geheim", &secret),
                ("aanvulling", "Aanvulling van de geen-spoor-proef."),
            ],
            &[],
        ))
        .send()
        .await
        .unwrap();
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Uw aanvulling is toegevoegd")
    );
    // Other routes and error paths must not log the client either: a 404,
    // a static file, a redirect to the login, a failed login, a refused
    // cross-site post.
    for path in [
        "/melden/bestaat-niet",
        "/static/app.css",
        "/kaart",
        "/login",
    ] {
        let _ = http.get(format!("{base}{path}")).send().await;
    }
    let _ = http
        .post(format!("{base}/login"))
        .form(&[("username", "niemand"), ("password", "fout wachtwoord")])
        .send()
        .await;
    let r = http
        .post(format!("{base}/melden"))
        .header("sec-fetch-site", "cross-site")
        .header("content-type", content_type())
        .body(multipart(&[("category", "overig")], &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    child.kill().expect("stop server");
    let _ = child.wait();

    let logs = std::fs::read(&log_path).unwrap();
    assert!(
        contains(&logs, "serving on"),
        "the log file holds the server's output"
    );
    let mut stored: Vec<(String, Vec<u8>)> = Vec::new();
    match db {
        bz_testkit::Db::Sqlite => {
            for e in std::fs::read_dir(tmp.path()).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with("test.db") {
                    stored.push((name, std::fs::read(e.path()).unwrap()));
                }
            }
            assert!(
                stored.iter().any(|(n, _)| n == "test.db-wal"),
                "WAL searched too"
            );
        }
        bz_testkit::Db::Postgres => {
            stored.push((
                "postgres rows".into(),
                postgres_dump(&url).await.into_bytes(),
            ));
        }
    }
    // Positive control: the report itself is found where we search.
    assert!(
        stored.iter().any(|(_, b)| contains(b, &meldcode)),
        "the meldcode is in the database files"
    );
    assert!(stored.iter().any(|(_, b)| contains(b, "Geen-spoor-proef")));
    for (what, bytes) in stored.iter().chain([&("server log".to_string(), logs)]) {
        for needle in [CLIENT, AGENT, "NoTrace-Probe-8d3b1f", "198.51.100.77"] {
            assert!(!contains(bytes, needle), "{needle:?} found in {what}");
        }
    }
}

#[tokio::test]
async fn the_throttle_refuses_a_flood_from_one_client_with_a_plain_message() {
    let app = TestApp::spawn_with(bz_web::WebConfig {
        anonymous_throttle: Some(bz_signals::throttle::ThrottleConfig {
            max_per_window: 2,
            ..Default::default()
        }),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut c = app.client();
    let lookup = "meldcode=M-2222-3333&geheim=2222-3333-4444-5555-6666";
    for _ in 0..2 {
        let r = c
            .post_raw(
                "/melden/status",
                "application/x-www-form-urlencoded",
                lookup,
            )
            .await
            .unwrap();
        assert_eq!(r.status, StatusCode::OK);
    }
    let r = c
        .post_raw(
            "/melden/status",
            "application/x-www-form-urlencoded",
            lookup,
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body.contains("Probeer het over 10 minuten opnieuw"),
        "{}",
        r.body
    );
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((590..=600).contains(&retry), "{retry}");
    // Reading the form is never limited.
    assert_eq!(c.get("/melden").await.unwrap().status, StatusCode::OK);
}

/// A short smoke variant of `buitenzicht bench melden-crash`: one round of
/// concurrent reports against the real binary, SIGKILL while they run, and
/// every acknowledged meldcode must be stored in an intact database.
#[tokio::test]
async fn acknowledged_reports_survive_a_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, url) = bz_testkit::fresh_database_url(tmp.path()).await.unwrap();
    let config = tmp.path().join("buitenzicht.toml");
    std::fs::write(&config, "anonymous_limit = 0\n").unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = std::process::Command::new(binary())
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(tmp.path())
        .args(["--database", &url, "--log", "warn", "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start buitenzicht");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..150 {
        if http
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "server did not start");
    let ll = bz_geo::rd_to_wgs84(bz_geo::RdPoint::new(155_000.0, 463_000.0)).unwrap();
    let (lon, lat) = (format!("{:.6}", ll.lon), format!("{:.6}", ll.lat));
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for c in 0..8 {
        let (http, base, acked) = (http.clone(), base.clone(), acked.clone());
        let body = multipart(
            &[
                ("lon", &lon),
                ("lat", &lat),
                ("category", "overig"),
                (
                    "description",
                    &format!("Crashproef van client {c}, een melding."),
                ),
                ("contact", "nee"),
            ],
            &[],
        );
        tasks.push(tokio::spawn(async move {
            for _ in 0..10_000 {
                let Ok(r) = http
                    .post(format!("{base}/melden"))
                    .header("content-type", content_type())
                    .body(body.clone())
                    .send()
                    .await
                else {
                    break;
                };
                let Ok(text) = r.text().await else { break };
                if let Some(m) = by_id(&text, "meldcode") {
                    acked.lock().unwrap().push(m);
                }
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    for t in tasks {
        let _ = t.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 10,
        "reports were acknowledged before the kill"
    );
    let store = bz_store::Store::connect(&url).await.unwrap();
    let found = store.stored_meldcodes(&acked).await.unwrap();
    assert_eq!(
        found.len(),
        acked.len(),
        "every acknowledged report is stored"
    );
    let integrity = store.integrity_check().await.unwrap();
    assert!(integrity.starts_with("ok"), "{integrity}");
    store.close().await;
}

#[tokio::test]
async fn a_merged_report_shows_the_state_of_the_signal_it_was_merged_into() {
    let app = setup().await;
    let mut c = app.client();
    let mut codes = Vec::new();
    for _ in 0..2 {
        let r = post_multipart(
            &mut c,
            "/melden",
            &[
                ("bag_id", BAG_ID),
                ("category", "hennepteelt"),
                ("description", DESCRIPTION),
                ("contact", "nee"),
            ],
            &[],
        )
        .await;
        codes.push(credentials(&r.body));
    }
    let id_of = |m: String| {
        let pool = app.store.pool().clone();
        async move {
            sqlx::query("SELECT id FROM signals WHERE meldcode = $1")
                .bind(m)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get::<String, _>("id")
        }
    };
    let surviving = id_of(codes[0].0.clone()).await;
    let absorbed = id_of(codes[1].0.clone()).await;
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::signal_workflow::merge(&mut tx, &surviving, &absorbed, ("u1", "Intake"), 10)
        .await
        .unwrap();
    sqlx::query("UPDATE signals SET state = 'in_behandeling' WHERE id = $1")
        .bind(surviving)
        .execute(tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (meldcode, secret) = &codes[1];
    let r = c
        .post_raw(
            "/melden/status",
            "application/x-www-form-urlencoded",
            format!("meldcode={}&geheim={}", urlenc(meldcode), urlenc(secret)),
        )
        .await
        .unwrap();
    assert!(
        r.body.contains("<strong>In behandeling</strong>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("samengevoegd met een andere melding"));
}
