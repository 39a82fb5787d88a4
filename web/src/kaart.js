// The map page: MapLibre GL JS over Buitenzicht's own vector tiles.
// No external request: the style is built here, with no glyphs, sprites or
// base map tiles from elsewhere. Layer toggles, a side panel on click, and
// the table view link that keeps the same filters.
(function () {
  "use strict";
  const el = document.getElementById("kaart");
  if (!el || typeof maplibregl === "undefined") return;
  const labels = JSON.parse(el.dataset.labels || "{}");
  const allowed = (el.dataset.layers || "").split(",").filter(Boolean);
  const nl = el.dataset.lang !== "en";
  maplibregl.setWorkerUrl("/static/maplibre-gl-csp-worker.js");

  const colours = { hoog: "#b2182b", midden: "#e08214", laag: "#7f7f7f" };
  const styleLayers = [
    { id: "achtergrond", type: "background", paint: { "background-color": "#f4f1e8" } },
    {
      id: "vierkanten", type: "fill", source: "bz", "source-layer": "vierkanten",
      paint: {
        "fill-color": [
          "case",
          ["has", "onderdrukt"], "#d9d9d9",
          ["interpolate", ["linear"], ["coalesce", ["get", "gem_score"], 0],
            0, "#edf8e9", 0.3, "#bae4b3", 0.45, "#74c476", 0.6, "#238b45"],
        ],
        "fill-opacity": 0.55,
        "fill-outline-color": "#ffffff",
      },
    },
    {
      id: "gemeenten", type: "line", source: "bz", "source-layer": "gemeenten",
      paint: { "line-color": "#1f2a44", "line-width": 2 },
    },
    {
      id: "incidenten", type: "circle", source: "bz", "source-layer": "incidenten",
      paint: {
        "circle-color": "#5e3c99", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1,
        "circle-radius": ["case", ["has", "n"], ["min", 14, ["+", 5, ["sqrt", ["get", "n"]]]], 5],
      },
    },
    {
      id: "signalen", type: "circle", source: "bz", "source-layer": "signalen",
      paint: {
        "circle-color": "#0571b0", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1,
        "circle-radius": ["case", ["has", "n"], ["min", 14, ["+", 5, ["sqrt", ["get", "n"]]]], 5],
      },
    },
    {
      id: "locaties", type: "circle", source: "bz", "source-layer": "locaties",
      paint: {
        "circle-color": ["match", ["get", "klasse"], "hoog", colours.hoog, "midden", colours.midden, colours.laag],
        "circle-radius": ["case", ["has", "n"], ["min", 12, ["+", 3, ["sqrt", ["get", "n"]]]],
          ["match", ["get", "klasse"], "hoog", 6, "midden", 4.5, 3]],
        "circle-stroke-color": "#ffffff", "circle-stroke-width": 1,
      },
    },
  ].filter((l) => l.type === "background" || allowed.includes(l.id));

  // An optional raster base map (configured by the administrator; never in the demo).
  const sources = {};
  if (el.dataset.basemap) {
    sources.basemap = {
      type: "raster", tiles: [el.dataset.basemap], tileSize: 256, maxzoom: 19,
      attribution: el.dataset.basemapAttribution || "",
    };
    styleLayers.splice(1, 0, { id: "basiskaart", type: "raster", source: "basemap" });
  }
  const tiles = new URL(el.dataset.tiles, window.location.origin).toString()
    .replace(/%7B/g, "{").replace(/%7D/g, "}");
  const bounds = el.dataset.bounds ? JSON.parse(el.dataset.bounds) : [3.3, 50.75, 7.23, 53.7];
  const map = new maplibregl.Map({
    container: el,
    style: {
      version: 8,
      sources: { ...sources, bz: { type: "vector", tiles: [tiles], minzoom: 6, maxzoom: 16 } },
      layers: styleLayers,
    },
    bounds,
    fitBoundsOptions: { padding: 20 },
    minZoom: 6,
    maxZoom: 18,
    attributionControl: false,
    locale: nl ? {
      "Map.Title": "Kaart van het buitengebied",
      "NavigationControl.ZoomIn": "Inzoomen",
      "NavigationControl.ZoomOut": "Uitzoomen",
      "NavigationControl.ResetBearing": "Noord boven",
      "ScaleControl.Meters": "m",
      "ScaleControl.Kilometers": "km",
    } : { "Map.Title": "Map of the rural area" },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));
  map.addControl(new maplibregl.AttributionControl({
    compact: false,
    customAttribution: nl ? "Gegevens: BAG, CBS, partners — Buitenzicht" : "Data: BAG, CBS, partners — Buitenzicht",
  }));
  el.dataset.state = "loading";
  map.on("idle", () => { el.dataset.state = "ready"; });
  map.on("error", (e) => { el.dataset.error = String(e && e.error && e.error.message || e); });

  // Layer toggles (the checkboxes are in the page, so they work by keyboard).
  document.querySelectorAll(".bz-layers input[name=laag]").forEach((box) => {
    box.addEventListener("change", () => {
      const ids = box.value === "gemeenten" ? ["gemeenten"] : [box.value];
      ids.forEach((id) => {
        if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", box.checked ? "visible" : "none");
      });
    });
  });

  const panel = document.getElementById("kaart-details");
  function row(dl, key, value) {
    if (value === undefined || value === null || value === "") return;
    const dt = document.createElement("dt");
    dt.textContent = labels[key] || key;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    dl.append(dt, dd);
  }
  function show(title, fill) {
    panel.replaceChildren();
    const h = document.createElement("h3");
    h.className = "utrecht-heading-3";
    h.textContent = title;
    const dl = document.createElement("dl");
    dl.className = "bz-dl";
    panel.append(h, dl);
    fill(dl);
    panel.focus();
  }
  const order = ["locaties", "incidenten", "signalen", "vierkanten", "gemeenten"].filter((id) => allowed.includes(id));
  map.on("click", async (e) => {
    const feats = map.queryRenderedFeatures(e.point, { layers: order.filter((id) => map.getLayer(id)) });
    if (!feats.length) return;
    feats.sort((a, b) => order.indexOf(a.layer.id) - order.indexOf(b.layer.id));
    const f = feats[0];
    const p = f.properties || {};
    const id = f.layer.id;
    if (id === "locaties" && p.n) {
      show(labels.cluster, (dl) => { row(dl, "n", p.n); row(dl, "hoog", p.hoog); });
    } else if (id === "locaties") {
      show(labels.locatie, (dl) => { row(dl, "klasse", (labels.klassen || {})[p.klasse] || p.klasse); row(dl, "score", p.score); });
      const q = new URL(el.dataset.tiles, window.location.origin).search;
      const r = await fetch(`/kaart/locatie/${encodeURIComponent(p.id)}${q}`, { headers: { accept: "application/json" } });
      if (r.ok) {
        const d = await r.json();
        show(labels.locatie, (dl) => {
          row(dl, "adres", `${d.adres}, ${d.postcode || ""} ${d.woonplaats}`);
          row(dl, "klasse", d.klasse_label);
          row(dl, "score", Number(d.score).toFixed(3));
          const a = document.createElement("a");
          a.className = "utrecht-link";
          a.href = d.href;
          a.textContent = labels.open;
          const dd = document.createElement("dd");
          dd.append(a);
          dl.append(dd);
        });
      }
    } else if (id === "incidenten" || id === "signalen") {
      show(id === "incidenten" ? labels.incident : labels.signaal, (dl) => {
        if (p.n) { row(dl, "n", p.n); return; }
        row(dl, "soort", p.soort); row(dl, "datum", p.datum);
      });
    } else if (id === "vierkanten") {
      show(`${labels.vierkant} ${p.code}`, (dl) => {
        if (p.onderdrukt) { row(dl, "adressen", labels.onderdrukt); return; }
        ["adressen", "buitengebied", "hoog", "gem_score", "incidenten", "signalen"].forEach((k) => row(dl, k, p[k]));
      });
    } else {
      show(`${labels.gemeente} ${p.naam}`, (dl) => { row(dl, "code", p.code); });
    }
  });
  map.on("mousemove", (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: order.filter((id) => map.getLayer(id) && id !== "gemeenten") });
    map.getCanvas().style.cursor = hit.length ? "pointer" : "";
  });
  window.bzMap = map;
})();
