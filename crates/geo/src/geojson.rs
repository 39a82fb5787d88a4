//! Municipality boundaries as GeoJSON (CBS gebiedsindelingen).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::crs::{rd_to_wgs84, wgs84_to_rd};
use crate::error::GeoError;
use crate::point::{LonLat, RdPoint};
use crate::polygon::{MultiPolygon, Polygon};

/// A coordinate reference system this crate reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// RD New, EPSG:28992 (x, y in metres).
    Rd,
    /// WGS84, EPSG:4326 / OGC CRS84 (longitude, latitude in degrees).
    Wgs84,
}

impl Crs {
    /// Plausible range of coordinates inside the Netherlands:
    /// `(min_x, max_x, min_y, max_y)`.
    fn netherlands_range(self) -> (f64, f64, f64, f64) {
        match self {
            Crs::Rd => (0.0, 300_000.0, 280_000.0, 630_000.0),
            Crs::Wgs84 => (3.0, 8.0, 50.0, 54.0),
        }
    }

    fn in_netherlands(self, (x, y): (f64, f64)) -> bool {
        let (x0, x1, y0, y1) = self.netherlands_range();
        x >= x0 && x <= x1 && y >= y0 && y <= y1
    }

    fn describe(self) -> &'static str {
        match self {
            Crs::Rd => "RD New (x 0..300000, y 280000..630000)",
            Crs::Wgs84 => "WGS84 (longitude 3..8, latitude 50..54)",
        }
    }

    /// The OGC URN used in a GeoJSON `crs` member.
    pub fn urn(self) -> &'static str {
        match self {
            Crs::Rd => "urn:ogc:def:crs:EPSG::28992",
            Crs::Wgs84 => "urn:ogc:def:crs:OGC:1.3:CRS84",
        }
    }
}

/// How to read a municipality file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// Property holding the code (default `statcode`, e.g. `GM0361`).
    pub code_property: String,
    /// Property holding the name (default `statnaam`).
    pub name_property: String,
    /// Force a coordinate system; `None` (default) detects it from the
    /// `crs` member, or, without one, from the coordinate ranges.
    pub crs: Option<Crs>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            code_property: "statcode".into(),
            name_property: "statnaam".into(),
            crs: None,
        }
    }
}

/// One municipality (or other named area) with its boundary in RD New.
#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityBoundary {
    /// CBS code, e.g. `GM0361`.
    pub code: String,
    pub name: String,
    pub multipolygon_rd: MultiPolygon,
}

type RawPolygon = Vec<Vec<(f64, f64)>>;

struct RawFeature {
    code: String,
    name: String,
    polygons: Vec<RawPolygon>,
}

