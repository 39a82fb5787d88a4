//! Configuration: command-line flags, then `BUITENZICHT_…` environment
//! variables (clap reads both), then an optional TOML file, then defaults.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Keys of the configuration file (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database: Option<String>,
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub log: Option<String>,
    pub max_body_bytes: Option<usize>,
    /// Largest file the import upload page accepts (default 4 GiB).
    pub max_upload_bytes: Option<usize>,
    /// Raster base map under the map (XYZ URL template, https), e.g. the PDOK
    /// BRT-Achtergrondkaart; without it the map makes no external request.
    pub basemap_tiles: Option<String>,
    pub basemap_attribution: Option<String>,
    /// Reports (and follow-up posts) per client address per 10 minutes on
    /// the anonymous public forms (default 20); 0 turns the limit off.
    pub anonymous_limit: Option<u32>,
}

impl FileConfig {
    /// Read `path`; a missing default file is not an error, a missing named one is.
    pub fn load(path: Option<&Path>) -> Result<FileConfig> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("buitenzicht.toml"), false),
        };
        if !path.exists() {
            if required {
                anyhow::bail!(
                    "configuratiebestand {} bestaat niet / config file {} does not exist",
                    path.display(),
                    path.display()
                );
            }
            return Ok(FileConfig::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| {
            format!(
                "configuratiebestand {} is ongeldig / config file {} is invalid",
                path.display(),
                path.display()
            )
        })
    }
}

/// The settings in force, after all sources are merged.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database: String,
    pub listen: String,
    pub public_url: Option<String>,
    pub max_body_bytes: usize,
    pub max_upload_bytes: usize,
    pub basemap: Option<bz_web::BaseMap>,
    /// Posts per client per 10 minutes on the anonymous forms; 0: no limit.
    pub anonymous_limit: u32,
}

impl Settings {
    pub fn tls(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
