//! Public reporting (`/melden`): the anonymous form, the confirmation with
//! meldcode and secret, and the reporter's follow-up (`/melden/status`).
//!
//! Nothing that identifies the reporter is stored or logged: the guard loads
//! no session for the posts (`Action::SubmitAnonymous`), the pages are
//! rendered without the account of a logged-in visitor, no cookie is set, and
//! the throttle keeps only keyed hashes of client addresses in memory under a
//! key that rotates every hour (`bz_signals::throttle`). Validation is
//! `bz_signals::submission`; photos are decoded and re-encoded without any
//! metadata by `bz_signals::photo` before they reach the database.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::pages::{FieldError, error_for};
use askama::Template;
use axum::Json;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Extension, FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use bz_signals::Category;
use bz_signals::meldcode::{Meldcode, NewCredentials, SecretHash};
use bz_signals::photo::{self, CleanPhoto, PhotoLimits};
use bz_signals::submission::{
    self, ContactInput, Field, LocationInput, NewPublicSignal, PointInput,
};
use bz_signals::throttle::{AnonymousThrottle, Decision, ThrottleConfig};
use bz_store::signal_reports::{
    AddressHit, AddressQuery, GroupCommit, NewPublicReport, ReportContact, ReportPhoto,
    ReporterAddition, ReporterView,
};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock};

/// Largest request body of the public forms: the photos plus the fields.
pub const MAX_BODY_BYTES: usize = photo::MAX_PHOTOS_PER_SIGNAL * PHOTO_MAX_BYTES + 256 * 1024;
/// Largest photo accepted.
pub const PHOTO_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Largest text field of the form (the description is at most 5000 characters).
const MAX_TEXT_FIELD: usize = 64 * 1024;
/// Addresses shown for one search.
const SEARCH_LIMIT: i64 = 20;

/// The state of public reporting, part of the application state.
pub struct MeldenState {
    writer: OnceLock<GroupCommit>,
    throttle: Option<Mutex<AnonymousThrottle>>,
    locator: tokio::sync::Mutex<Option<(i64, Arc<Locator>)>>,
    /// The workflow's initial state (data a beheerder may change), cached.
    initial_state: tokio::sync::Mutex<Option<(i64, String)>>,
}

impl MeldenState {
    /// `throttle`: `None` turns the per-client limit off (the benchmark,
    /// whose 64 clients share one address).
    pub fn new(throttle: Option<ThrottleConfig>) -> MeldenState {
        MeldenState {
            writer: OnceLock::new(),
            throttle: throttle.map(|c| Mutex::new(AnonymousThrottle::new(c))),
            locator: tokio::sync::Mutex::new(None),
            initial_state: tokio::sync::Mutex::new(None),
        }
    }

    fn writer(&self, st: &AppState) -> &GroupCommit {
        self.writer
            .get_or_init(|| GroupCommit::start(st.store.clone()))
    }

    /// Whether this client may post now. The address is used for a keyed
    /// hash in memory only and then forgotten.
    fn allow(&self, client: Option<IpAddr>, now: i64) -> Result<(), u64> {
        let (Some(t), Some(addr)) = (&self.throttle, client) else {
            return Ok(());
        };
        let mut t = t.lock().unwrap_or_else(|p| p.into_inner());
        match t.check(addr, u64::try_from(now).unwrap_or(0)) {
            Decision::Allow => Ok(()),
            Decision::Deny { retry_after_secs } => Err(retry_after_secs),
        }
    }
}

/// The client for the throttle: the peer address, or behind a reverse proxy
/// on this machine the last address it added to `X-Forwarded-For`.
fn client_addr(req: &Request) -> Option<IpAddr> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if peer.is_loopback()
        && let Some(fwd) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(last) = fwd.rsplit(',').next()
        && let Ok(addr) = last.trim().parse::<IpAddr>()
    {
        return Some(addr);
    }
    Some(peer)
}

/// Which municipality covers a point, from the imported boundaries.
struct Locator {
    gemeenten: Vec<(String, bz_geo::MultiPolygon)>,
}

