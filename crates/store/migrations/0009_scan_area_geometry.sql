-- A scan run over a user's own area (a polygon within a municipality) keeps
-- that area's boundary, as a GeoJSON (Multi)Polygon geometry in RD New, so the
-- run can be checked and repeated. Empty for municipality and buitengebied runs.
ALTER TABLE scan_runs ADD COLUMN area_geometry TEXT;
