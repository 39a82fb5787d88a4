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
    /// Show the banner that this is the demo municipality.
    pub demo: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            tls: false,
            max_body_bytes: 64 * 1024,
            demo: false,
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
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState(Arc::new(Inner {
            store,
            config,
            clock: Clock::default(),
            tiles: tilecache::TileCache::default(),
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
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