impl Locator {
    fn find(&self, p: bz_geo::RdPoint) -> Option<String> {
        self.gemeenten
            .iter()
            .find(|(_, mp)| mp.covers(p))
            .map(|(c, _)| c.clone())
    }
}

/// Boundaries are read again at most once a minute.
const LOCATOR_TTL_SECS: i64 = 60;

async fn locator(st: &AppState) -> Result<Arc<Locator>, AppError> {
    let now = st.clock.now();
    let mut slot = st.melden.locator.lock().await;
    if let Some((at, l)) = slot.as_ref()
        && now - at < LOCATOR_TTL_SECS
    {
        return Ok(l.clone());
    }
    let mut ms = Vec::new();
    for (code, geometry) in st.store.gemeente_geometries().await? {
        let polygons = bz_geo::stored_polygons(&geometry)
            .map_err(|e| AppError::Internal(format!("boundary of {code}: {e}")))?;
        ms.push(bz_scan::Municipality {
            statcode: code,
            statnaam: String::new(),
            polygons,
        });
    }
    let polys = bz_scan::municipality_polygons(&ms);
    let gemeenten = ms
        .into_iter()
        .zip(polys)
        .filter_map(|(m, p)| p.map(|p| (m.statcode, p)))
        .collect();
    let l = Arc::new(Locator { gemeenten });
    *slot = Some((now, l.clone()));
    Ok(l)
}

/// The state a new signal starts in, from the workflow as configured
/// (read again at most once a minute).
async fn initial_state(st: &AppState) -> Result<String, AppError> {
    let now = st.clock.now();
    let mut slot = st.melden.initial_state.lock().await;
    if let Some((at, code)) = slot.as_ref()
        && now - at < LOCATOR_TTL_SECS
    {
        return Ok(code.clone());
    }
    let wf = st.store.workflow().await?;
    let code = wf
        .initial()
        .ok_or_else(|| AppError::Internal("the workflow has no initial state".into()))?
        .code
        .as_str()
        .to_string();
    *slot = Some((now, code.clone()));
    Ok(code)
}

/// The request context without the account of a logged-in visitor: the
/// public pages look the same for everyone and link nothing to an account.
fn anonymous(ctx: &Ctx) -> Ctx {
    Ctx {
        session: None,
        subject: None,
        display_name: None,
        org_name: None,
        ..ctx.clone()
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn render(t: &impl Template, status: StatusCode) -> Result<Response, AppError> {
    Ok(no_store((status, Html(t.render()?)).into_response()))
}

/// A category with its texts, for the form.
pub struct CategoryOption {
    pub code: &'static str,
    pub name: &'static str,
    pub explanation: &'static str,
    pub checked: bool,
}

fn categories(lang: Lang, chosen: &str) -> Vec<CategoryOption> {
    Category::ALL
        .iter()
        .map(|c| CategoryOption {
            code: c.as_str(),
            name: match lang {
                Lang::Nl => c.name_nl(),
                Lang::En => c.name_en(),
            },
            explanation: match lang {
                Lang::Nl => c.explanation_nl(),
                Lang::En => c.explanation_en(),
            },
            checked: c.as_str() == chosen,
        })
        .collect()
}

fn emergency(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => bz_signals::category::EMERGENCY_ADVICE_NL,
        Lang::En => bz_signals::category::EMERGENCY_ADVICE_EN,
    }
}

/// An address offered as the location.
pub struct AddressOption {
    pub id: String,
    pub label: String,
    pub checked: bool,
}

/// What the reporter filled in (kept when the form comes back with errors).
#[derive(Default, Clone)]
pub struct Entered {
    pub category: String,
    pub description: String,
    pub bag_id: String,
    pub lon: String,
    pub lat: String,
    pub contact: bool,
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "melden.html")]
struct FormPage {
    page: PageCtx,
    emergency: &'static str,
    categories: Vec<CategoryOption>,
    q: String,
    searched: bool,
    addresses: Vec<AddressOption>,
    entered: Entered,
    errors: Vec<FieldError>,
    notice: Option<String>,
    photo_hint: String,
}

impl FormPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
pub struct FormQuery {
    #[serde(default)]
    adres: Option<String>,
}

