// The routes of a visit round on a map (MapLibre GL JS, no external request:
// a plain background, the teams' routes and stops from our own GeoJSON). The
// tables below the map list the same routes; the sketch stays for printing
// and without JavaScript.
(function () {
  "use strict";
  const el = document.getElementById("route-kaart");
  if (!el || typeof maplibregl === "undefined") return;
  maplibregl.setWorkerUrl("/static/maplibre-gl-csp-worker.js");
  const colours = ["#1f4e79", "#8a3b00", "#2e6b30", "#6a3d9a", "#b15928"];
  const teamColour = ["match", ["%", ["coalesce", ["get", "team"], 0], 5], 0, colours[0], 1, colours[1], 2, colours[2], 3, colours[3], colours[4]];
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((data) => {
      const coords = [];
      data.features.forEach((f) => {
        if (f.geometry.type === "Point") coords.push(f.geometry.coordinates);
        else f.geometry.coordinates.forEach((c) => coords.push(c));
      });
      if (!coords.length) return;
      const lons = coords.map((c) => c[0]);
      const lats = coords.map((c) => c[1]);
      const map = new maplibregl.Map({
        container: el,
        style: {
          version: 8,
          sources: { routes: { type: "geojson", data } },
          layers: [
            { id: "achtergrond", type: "background", paint: { "background-color": "#f4f1e8" } },
            { id: "routes", type: "line", source: "routes", filter: ["==", ["get", "kind"], "route"], paint: { "line-color": teamColour, "line-width": 3 } },
            { id: "stops", type: "circle", source: "routes", filter: ["==", ["get", "kind"], "stop"], paint: { "circle-radius": 5, "circle-color": "#ffffff", "circle-stroke-color": teamColour, "circle-stroke-width": 2 } },
            { id: "start", type: "circle", source: "routes", filter: ["==", ["get", "kind"], "start"], paint: { "circle-radius": 7, "circle-color": "#222222" } },
          ],
        },
        bounds: [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]],
        fitBoundsOptions: { padding: 30 },
        attributionControl: false,
      });
      map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
      map.on("click", "stops", (e) => {
        const f = e.features && e.features[0];
        if (f) new maplibregl.Popup().setLngLat(f.geometry.coordinates).setText(f.properties.label).addTo(map);
      });
      map.on("load", () => {
        el.dataset.loaded = "true";
        const sketch = document.getElementById("route-sketch");
        if (sketch) sketch.classList.add("bz-print-only");
      });
    })
    .catch(() => {
      el.hidden = true;
    });
})();
