//! Static assets (NL Design System CSS, our stylesheet), embedded in the
//! binary at build time from `web/dist/`, so `serve` needs no files beside it.

use crate::error::AppError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/dist/"]
struct Assets;

pub async fn serve(Path(path): Path<String>) -> Result<Response, AppError> {
    let file = Assets::get(&path).ok_or(AppError::NotFound)?;
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let mut r = file.data.into_owned().into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref()).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..8]));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(r)
}

/// Names of all embedded assets (for tests).
pub fn names() -> Vec<String> {
    Assets::iter().map(|s| s.to_string()).collect()
}