/// `GET /melden`: the form; with `?adres=` the address search results
/// (works without JavaScript).
pub async fn form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<FormQuery>,
) -> Result<Response, AppError> {
    let ctx = anonymous(&ctx);
    let query = q.adres.unwrap_or_default();
    let (searched, addresses) = if query.trim().is_empty() {
        (false, Vec::new())
    } else {
        let hits = search(&st, &query).await?;
        let single = hits.len() == 1;
        (
            true,
            hits.into_iter()
                .map(|h| AddressOption {
                    label: h.label(),
                    id: h.id,
                    checked: single,
                })
                .collect(),
        )
    };
    let page = form_page(
        &ctx,
        query,
        searched,
        addresses,
        Entered::default(),
        Vec::new(),
        None,
    );
    render(&page, StatusCode::OK)
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    ctx: &Ctx,
    q: String,
    searched: bool,
    addresses: Vec<AddressOption>,
    entered: Entered,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> FormPage {
    FormPage {
        page: ctx.page("melden.title"),
        emergency: emergency(ctx.lang),
        categories: categories(ctx.lang, &entered.category),
        q,
        searched,
        addresses,
        entered,
        errors,
        notice,
        photo_hint: photo_hint(ctx.lang),
    }
}

fn photo_hint(lang: Lang) -> String {
    i18n::tr_args(
        lang,
        "melden.photos_hint",
        &[
            ("max", &photo::MAX_PHOTOS_PER_SIGNAL.to_string()),
            ("mb", &(PHOTO_MAX_BYTES / (1024 * 1024)).to_string()),
        ],
    )
}

/// Parse what the reporter typed into an address search.
pub fn parse_address_query(input: &str) -> Option<AddressQuery> {
    let s: String = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() || s.len() > 120 {
        return None;
    }
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let b = compact.as_bytes();
    if b.len() >= 6
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[0] != b'0'
        && b[4..6].iter().all(u8::is_ascii_alphabetic)
    {
        let postcode = compact[..6].to_ascii_uppercase();
        let rest = compact[6..].trim_start_matches(['-', ',']);
        let huisnummer = if rest.is_empty() {
            None
        } else {
            Some(leading_number(rest)?)
        };
        return Some(AddressQuery::Postcode {
            postcode,
            huisnummer,
        });
    }
    // "Straatnaam 12", "Straatnaam 12a" or just "Straatnaam".
    let (street, huisnummer) = match s.rsplit_once(' ') {
        Some((street, last)) if last.starts_with(|c: char| c.is_ascii_digit()) => (
            street.trim_end_matches(',').trim(),
            Some(leading_number(last)?),
        ),
        _ => (s.trim(), None),
    };
    if street.chars().count() < 2 || street.chars().any(char::is_control) {
        return None;
    }
    Some(AddressQuery::Street {
        street: street.to_string(),
        huisnummer,
    })
}

fn leading_number(s: &str) -> Option<i64> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|n| (1..=99_999).contains(n))
}

async fn search(st: &AppState, q: &str) -> Result<Vec<AddressHit>, AppError> {
    match parse_address_query(q) {
        Some(query) => Ok(st.store.search_addresses(&query, SEARCH_LIMIT).await?),
        None => Ok(Vec::new()),
    }
}