/// Reads a GeoJSON FeatureCollection of municipality boundaries (CBS
/// gebiedsindelingen) in RD New or WGS84 and returns them in file order,
/// in RD New.
///
/// `file` names the input in error messages. The coordinate system is taken
/// from `opts.crs`, else from the `crs` member (EPSG:28992, EPSG:4326 or
/// CRS84), else from the coordinates: WGS84 when the first position is a
/// longitude/latitude within the Netherlands (3..8 / 50..54), RD New when it
/// is within x 0..300000, y 280000..630000. Every position must then lie in
/// that range. Polygon and MultiPolygon geometries are accepted.
///
/// Errors name the feature (0-based index), the field and the reason: invalid
/// JSON (with line and column), a missing or non-string code or name
/// property, a missing or other geometry type, malformed coordinates,
/// coordinates outside the Netherlands, degenerate rings, duplicate codes.
pub fn parse_municipalities_geojson(
    bytes: &[u8],
    file: &str,
    opts: &ParseOptions,
) -> Result<Vec<MunicipalityBoundary>, GeoError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let root: Value = serde_json::from_slice(bytes).map_err(|e| GeoError::Json {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        reason: e.to_string(),
    })?;
    let file_err = |field: &str, reason: String| GeoError::File {
        file: file.to_string(),
        field: field.to_string(),
        reason,
    };
    let obj = root
        .as_object()
        .ok_or_else(|| file_err("(root)", "is not a JSON object".into()))?;
    match obj.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        Some(t) => {
            return Err(file_err(
                "type",
                format!("expected \"FeatureCollection\", found {t:?}"),
            ));
        }
        None => {
            return Err(file_err(
                "type",
                "missing (expected \"FeatureCollection\")".into(),
            ));
        }
    }
    let features = obj
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| file_err("features", "missing or not an array".into()))?;
    if features.is_empty() {
        return Err(file_err(
            "features",
            "the collection has no features".into(),
        ));
    }
    let declared = match opts.crs {
        Some(c) => Some(c),
        None => match obj.get("crs") {
            None | Some(Value::Null) => None,
            Some(v) => Some(crs_member(v).map_err(|r| file_err("crs", r))?),
        },
    };

    let mut raws = Vec::with_capacity(features.len());
    for (index, f) in features.iter().enumerate() {
        raws.push(
            raw_feature(f, opts).map_err(|(field, reason)| GeoError::Feature {
                file: file.to_string(),
                index,
                field,
                reason,
            })?,
        );
    }

    let (crs, how) = match declared {
        Some(c) => (c, "declared"),
        None => {
            let first = raws[0].polygons[0][0][0];
            if Crs::Wgs84.in_netherlands(first) {
                (Crs::Wgs84, "detected from the first position")
            } else if Crs::Rd.in_netherlands(first) {
                (Crs::Rd, "detected from the first position")
            } else {
                return Err(GeoError::Feature {
                    file: file.to_string(),
                    index: 0,
                    field: "geometry.coordinates".into(),
                    reason: format!(
                        "first position ({}, {}) is neither {} nor {}: outside the Netherlands \
                         or in an unsupported coordinate system",
                        first.0,
                        first.1,
                        Crs::Wgs84.describe(),
                        Crs::Rd.describe()
                    ),
                });
            }
        }
    };

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(raws.len());
    for (index, raw) in raws.into_iter().enumerate() {
        let feature_err = |field: &str, reason: String| GeoError::Feature {
            file: file.to_string(),
            index,
            field: field.to_string(),
            reason,
        };
        if let Some(first) = seen.get(&raw.code) {
            return Err(feature_err(
                &format!("properties.{}", opts.code_property),
                format!("duplicate code {:?} (also in feature {first})", raw.code),
            ));
        }
        seen.insert(raw.code.clone(), index);
        let mut polygons = Vec::with_capacity(raw.polygons.len());
        for (pi, rings) in raw.polygons.into_iter().enumerate() {
            let mut rd_rings = Vec::with_capacity(rings.len());
            for (ri, ring) in rings.into_iter().enumerate() {
                let mut rd_ring = Vec::with_capacity(ring.len());
                for (qi, pos) in ring.into_iter().enumerate() {
                    if !crs.in_netherlands(pos) {
                        return Err(feature_err(
                            "geometry.coordinates",
                            format!(
                                "polygon {pi}, ring {ri}, position {qi}: ({}, {}) lies outside \
                                 the Netherlands for {} ({how})",
                                pos.0,
                                pos.1,
                                crs.describe()
                            ),
                        ));
                    }
                    let p = match crs {
                        Crs::Rd => RdPoint::new(pos.0, pos.1),
                        Crs::Wgs84 => wgs84_to_rd(LonLat::new(pos.0, pos.1)).map_err(|e| {
                            feature_err(
                                "geometry.coordinates",
                                format!("polygon {pi}, ring {ri}, position {qi}: {e}"),
                            )
                        })?,
                    };
                    rd_ring.push(p);
                }
                rd_rings.push(rd_ring);
            }
            let poly = Polygon::new(rd_rings)
                .map_err(|e| feature_err("geometry.coordinates", format!("polygon {pi}: {e}")))?;
            polygons.push(poly);
        }
        let multipolygon_rd = MultiPolygon::new(polygons)
            .map_err(|e| feature_err("geometry.coordinates", e.to_string()))?;
        out.push(MunicipalityBoundary {
            code: raw.code,
            name: raw.name,
            multipolygon_rd,
        });
    }
    Ok(out)
}

