//! Decoding tiles back into features: for tests, and for anyone checking
//! what a tile holds.

use prost::Message;
use std::collections::BTreeMap;
use tinymvt::geometry::GeometryDecoder;
use tinymvt::tag::{TagsDecoder, Value};
use tinymvt::vector_tile::Tile;
use tinymvt::vector_tile::tile::GeomType;

/// A property value of a decoded feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Prop {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl Prop {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Prop::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Prop::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// The geometry of a decoded feature in tile coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Points(Vec<[i32; 2]>),
    Lines(Vec<Vec<[i32; 2]>>),
    /// Polygons → rings → points.
    Polygons(Vec<Vec<Vec<[i32; 2]>>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecodedFeature {
    pub geometry: Geometry,
    pub props: BTreeMap<String, Prop>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecodedLayer {
    pub name: String,
    pub extent: u32,
    pub features: Vec<DecodedFeature>,
}

/// Decode a Mapbox Vector Tile.
pub fn decode(bytes: &[u8]) -> Result<Vec<DecodedLayer>, String> {
    let tile = Tile::decode(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for l in tile.layers {
        let tags = TagsDecoder::new(&l.keys, &l.values);
        let mut features = Vec::new();
        for f in &l.features {
            let mut g = GeometryDecoder::new(&f.geometry);
            let geometry = match f.r#type.and_then(|t| GeomType::try_from(t).ok()) {
                Some(GeomType::Point) => Geometry::Points(g.decode_points()?),
                Some(GeomType::Linestring) => Geometry::Lines(g.decode_linestrings()?),
                Some(GeomType::Polygon) => Geometry::Polygons(g.decode_polygons()?),
                _ => return Err(format!("layer {}: feature without a known type", l.name)),
            };
            let props = tags
                .decode(&f.tags)?
                .into_iter()
                .map(|(k, v)| {
                    let p = match v {
                        Value::String(s) => Prop::Str(s),
                        Value::Float(b) => Prop::Num(f64::from(f32::from_le_bytes(b))),
                        Value::Double(b) => Prop::Num(f64::from_le_bytes(b)),
                        Value::Int(i) | Value::SInt(i) => Prop::Num(i as f64),
                        Value::Uint(u) => Prop::Num(u as f64),
                        Value::Bool(b) => Prop::Bool(b),
                    };
                    (k.to_string(), p)
                })
                .collect();
            features.push(DecodedFeature { geometry, props });
        }
        out.push(DecodedLayer {
            name: l.name,
            extent: l.extent.unwrap_or(4096),
            features,
        });
    }
    Ok(out)
}