/// An address as the search endpoint returns it (WGS84 for the map).
#[derive(Serialize)]
pub struct AddressJson {
    id: String,
    label: String,
    lon: f64,
    lat: f64,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /melden/adressen?q=`: the address search for the form's script.
pub async fn addresses(
    State(st): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let hits = search(&st, &q.q).await?;
    let out: Vec<AddressJson> = hits
        .into_iter()
        .filter_map(|h| {
            let ll = bz_geo::rd_to_wgs84(bz_geo::RdPoint { x: h.x, y: h.y }).ok()?;
            Some(AddressJson {
                label: h.label(),
                id: h.id,
                lon: (ll.lon * 1e6).round() / 1e6,
                lat: (ll.lat * 1e6).round() / 1e6,
            })
        })
        .collect();
    Ok(Json(out).into_response())
}

/// `GET /melden/gemeenten.geojson`: the outlines of the imported
/// municipalities in WGS84, so that the pin map shows where one is (public
/// CBS boundaries; no base map from elsewhere).
pub async fn outlines(State(st): State<AppState>) -> Result<Response, AppError> {
    let mut features = Vec::new();
    for (code, geometry) in st.store.gemeente_geometries().await? {
        let polygons = bz_geo::stored_polygons(&geometry)
            .map_err(|e| AppError::Internal(format!("boundary of {code}: {e}")))?;
        let mut coords = Vec::new();
        for rings in polygons {
            let mut out_rings = Vec::new();
            for ring in rings {
                let mut pts = Vec::with_capacity(ring.len());
                for p in ring {
                    let ll = bz_geo::rd_to_wgs84(bz_geo::RdPoint { x: p[0], y: p[1] })
                        .map_err(|e| AppError::Internal(format!("boundary of {code}: {e}")))?;
                    pts.push([(ll.lon * 1e5).round() / 1e5, (ll.lat * 1e5).round() / 1e5]);
                }
                out_rings.push(pts);
            }
            coords.push(out_rings);
        }
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": { "code": code },
            "geometry": { "type": "MultiPolygon", "coordinates": coords },
        }));
    }
    let mut r = Json(serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
    }))
    .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(r)
}

/// The fields of a multipart post, with the photos already cleaned.
#[derive(Default)]
struct Posted {
    fields: Vec<(String, String)>,
    photos: Vec<CleanPhoto>,
    photo_errors: Vec<String>,
}

impl Posted {
    fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// Read a multipart form: text fields (bounded) and photos (each cleaned
/// of all metadata; empty file inputs are skipped).
async fn read_multipart(st: &AppState, lang: Lang, req: Request) -> Result<Posted, AppError> {
    let bad = |_| AppError::BadRequest(i18n::tr(lang, "melden.bad_form"));
    let mut mp = Multipart::from_request(req, st).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::BadRequest(i18n::tr(lang, "error.413.text"))
        } else {
            AppError::BadRequest(i18n::tr(lang, "melden.bad_form"))
        }
    })?;
    let mut out = Posted::default();
    let limits = PhotoLimits {
        max_bytes: PHOTO_MAX_BYTES,
        ..PhotoLimits::default()
    };
    let mut raw_photos = Vec::new();
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let cap = if is_file {
            PHOTO_MAX_BYTES + 1
        } else {
            MAX_TEXT_FIELD
        };
        let mut buf = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if too_large {
                continue; // read past the rest of a refused photo
            }
            if buf.len() + chunk.len() > cap {
                if !is_file {
                    return Err(AppError::BadRequest(i18n::tr(lang, "melden.bad_form")));
                }
                too_large = true;
                buf = Vec::new();
                continue;
            }
            buf.extend_from_slice(&chunk);
        }
        if name == "foto" && is_file {
            if too_large {
                raw_photos.push(None);
            } else if !buf.is_empty() {
                raw_photos.push(Some(buf));
            }
        } else if !is_file {
            let text = String::from_utf8(buf)
                .map_err(|_| AppError::BadRequest(i18n::tr(lang, "melden.bad_form")))?;
            out.fields.push((name, text));
        }
    }
    if raw_photos.len() > photo::MAX_PHOTOS_PER_SIGNAL {
        out.photo_errors.push(i18n::tr_args(
            lang,
            "melden.too_many_photos",
            &[("max", &photo::MAX_PHOTOS_PER_SIGNAL.to_string())],
        ));
        return Ok(out);
    }
    // Decoding is CPU work: off the async threads.
    let cleaned = tokio::task::spawn_blocking(move || {
        raw_photos
            .iter()
            .map(|b| match b {
                Some(b) => photo::clean_photo(b, &limits),
                None => Err(photo::PhotoError::TooLarge {
                    max_bytes: limits.max_bytes,
                }),
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| AppError::Internal(format!("photo task: {e}")))?;
    for (i, r) in cleaned.into_iter().enumerate() {
        match r {
            Ok(p) => out.photos.push(p),
            Err(e) => {
                let msg = match lang {
                    Lang::Nl => e.message_nl(),
                    Lang::En => e.message_en(),
                };
                out.photo_errors.push(i18n::tr_args(
                    lang,
                    "melden.photo_error",
                    &[("n", &(i + 1).to_string()), ("reason", &msg)],
                ));
            }
        }
    }
    Ok(out)
}

fn field_message(lang: Lang, e: &submission::FieldError) -> FieldError {
    FieldError {
        field: e.field.as_str().into(),
        message: match lang {
            Lang::Nl => e.message_nl(),
            Lang::En => e.message_en(),
        },
    }
}

/// Cleaned photos as stored; the file name says only which photo it was.
fn report_photos(photos: &[CleanPhoto]) -> Vec<ReportPhoto> {
    photos
        .iter()
        .enumerate()
        .map(|(i, p)| ReportPhoto {
            content_type: p.format.content_type().to_string(),
            file_name: format!("foto-{}.{}", i + 1, p.format.extension()),
            bytes: p.bytes.clone(),
        })
        .collect()
}

fn parse_coordinate(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    s.replace(',', ".").parse::<f64>().ok()
}

fn too_many(ctx: &Ctx, retry_after: u64) -> Result<Response, AppError> {
    let minutes = retry_after.div_ceil(60).max(1);
    let page = form_page(
        ctx,
        String::new(),
        false,
        Vec::new(),
        Entered::default(),
        Vec::new(),
        Some(i18n::tr_args(
            ctx.lang,
            "melden.throttled",
            &[("minutes", &minutes.to_string())],
        )),
    );
    let mut r = render(&page, StatusCode::TOO_MANY_REQUESTS)?;
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(r)
}

#[derive(Template)]
#[template(path = "melden_ontvangen.html")]
struct ReceivedPage {
    page: PageCtx,
    meldcode: String,
    secret: String,
    contact: bool,
    photos: usize,
}

/// `POST /melden`: validate, store durably, show meldcode and secret once.
pub async fn submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    req: Request,
) -> Result<Response, AppError> {
    let ctx = anonymous(&ctx);
    let now = st.clock.now();
    if let Err(retry) = st.melden.allow(client_addr(&req), now) {
        return too_many(&ctx, retry);
    }
    let posted = read_multipart(&st, ctx.lang, req).await?;
    let entered = Entered {
        category: posted.get("category"),
        description: posted.get("description"),
        bag_id: posted.get("bag_id"),
        lon: posted.get("lon"),
        lat: posted.get("lat"),
        contact: posted.get("contact") == "ja",
        name: posted.get("name"),
        email: posted.get("email"),
        phone: posted.get("phone"),
    };
    let point = match (
        parse_coordinate(&entered.lon),
        parse_coordinate(&entered.lat),
    ) {
        (Some(lon), Some(lat)) => Some(PointInput::Wgs84 { lon, lat }),
        (None, None) => None,
        // One of the two, or unreadable: let the check name the problem.
        _ => Some(PointInput::Wgs84 {
            lon: f64::NAN,
            lat: f64::NAN,
        }),
    };
    let input = NewPublicSignal {
        category: entered.category.clone(),
        description: entered.description.clone(),
        location: LocationInput {
            bag_object_id: Some(entered.bag_id.clone()).filter(|s| !s.trim().is_empty()),
            point,
        },
        contact: Some(ContactInput {
            opt_in: entered.contact,
            name: Some(entered.name.clone()),
            email: Some(entered.email.clone()),
            phone: Some(entered.phone.clone()),
        }),
    };
    let mut errors: Vec<FieldError> = Vec::new();
    let valid = match submission::validate_public(&input) {
        Ok(v) => Some(v),
        Err(errs) => {
            errors.extend(errs.0.iter().map(|e| field_message(ctx.lang, e)));
            None
        }
    };
    // The chosen address must be one we know.
    let mut address = None;
    if let Some(v) = &valid
        && let Some(bag) = &v.location.bag_object_id
    {
        address = st.store.address_hit(bag.as_str()).await?;
        if address.is_none() {
            errors.push(field_message(
                ctx.lang,
                &submission::FieldError {
                    field: Field::Location,
                    problem: submission::Problem::BadBagObjectId,
                },
            ));
        }
    }
    for e in &posted.photo_errors {
        errors.push(FieldError {
            field: "foto".into(),
            message: e.clone(),
        });
    }
    let valid = match valid {
        Some(v) if errors.is_empty() => v,
        _ => {
            // Offer the chosen address again (with its label from our data).
            let addresses = match &address {
                Some(a) => vec![AddressOption {
                    id: a.id.clone(),
                    label: a.label(),
                    checked: true,
                }],
                None => match bz_signals::submission::BagObjectId::parse(&entered.bag_id) {
                    Some(b) => st
                        .store
                        .address_hit(b.as_str())
                        .await?
                        .map(|a| AddressOption {
                            id: a.id.clone(),
                            label: a.label(),
                            checked: true,
                        })
                        .into_iter()
                        .collect(),
                    None => Vec::new(),
                },
            };
            let page = form_page(&ctx, String::new(), false, addresses, entered, errors, None);
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };

    let (x, y, gemeente_code) = match (&address, valid.location.point) {
        (Some(a), _) => (a.x, a.y, Some(a.gemeente_code.clone())),
        (None, Some(p)) => {
            let code = locator(&st).await?.find(p);
            (p.x, p.y, code)
        }
        (None, None) => {
            return Err(AppError::Internal(
                "validated report without location".into(),
            ));
        }
    };
    let creds = NewCredentials::generate(&mut rand::rng());
    let today = time::OffsetDateTime::from_unix_timestamp(now)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .date();
    let report = NewPublicReport {
        id: bz_store::new_id(),
        meldcode: creds.meldcode.to_string(),
        secret_hash: creds.secret_hash.to_stored(),
        source: bz_signals::IntakeSource::Publiek.as_str().into(),
        category: valid.category.as_str().into(),
        state: initial_state(&st).await?,
        observed_on: today.to_string(),
        received_at: now,
        x: Some(x),
        y: Some(y),
        bag_id: valid
            .location
            .bag_object_id
            .as_ref()
            .map(|b| b.as_str().to_string()),
        gemeente_code,
        description: valid.description.clone(),
        contact: valid.contact.as_ref().map(|c| ReportContact {
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
        }),
        photos: report_photos(&posted.photos),
    };
    st.melden
        .writer(&st)
        .submit(report)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let page = ReceivedPage {
        page: ctx.page("melden.received_title"),
        meldcode: creds.meldcode.to_string(),
        secret: creds.secret.display_once(),
        contact: valid.contact.is_some(),
        photos: posted.photos.len(),
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "melden_status.html")]
struct StatusPage {
    page: PageCtx,
    meldcode: String,
    secret: String,
    errors: Vec<FieldError>,
    failed: bool,
    status: Option<StatusView>,
    added: bool,
    photo_hint: String,
}

impl StatusPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
}

/// What the reporter sees of their signal.
pub struct StatusView {
    pub category: String,
    pub state: String,
    pub explanation: String,
    pub received: String,
    /// The reporter's own additions: date and text, oldest first.
    pub additions: Vec<(String, String)>,
}

fn status_page(ctx: &Ctx) -> StatusPage {
    StatusPage {
        page: ctx.page("melden.status_title"),
        meldcode: String::new(),
        secret: String::new(),
        errors: Vec::new(),
        failed: false,
        status: None,
        added: false,
        photo_hint: photo_hint(ctx.lang),
    }
}

/// `GET /melden/status`: the form for meldcode and secret.
pub async fn status_form(Extension(ctx): Extension<Ctx>) -> Result<Response, AppError> {
    let ctx = anonymous(&ctx);
    render(&status_page(&ctx), StatusCode::OK)
}

/// A signal's state in plain words; states added by a beheerder read as
/// "being handled".
fn state_texts(lang: Lang, state: &str) -> (String, String) {
    const KNOWN: &[&str] = &[
        "nieuw",
        "in_behandeling",
        "wacht_op_informatie",
        "doorgezet",
        "afgehandeld",
        "geannuleerd",
        "heropend",
    ];
    let key = if KNOWN.contains(&state) {
        state
    } else {
        "anders"
    };
    (
        i18n::tr(lang, &format!("melden.state.{key}")),
        i18n::tr(lang, &format!("melden.state_explain.{key}")),
    )
}

/// A well-formed hash no secret matches (used for unknown meldcodes).
const UNKNOWN_CODE_HASH: &str =
    "sha256v1$0000000000000000000000000000000000000000000000000000000000000000";

/// Check meldcode and secret; `None` for any mismatch (one message for all).
async fn verify(
    st: &AppState,
    meldcode: &str,
    secret: &str,
) -> Result<Option<ReporterView>, AppError> {
    let Ok(code) = Meldcode::parse(meldcode) else {
        return Ok(None);
    };
    let Some(view) = st.store.signal_by_meldcode(code.as_str()).await? else {
        // The same work as for a known code, so that timing does not tell
        // whether a meldcode exists.
        let _ = SecretHash::parse(UNKNOWN_CODE_HASH).is_ok_and(|h| h.verify(&code, secret));
        return Ok(None);
    };
    let ok = SecretHash::parse(&view.secret_hash).is_ok_and(|h| h.verify(&code, secret));
    Ok(ok.then_some(view))
}

fn status_view(lang: Lang, v: &ReporterView, additions: &[(i64, String)]) -> StatusView {
    let category = v
        .category
        .parse::<Category>()
        .map(|c| match lang {
            Lang::Nl => c.name_nl().to_string(),
            Lang::En => c.name_en().to_string(),
        })
        .unwrap_or_else(|_| v.category.clone());
    let (state, mut explanation) = state_texts(lang, v.merged_state.as_deref().unwrap_or(&v.state));
    if v.merged_state.is_some() {
        explanation = format!("{} {explanation}", i18n::tr(lang, "melden.merged"));
    }
    StatusView {
        category,
        state,
        explanation,
        received: time::OffsetDateTime::from_unix_timestamp(v.received_at)
            .map(|t| t.date().to_string())
            .unwrap_or_default(),
        additions: additions
            .iter()
            .map(|(at, text)| (i18n::datetime(*at), text.clone()))
            .collect(),
    }
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    meldcode: String,
    #[serde(default)]
    geheim: String,
}

/// `POST /melden/status`: meldcode and secret → the public status.
pub async fn status_lookup(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    req: Request,
) -> Result<Response, AppError> {
    let ctx = anonymous(&ctx);
    if let Err(retry) = st.melden.allow(client_addr(&req), st.clock.now()) {
        return too_many(&ctx, retry);
    }
    let axum::Form(f) = axum::Form::<LookupForm>::from_request(req, &st)
        .await
        .map_err(|_| AppError::BadRequest(i18n::tr(ctx.lang, "melden.bad_form")))?;
    lookup_page(&st, &ctx, &f.meldcode, &f.geheim, false, Vec::new()).await
}

async fn lookup_page(
    st: &AppState,
    ctx: &Ctx,
    meldcode: &str,
    secret: &str,
    added: bool,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let mut page = status_page(ctx);
    page.meldcode = meldcode.trim().to_string();
    match verify(st, meldcode, secret).await? {
        Some(v) => {
            page.secret = secret.trim().to_string();
            let (additions, _) = st.store.reporter_additions(&v.id).await?;
            page.status = Some(status_view(ctx.lang, &v, &additions));
            page.added = added;
            page.errors = errors;
            let status = if page.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render(&page, status)
        }
        None => {
            page.failed = true;
            render(&page, StatusCode::OK)
        }
    }
}

/// The most characters of one addition.
const MAX_ADDITION: usize = 5000;

/// `POST /melden/aanvullen`: the reporter adds text and/or photos; it is
/// appended to the signal's history as a reporter addition.
pub async fn add(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    req: Request,
) -> Result<Response, AppError> {
    let ctx = anonymous(&ctx);
    let now = st.clock.now();
    if let Err(retry) = st.melden.allow(client_addr(&req), now) {
        return too_many(&ctx, retry);
    }
    let posted = read_multipart(&st, ctx.lang, req).await?;
    let meldcode = posted.get("meldcode");
    let secret = posted.get("geheim");
    let Some(view) = verify(&st, &meldcode, &secret).await? else {
        let mut page = status_page(&ctx);
        page.meldcode = meldcode.trim().to_string();
        page.failed = true;
        return render(&page, StatusCode::OK);
    };
    let text = posted
        .get("aanvulling")
        .replace("\r\n", "\n")
        .trim()
        .to_string();
    let mut errors = Vec::new();
    let n = text.chars().count();
    if n > MAX_ADDITION {
        errors.push(FieldError {
            field: "aanvulling".into(),
            message: i18n::tr_args(
                ctx.lang,
                "melden.add_too_long",
                &[("max", &MAX_ADDITION.to_string())],
            ),
        });
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.push(FieldError {
            field: "aanvulling".into(),
            message: i18n::tr(ctx.lang, "melden.add_bad_chars"),
        });
    } else if n == 0 && posted.photos.is_empty() && posted.photo_errors.is_empty() {
        errors.push(FieldError {
            field: "aanvulling".into(),
            message: i18n::tr(ctx.lang, "melden.add_required"),
        });
    }
    for e in &posted.photo_errors {
        errors.push(FieldError {
            field: "foto".into(),
            message: e.clone(),
        });
    }
    if !errors.is_empty() {
        return lookup_page(&st, &ctx, &meldcode, &secret, false, errors).await;
    }
    st.store
        .add_reporter_information(&ReporterAddition {
            signal_id: view.id.clone(),
            at: now,
            text: (n > 0).then_some(text),
            photos: report_photos(&posted.photos),
        })
        .await?;
    lookup_page(&st, &ctx, &meldcode, &secret, true, Vec::new()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_and_street_queries() {
        assert_eq!(
            parse_address_query("1234 ab 12"),
            Some(AddressQuery::Postcode {
                postcode: "1234AB".into(),
                huisnummer: Some(12)
            })
        );
        assert_eq!(
            parse_address_query("1234AB"),
            Some(AddressQuery::Postcode {
                postcode: "1234AB".into(),
                huisnummer: None
            })
        );
        assert_eq!(
            parse_address_query("1234AB-7a"),
            Some(AddressQuery::Postcode {
                postcode: "1234AB".into(),
                huisnummer: Some(7)
            })
        );
        assert_eq!(
            parse_address_query("  Kerkweg   3b "),
            Some(AddressQuery::Street {
                street: "Kerkweg".into(),
                huisnummer: Some(3)
            })
        );
        assert_eq!(
            parse_address_query("Oude Dijk"),
            Some(AddressQuery::Street {
                street: "Oude Dijk".into(),
                huisnummer: None
            })
        );
        assert_eq!(parse_address_query(""), None);
        assert_eq!(parse_address_query("x"), None);
        assert_eq!(parse_address_query("1234AB 0"), None);
    }

    #[test]
    fn the_throttle_limits_per_client_and_can_be_off() {
        let s = MeldenState::new(Some(ThrottleConfig {
            max_per_window: 2,
            ..ThrottleConfig::default()
        }));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let t = 1_800_000_000;
        assert!(s.allow(Some(a), t).is_ok());
        assert!(s.allow(Some(a), t).is_ok());
        assert!(s.allow(Some(a), t).is_err());
        assert!(s.allow(Some(b), t).is_ok());
        let off = MeldenState::new(None);
        for _ in 0..100 {
            assert!(off.allow(Some(a), t).is_ok());
        }
    }

    #[test]
    fn the_hash_for_unknown_codes_is_well_formed_and_matches_nothing() {
        let h = SecretHash::parse(UNKNOWN_CODE_HASH).expect("parses, so the check does the work");
        let code = Meldcode::parse("M-2222-3333").unwrap();
        assert!(!h.verify(&code, "2222-3333-4444-5555-6666"));
    }

    #[test]
    fn unknown_states_read_as_being_handled() {
        let (s, e) = state_texts(Lang::Nl, "eigen_status");
        assert_eq!(s, i18n::tr(Lang::Nl, "melden.state.anders"));
        assert!(!e.is_empty());
        let (s, _) = state_texts(Lang::Nl, "afgehandeld");
        assert_eq!(s, i18n::tr(Lang::Nl, "melden.state.afgehandeld"));
    }
}