/// Interprets a GeoJSON (2008) `crs` member.
fn crs_member(v: &Value) -> Result<Crs, String> {
    let name = v
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            "expected {\"type\": \"name\", \"properties\": {\"name\": …}}".to_string()
        })?;
    let upper = name.to_ascii_uppercase();
    let code = upper
        .rsplit([':', '/'])
        .next()
        .unwrap_or_default()
        .to_string();
    match code.as_str() {
        "28992" => Ok(Crs::Rd),
        "4326" | "CRS84" => Ok(Crs::Wgs84),
        _ => Err(format!(
            "unsupported coordinate system {name:?} (expected EPSG:28992, EPSG:4326 or CRS84)"
        )),
    }
}

type FieldError = (String, String);

fn raw_feature(f: &Value, opts: &ParseOptions) -> Result<RawFeature, FieldError> {
    let err = |field: &str, reason: &str| (field.to_string(), reason.to_string());
    let obj = f
        .as_object()
        .ok_or_else(|| err("(feature)", "is not a JSON object"))?;
    match obj.get("type").and_then(Value::as_str) {
        Some("Feature") => {}
        _ => return Err(err("type", "expected \"Feature\"")),
    }
    let props = match obj.get("properties") {
        Some(Value::Object(m)) => m,
        _ => return Err(err("properties", "missing or not an object")),
    };
    let code = string_property(props, &opts.code_property)?;
    let name = string_property(props, &opts.name_property)?;
    let geom = match obj.get("geometry") {
        Some(Value::Object(m)) => m,
        Some(Value::Null) | None => return Err(err("geometry", "missing (null)")),
        Some(_) => return Err(err("geometry", "not an object")),
    };
    let gtype = geom
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| err("geometry.type", "missing"))?;
    let coords = geom
        .get("coordinates")
        .ok_or_else(|| err("geometry.coordinates", "missing"))?;
    let polygons = match gtype {
        "Polygon" => vec![polygon_coords(coords, None)?],
        "MultiPolygon" => {
            let parts = coords
                .as_array()
                .ok_or_else(|| err("geometry.coordinates", "not an array of polygons"))?;
            if parts.is_empty() {
                return Err(err("geometry.coordinates", "MultiPolygon has no polygons"));
            }
            parts
                .iter()
                .enumerate()
                .map(|(i, p)| polygon_coords(p, Some(i)))
                .collect::<Result<Vec<_>, _>>()?
        }
        other => {
            return Err((
                "geometry.type".into(),
                format!("expected Polygon or MultiPolygon, found {other:?}"),
            ));
        }
    };
    Ok(RawFeature {
        code,
        name,
        polygons,
    })
}

fn string_property(props: &Map<String, Value>, key: &str) -> Result<String, FieldError> {
    let field = format!("properties.{key}");
    match props.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Value::String(_)) => Err((field, "is empty".into())),
        Some(Value::Null) | None => Err((field, "missing".into())),
        Some(other) => Err((field, format!("must be a string, found {other}"))),
    }
}

fn polygon_coords(v: &Value, part: Option<usize>) -> Result<RawPolygon, FieldError> {
    let at = |rest: String| match part {
        Some(p) => format!("polygon {p}, {rest}"),
        None => rest,
    };
    let field = || "geometry.coordinates".to_string();
    let rings = v
        .as_array()
        .ok_or_else(|| (field(), at("not an array of rings".into())))?;
    if rings.is_empty() {
        return Err((field(), at("polygon has no rings".into())));
    }
    let mut out = Vec::with_capacity(rings.len());
    for (ri, ring) in rings.iter().enumerate() {
        let positions = ring
            .as_array()
            .ok_or_else(|| (field(), at(format!("ring {ri}: not an array of positions"))))?;
        if positions.len() < 4 {
            return Err((
                field(),
                at(format!(
                    "ring {ri}: has {} positions, a closed ring needs at least 4",
                    positions.len()
                )),
            ));
        }
        let mut r = Vec::with_capacity(positions.len());
        for (qi, pos) in positions.iter().enumerate() {
            let xy = pos.as_array().and_then(|a| {
                let x = a.first()?.as_f64()?;
                let y = a.get(1)?.as_f64()?;
                (x.is_finite() && y.is_finite()).then_some((x, y))
            });
            match xy {
                Some(xy) => r.push(xy),
                None => {
                    return Err((
                        field(),
                        at(format!(
                            "ring {ri}, position {qi}: expected [x, y] numbers, found {pos}"
                        )),
                    ));
                }
            }
        }
        out.push(r);
    }
    Ok(out)
}

