//! HTTP layer of Buitenzicht: server-rendered Dutch pages (English available),
//! a small JSON API, login with a second factor, server-side sessions and
//! the access check in front of every route.
//!
//! The layer is thin: handlers parse input into domain types, the guard asks
//! `bz_domain::access` before any handler runs, and the store does the work.

rust_i18n::i18n!("locales");

pub mod assets;
pub mod auth;
pub mod clock;
pub mod ctx;
pub mod error;
pub mod guard;
pub mod i18n;
pub mod imports;
pub mod pages;
pub mod provision;
pub mod routes;
pub mod scanrun;
pub mod security;
pub mod tilecache;

use axum::Router;
use bz_store::Store;
use std::sync::Arc;

pub use clock::Clock;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Serve cookies with `Secure` and the `__Host-` prefix, and send HSTS.
    /// True when Buitenzicht is reached over TLS (a `https://` public URL).
    pub tls: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest file accepted by the import upload page, in bytes (a national
    /// BAG extract is several gigabytes).
    pub max_upload_bytes: usize,
    /// Where uploaded files wait while they are imported (deleted afterwards);
    /// `None`: the system's temporary directory.
    pub upload_dir: Option<std::path::PathBuf>,
    /// Show the banner that this is the demo municipality.
    pub demo: bool,
    /// An optional raster base map under the map's own layers (e.g. the PDOK
    /// BRT-Achtergrondkaart). `None` (the default, and always in the demo):
    /// an offline style with no external request at all.
    pub basemap: Option<BaseMap>,
    /// The per-client limit of the anonymous public forms (kept in memory
    /// under a rotating key, never stored). `None` turns it off.
    pub anonymous_throttle: Option<bz_signals::throttle::ThrottleConfig>,
}

/// A raster XYZ base map: an `https://` URL template with `{z}`, `{x}`, `{y}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseMap {
    pub tiles: String,
    pub attribution: String,
}

/// The PDOK BRT-Achtergrondkaart (grey theme) in Web Mercator, CC BY Kadaster.
pub const PDOK_BRT_GRIJS: &str =
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png";

impl BaseMap {
    /// Check the template: https, one host, and the three placeholders.
    pub fn parse(tiles: &str, attribution: &str) -> Result<BaseMap, String> {
        let rest = tiles
            .strip_prefix("https://")
            .ok_or_else(|| format!("basemap_tiles {tiles:?}: must start with https://"))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        {
            return Err(format!("basemap_tiles {tiles:?}: no valid host"));
        }
        for p in ["{z}", "{x}", "{y}"] {
            if !tiles.contains(p) {
                return Err(format!("basemap_tiles {tiles:?}: missing {p}"));
            }
        }
        if tiles.contains(['"', '\'', ' ', '<', '>']) || attribution.contains(['<', '>']) {
            return Err("basemap: forbidden characters".into());
        }
        Ok(BaseMap {
            tiles: tiles.to_string(),
            attribution: attribution.to_string(),
        })
    }

    /// `https://host[:port]`, for the Content-Security-Policy.
    pub fn origin(&self) -> String {
        let rest = self.tiles.trim_start_matches("https://");
        format!("https://{}", rest.split('/').next().unwrap_or_default())
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            tls: false,
            max_body_bytes: 64 * 1024,
            max_upload_bytes: 4 << 30,
            upload_dir: None,
            demo: false,
            basemap: None,
            anonymous_throttle: Some(Default::default()),
        }
    }
}

/// Shared state of all handlers; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub config: WebConfig,
    pub clock: Clock,
    /// The map's in-memory tile sets.
    pub tiles: tilecache::TileCache,
    /// The Content-Security-Policy of every response (with the base map's origin when set).
    pub csp: axum::http::HeaderValue,
    /// Imports started from the upload page, with their progress.
    pub imports: imports::ImportJobs,
    /// Public reporting: the report writer (group commit) and the throttle.
    pub melden: pages::melden::MeldenState,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        let csp = security::csp(config.basemap.as_ref());
        let melden = pages::melden::MeldenState::new(config.anonymous_throttle.clone());
        AppState(Arc::new(Inner {
            melden,
            csp,
            store,
            config,
            clock: Clock::default(),
            tiles: tilecache::TileCache::default(),
            imports: imports::ImportJobs::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The complete application: every route from the route table behind the
/// access guard, security headers, body limits and friendly error pages.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address reaches only the in-memory throttle of the anonymous
    // forms; nothing logs or stores it.
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[cfg(test)]
mod basemap_tests {
    use super::*;

    #[test]
    fn the_pdok_template_is_accepted_and_widens_the_policy_to_its_origin_only() {
        let b = BaseMap::parse(PDOK_BRT_GRIJS, "Kaartgegevens © Kadaster").expect("valid");
        assert_eq!(b.origin(), "https://service.pdok.nl");
        let csp = security::csp(Some(&b));
        let csp = csp.to_str().expect("ascii");
        assert!(csp.contains("img-src 'self' data: blob: https://service.pdok.nl"));
        assert!(csp.contains("connect-src 'self' https://service.pdok.nl"));
        assert!(
            csp.contains("script-src 'self';"),
            "scripts stay own-origin"
        );
        assert_eq!(security::csp(None), security::CSP);
    }

    #[test]
    fn bad_templates_are_refused_with_a_reason() {
        for (t, why) in [
            ("http://x.nl/{z}/{x}/{y}.png", "https"),
            ("https://x.nl/{z}/{x}.png", "{y}"),
            ("https:///{z}/{x}/{y}", "host"),
            ("https://x.nl/{z}/{x}/{y}'; script-src *", "forbidden"),
        ] {
            let e = BaseMap::parse(t, "").expect_err(t);
            assert!(e.contains(why), "{t}: {e}");
        }
    }
}
