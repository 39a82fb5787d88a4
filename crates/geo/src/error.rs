use thiserror::Error;

/// Everything that can go wrong in this crate.
///
/// Input errors name the file (the `file` the caller passed in), the feature
/// index (0-based, in file order), the field and the reason.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GeoError {
    /// The bytes are not valid JSON.
    #[error("{file}: invalid JSON at line {line}, column {column}: {reason}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        reason: String,
    },
    /// A problem with the file as a whole (not a FeatureCollection, unknown
    /// `crs`, no features, coordinates in no recognisable system).
    #[error("{file}: {field}: {reason}")]
    File {
        file: String,
        field: String,
        reason: String,
    },
    /// A problem with one feature.
    #[error("{file}: feature {index}: {field}: {reason}")]
    Feature {
        file: String,
        /// 0-based index in the `features` array.
        index: usize,
        /// The member or property at fault, e.g. `properties.statcode` or
        /// `geometry.coordinates`.
        field: String,
        reason: String,
    },
    /// A geometry that cannot be used (too few points, not finite, …).
    #[error("invalid geometry: {0}")]
    Geometry(String),
    /// The coordinate transformation failed (point far outside its domain).
    #[error("coordinate transformation failed: {0}")]
    Projection(String),
    /// A CBS square code that does not have the form `E1550N4630`.
    #[error("invalid CBS square code {code:?}: {reason}")]
    SquareCode { code: String, reason: String },
}