/// The boundary of the municipality among `boundaries` that covers `p`
/// (interior or boundary); where several do (a point on a shared border),
/// the one with the smallest code, as the gebiedsscan counts incidents.
pub fn find_municipality(
    boundaries: &[MunicipalityBoundary],
    p: RdPoint,
) -> Option<&MunicipalityBoundary> {
    boundaries
        .iter()
        .filter(|b| b.multipolygon_rd.covers(p))
        .min_by(|a, b| a.code.cmp(&b.code))
}

fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}

/// A GeoJSON geometry object (`Polygon` for one part, else `MultiPolygon`).
///
/// `Crs::Rd` writes RD New metres (whole metres as integers);
/// `Crs::Wgs84` transforms to longitude/latitude rounded to 7 decimals
/// (about 1 cm), for web maps.
pub fn multipolygon_to_geojson(mp: &MultiPolygon, crs: Crs) -> Result<Value, GeoError> {
    let pos = |p: RdPoint| -> Result<Value, GeoError> {
        Ok(match crs {
            Crs::Rd => Value::Array(vec![number(p.x), number(p.y)]),
            Crs::Wgs84 => {
                let w = rd_to_wgs84(p)?;
                let r = |v: f64| (v * 1e7).round() / 1e7;
                json!([r(w.lon), r(w.lat)])
            }
        })
    };
    let polygon = |poly: &Polygon| -> Result<Value, GeoError> {
        poly.rings()
            .iter()
            .map(|ring| ring.iter().map(|&p| pos(p)).collect::<Result<Vec<_>, _>>())
            .map(|r| r.map(Value::Array))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
    };
    let parts = mp.polygons();
    if parts.len() == 1 {
        Ok(json!({"type": "Polygon", "coordinates": polygon(&parts[0])?}))
    } else {
        let coords = parts.iter().map(polygon).collect::<Result<Vec<_>, _>>()?;
        Ok(json!({"type": "MultiPolygon", "coordinates": coords}))
    }
}

/// A GeoJSON FeatureCollection of `boundaries` with properties `statcode`
/// and `statnaam` (the gebiedsscan input format when `crs` is `Crs::Rd`).
/// The collection carries a `crs` member naming EPSG:28992 or CRS84.
pub fn municipalities_to_geojson(
    boundaries: &[MunicipalityBoundary],
    crs: Crs,
) -> Result<Value, GeoError> {
    let features = boundaries
        .iter()
        .map(|b| {
            Ok(json!({
                "type": "Feature",
                "id": b.code,
                "properties": {"statcode": b.code, "statnaam": b.name},
                "geometry": multipolygon_to_geojson(&b.multipolygon_rd, crs)?,
            }))
        })
        .collect::<Result<Vec<_>, GeoError>>()?;
    Ok(json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": crs.urn()}},
        "features": features,
    }))
}

/// A user's own area: a GeoJSON `Polygon` or `MultiPolygon` geometry, or a
/// `Feature` or one-feature `FeatureCollection` holding one, in RD New or
/// WGS84 (detected as for municipality files). Returns the area in RD New.
/// Errors name `file`, the field and the reason.
pub fn parse_area_geojson(bytes: &[u8], file: &str) -> Result<MultiPolygon, GeoError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let root: Value = serde_json::from_slice(bytes).map_err(|e| GeoError::Json {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        reason: e.to_string(),
    })?;
    let file_err = |field: &str, reason: &str| GeoError::File {
        file: file.to_string(),
        field: field.to_string(),
        reason: reason.to_string(),
    };
    let geometry = match root.get("type").and_then(Value::as_str) {
        Some("Polygon" | "MultiPolygon") => root.clone(),
        Some("Feature") => root
            .get("geometry")
            .cloned()
            .ok_or_else(|| file_err("geometry", "missing"))?,
        Some("FeatureCollection") => {
            let features = root
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| file_err("features", "missing or not an array"))?;
            if features.len() != 1 {
                return Err(file_err(
                    "features",
                    "an area must be exactly one (Multi)Polygon feature",
                ));
            }
            features[0]
                .get("geometry")
                .cloned()
                .ok_or_else(|| file_err("features[0].geometry", "missing"))?
        }
        _ => {
            return Err(file_err(
                "type",
                "expected a Polygon, MultiPolygon, Feature or FeatureCollection",
            ));
        }
    };
    let mut collection = serde_json::json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": {"statcode": "AREA", "statnaam": "area"},
            "geometry": geometry,
        }],
    });
    if let Some(crs) = root.get("crs") {
        collection["crs"] = crs.clone();
    }
    let text = collection.to_string();
    let mut list = parse_municipalities_geojson(text.as_bytes(), file, &ParseOptions::default())?;
    list.pop()
        .map(|m| m.multipolygon_rd)
        .ok_or_else(|| file_err("features", "no area"))
}

/// The rings of a stored GeoJSON `Polygon` or `MultiPolygon` geometry (as the
/// store keeps municipality and area boundaries), coordinates as they are.
pub fn stored_polygons(geometry: &str) -> Result<Vec<Vec<Vec<[f64; 2]>>>, GeoError> {
    let invalid = |reason: String| GeoError::Geometry(reason);
    let v: serde_json::Value =
        serde_json::from_str(geometry).map_err(|e| invalid(e.to_string()))?;
    let coords = v.get("coordinates").unwrap_or(&v);
    let ty = v
        .get("type")
        .and_then(|t| t.as_str())
        .unwrap_or("MultiPolygon");
    let parse_ring = |r: &serde_json::Value| -> Option<Vec<[f64; 2]>> {
        r.as_array()?
            .iter()
            .map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
            .collect()
    };
    let parse_poly = |p: &serde_json::Value| -> Option<Vec<Vec<[f64; 2]>>> {
        p.as_array()?.iter().map(parse_ring).collect()
    };
    let out = match ty {
        "Polygon" => parse_poly(coords).map(|p| vec![p]),
        "MultiPolygon" => coords
            .as_array()
            .and_then(|ps| ps.iter().map(parse_poly).collect()),
        _ => None,
    };
    out.ok_or_else(|| invalid("geometry is not a (Multi)Polygon".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fc(features: &str) -> String {
        format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#)
    }

    fn feat(code: &str, geom: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"statcode":"{code}","statnaam":"Naam {code}"}},"geometry":{geom}}}"#
        )
    }

    const RD_SQ: &str = r#"{"type":"Polygon","coordinates":[[[150000,460000],[160000,460000],[160000,470000],[150000,470000],[150000,460000]]]}"#;
    const RD_SQ2: &str = r#"{"type":"MultiPolygon","coordinates":[[[[160000,460000],[170000,460000],[170000,470000],[160000,470000],[160000,460000]]],[[[180000,460000],[181000,460000],[181000,461000],[180000,460000]]]]}"#;
    const WGS_SQ: &str = r#"{"type":"Polygon","coordinates":[[[5.3,52.1],[5.5,52.1],[5.5,52.2],[5.3,52.2],[5.3,52.1]]]}"#;

    fn parse(s: &str) -> Result<Vec<MunicipalityBoundary>, GeoError> {
        parse_municipalities_geojson(s.as_bytes(), "test.geojson", &ParseOptions::default())
    }

    fn feature_error(s: &str) -> (usize, String, String) {
        match parse(s) {
            Err(GeoError::Feature {
                index,
                field,
                reason,
                file,
            }) => {
                assert_eq!(file, "test.geojson");
                (index, field, reason)
            }
            other => panic!("expected a feature error, got {other:?}"),
        }
    }

    #[test]
    fn reads_rd_polygon_and_multipolygon() {
        let out = parse(&fc(&format!(
            "{},{}",
            feat("GM0001", RD_SQ),
            feat("GM0002", RD_SQ2)
        )))
        .unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].code, "GM0001");
        assert_eq!(out[0].name, "Naam GM0001");
        assert_eq!(out[0].multipolygon_rd.area(), 1.0e8);
        assert_eq!(out[1].multipolygon_rd.polygons().len(), 2);
        let p = RdPoint::new(160000.0, 465000.0);
        assert_eq!(find_municipality(&out, p).unwrap().code, "GM0001");
        assert_eq!(
            find_municipality(&out, RdPoint::new(165000.0, 465000.0))
                .unwrap()
                .code,
            "GM0002"
        );
        assert!(find_municipality(&out, RdPoint::new(175000.0, 465000.0)).is_none());
    }

    #[test]
    fn reads_wgs84_and_converts_to_rd() {
        let out = parse(&fc(&feat("GM0001", WGS_SQ))).unwrap();
        let b = out[0].multipolygon_rd.bbox();
        assert!(b.min_x > 140000.0 && b.max_x < 170000.0, "{b:?}");
        assert!(
            out[0]
                .multipolygon_rd
                .covers(RdPoint::new(155000.0, 463000.0))
        );
        // With a declared crs member too.
        let with_crs = format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}}},"features":[{}]}}"#,
            feat("GM0001", WGS_SQ)
        );
        assert_eq!(parse(&with_crs).unwrap(), out);
    }

    #[test]
    fn declared_crs_must_match_coordinates() {
        let s = format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:28992"}}}},"features":[{}]}}"#,
            feat("GM0001", WGS_SQ)
        );
        let (i, field, reason) = feature_error(&s);
        assert_eq!((i, field.as_str()), (0, "geometry.coordinates"));
        assert!(reason.contains("outside the Netherlands") && reason.contains("declared"));
        let s = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[{}]}"#;
        let e = parse(s).unwrap_err().to_string();
        assert!(e.contains("crs") && e.contains("3857"), "{e}");
    }

    #[test]
    fn errors_name_feature_field_and_reason() {
        let no_code = r#"{"type":"Feature","properties":{"statnaam":"X"},"geometry":null}"#;
        let (i, f, r) = feature_error(&fc(&format!("{},{}", feat("GM0001", RD_SQ), no_code)));
        assert_eq!(
            (i, f.as_str(), r.as_str()),
            (1, "properties.statcode", "missing")
        );

        let num_code =
            r#"{"type":"Feature","properties":{"statcode":14,"statnaam":"X"},"geometry":null}"#;
        let (_, f, r) = feature_error(&fc(num_code));
        assert_eq!(f, "properties.statcode");
        assert!(r.contains("string"));

        let point = feat(
            "GM0001",
            r#"{"type":"Point","coordinates":[155000,463000]}"#,
        );
        let (_, f, r) = feature_error(&fc(&point));
        assert_eq!(f, "geometry.type");
        assert!(r.contains("Point"), "{r}");

        let (_, f, _) = feature_error(&fc(&feat("GM0001", "null")));
        assert_eq!(f, "geometry");

        let dup = fc(&format!(
            "{},{}",
            feat("GM0001", RD_SQ),
            feat("GM0001", RD_SQ2)
        ));
        let (i, f, r) = feature_error(&dup);
        assert_eq!((i, f.as_str()), (1, "properties.statcode"));
        assert!(r.contains("duplicate") && r.contains("feature 0"), "{r}");

        let outside = feat(
            "GM0002",
            r#"{"type":"Polygon","coordinates":[[[150000,460000],[160000,460000],[900000,470000],[150000,460000]]]}"#,
        );
        let (i, f, r) = feature_error(&fc(&format!("{},{}", feat("GM0001", RD_SQ), outside)));
        assert_eq!((i, f.as_str()), (1, "geometry.coordinates"));
        assert!(
            r.contains("position 2") && r.contains("outside the Netherlands"),
            "{r}"
        );

        let nowhere = feat(
            "GM0001",
            r#"{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}"#,
        );
        let (i, _, r) = feature_error(&fc(&nowhere));
        assert_eq!(i, 0);
        assert!(r.contains("neither"), "{r}");

        let bad_pos = feat(
            "GM0001",
            r#"{"type":"Polygon","coordinates":[[[150000,460000],[160000,"x"],[160000,470000],[150000,460000]]]}"#,
        );
        let (_, _, r) = feature_error(&fc(&bad_pos));
        assert!(r.contains("ring 0, position 1"), "{r}");

        let degenerate = feat(
            "GM0001",
            r#"{"type":"Polygon","coordinates":[[[150000,460000],[160000,460000],[170000,460000],[150000,460000]]]}"#,
        );
        let (_, _, r) = feature_error(&fc(&degenerate));
        assert!(r.contains("no area"), "{r}");
    }

    #[test]
    fn file_level_errors() {
        match parse("{\"type\":\"FeatureCollection\",\n\"features\": [}") {
            Err(GeoError::Json { line, column, .. }) => assert_eq!((line, column), (2, 14)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(r#"{"type":"Feature"}"#),
            Err(GeoError::File { ref field, .. }) if field == "type"
        ));
        assert!(matches!(
            parse(r#"{"type":"FeatureCollection","features":[]}"#),
            Err(GeoError::File { ref field, .. }) if field == "features"
        ));
        let e = parse("[1,2").unwrap_err().to_string();
        assert!(e.starts_with("test.geojson: invalid JSON at line 1"), "{e}");
    }

    #[test]
    fn custom_property_names() {
        let s = fc(
            r#"{"type":"Feature","properties":{"code":"A1","naam":"Gebied"},"geometry":{"type":"Polygon","coordinates":[[[150000,460000],[160000,460000],[160000,470000],[150000,460000]]]}}"#,
        );
        let opts = ParseOptions {
            code_property: "code".into(),
            name_property: "naam".into(),
            crs: Some(Crs::Rd),
        };
        let out = parse_municipalities_geojson(s.as_bytes(), "x", &opts).unwrap();
        assert_eq!(
            (out[0].code.as_str(), out[0].name.as_str()),
            ("A1", "Gebied")
        );
    }

    #[test]
    fn writes_and_reads_back() {
        let src = parse(&fc(&format!(
            "{},{}",
            feat("GM0001", RD_SQ),
            feat("GM0002", RD_SQ2)
        )))
        .unwrap();
        let rd = municipalities_to_geojson(&src, Crs::Rd).unwrap();
        let text = serde_json::to_string(&rd).unwrap();
        assert!(text.contains("[150000,460000]"), "integers stay integers");
        assert!(text.contains("EPSG::28992"));
        let back = parse(&text).unwrap();
        assert_eq!(back, src);
        let wgs = municipalities_to_geojson(&src, Crs::Wgs84).unwrap();
        let back = parse(&serde_json::to_string(&wgs).unwrap()).unwrap();
        for (a, b) in src.iter().zip(&back) {
            assert_eq!(a.code, b.code);
            assert!(
                (a.multipolygon_rd.area() - b.multipolygon_rd.area()).abs()
                    < 1e-3 * a.multipolygon_rd.area()
            );
        }
    }

    #[test]
    fn an_area_is_read_from_a_geometry_a_feature_or_a_collection() {
        let ring = "[[6.10,52.00],[6.12,52.00],[6.12,52.02],[6.10,52.02],[6.10,52.00]]";
        let geometry = format!("{{\"type\":\"Polygon\",\"coordinates\":[{ring}]}}");
        let feature =
            format!("{{\"type\":\"Feature\",\"properties\":{{}},\"geometry\":{geometry}}}");
        let collection = format!("{{\"type\":\"FeatureCollection\",\"features\":[{feature}]}}");
        let areas: Vec<MultiPolygon> = [&geometry, &feature, &collection]
            .iter()
            .map(|t| parse_area_geojson(t.as_bytes(), "gebied.geojson").unwrap())
            .collect();
        assert!(areas.iter().all(|a| a == &areas[0]));
        // About 1.37 km x 2.22 km, in RD New.
        let area = areas[0].area();
        assert!((2.9e6..3.2e6).contains(&area), "{area}");
        let e = parse_area_geojson(b"{\"type\":\"Point\",\"coordinates\":[6,52]}", "p.json")
            .unwrap_err();
        assert!(e.to_string().contains("p.json"), "{e}");
        let two = format!("{{\"type\":\"FeatureCollection\",\"features\":[{feature},{feature}]}}");
        assert!(parse_area_geojson(two.as_bytes(), "two.json").is_err());
        assert!(parse_area_geojson(b"{not json", "x.json").is_err());
    }
}
