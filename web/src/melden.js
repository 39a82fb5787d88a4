// The public report form (/melden), progressive enhancement only: without
// this script the address search reloads the page with the results, and the
// form works the same. With it: the address search answers in place, and a
// map (MapLibre, no base map from elsewhere: only the municipality outlines
// from our own server) takes a pin by mouse or touch. Keyboard users use the
// address search; the map is an extra.
(function () {
  "use strict";
  const form = document.getElementById("meldformulier");
  const search = document.getElementById("adres-zoeken");
  const results = document.getElementById("adres-resultaten");
  if (!form || !search || !results) return;
  const lon = document.getElementById("lon");
  const lat = document.getElementById("lat");
  const status = document.getElementById("pin-status");
  const mapEl = document.getElementById("meldkaart");
  const nl = document.documentElement.lang !== "en";
  const t = {
    none: nl
      ? "Geen adres gevonden. Controleer de postcode of straatnaam, of zet een punt op de kaart."
      : "No address found. Check the postcode or street name, or put a pin on the map.",
    found: (n) => (nl ? `${n} adres(sen) gevonden. Kies het juiste adres.` : `${n} address(es) found. Choose the right one.`),
    failed: nl ? "Zoeken lukte niet. Probeer het opnieuw." : "Searching failed. Please try again.",
  };

  let map = null;
  let marker = null;

  function showMarker(lngLat) {
    if (!map) return;
    if (!marker) marker = new maplibregl.Marker({ color: "#b2182b" });
    marker.setLngLat(lngLat).addTo(map);
  }

  function clearPin() {
    lon.value = "";
    lat.value = "";
    status.textContent = "";
    if (marker) marker.remove();
  }

  // Address search in place.
  search.addEventListener("submit", async (ev) => {
    const q = search.querySelector("input[name=adres]").value.trim();
    if (!q) return;
    ev.preventDefault();
    let list;
    try {
      const r = await fetch(`/melden/adressen?q=${encodeURIComponent(q)}`, { headers: { accept: "application/json" } });
      if (!r.ok) throw new Error(String(r.status));
      list = await r.json();
    } catch {
      results.replaceChildren(paragraph(t.failed));
      return;
    }
    const nodes = [paragraph(list.length ? t.found(list.length) : t.none)];
    for (const a of list) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "bag_id";
      input.value = a.id;
      input.dataset.lon = a.lon;
      input.dataset.lat = a.lat;
      if (list.length === 1) input.checked = true;
      label.append(input, ` ${a.label}`);
      nodes.push(label);
    }
    results.replaceChildren(...nodes);
    const chosen = results.querySelector("input[name=bag_id]:checked");
    if (chosen) choose(chosen);
  });

  function paragraph(text) {
    const p = document.createElement("p");
    p.className = "utrecht-paragraph";
    p.textContent = text;
    return p;
  }

  // Choosing an address replaces a pin, and shows the address on the map.
  function choose(input) {
    clearPin();
    if (map && input.dataset.lon) {
      const ll = [Number(input.dataset.lon), Number(input.dataset.lat)];
      showMarker(ll);
      map.flyTo({ center: ll, zoom: 14 });
    }
  }
  results.addEventListener("change", (ev) => {
    if (ev.target.name === "bag_id") choose(ev.target);
  });

  // The pin map.
  if (!mapEl || typeof maplibregl === "undefined") return;
  mapEl.hidden = false;
  mapEl.setAttribute("role", "region");
  mapEl.setAttribute("aria-label", mapEl.dataset.label);
  maplibregl.setWorkerUrl("/static/maplibre-gl-csp-worker.js");
  map = new maplibregl.Map({
    container: mapEl,
    style: {
      version: 8,
      sources: { gemeenten: { type: "geojson", data: "/melden/gemeenten.geojson" } },
      layers: [
        { id: "achtergrond", type: "background", paint: { "background-color": "#f4f1e8" } },
        { id: "gemeenten-vlak", type: "fill", source: "gemeenten", paint: { "fill-color": "#dfe8d5", "fill-opacity": 0.6 } },
        { id: "gemeenten", type: "line", source: "gemeenten", paint: { "line-color": "#1f2a44", "line-width": 1.5 } },
      ],
    },
    bounds: [3.3, 50.75, 7.23, 53.6],
    fitBoundsOptions: { padding: 10 },
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  window.bzMeldMap = map;
  map.on("load", async () => {
    // Zoom to the municipalities we have data for.
    try {
      const r = await fetch("/melden/gemeenten.geojson");
      const fc = await r.json();
      const b = new maplibregl.LngLatBounds();
      for (const f of fc.features) for (const poly of f.geometry.coordinates) for (const p of poly[0]) b.extend(p);
      if (!b.isEmpty()) map.fitBounds(b, { padding: 20, duration: 0 });
    } catch {}
    if (lon.value && lat.value) showMarker([Number(lon.value), Number(lat.value)]);
    mapEl.dataset.state = "ready";
  });
  map.on("click", (ev) => {
    const ll = ev.lngLat;
    lon.value = ll.lng.toFixed(6);
    lat.value = ll.lat.toFixed(6);
    for (const r of results.querySelectorAll("input[name=bag_id]")) r.checked = false;
    showMarker(ll);
    status.textContent = `${mapEl.dataset.pinSet} (${ll.lat.toFixed(5)}, ${ll.lng.toFixed(5)})`;
    const clear = document.createElement("button");
    clear.type = "button";
    clear.className = "utrecht-button utrecht-button--secondary-action bz-small";
    clear.textContent = mapEl.dataset.pinClear;
    clear.addEventListener("click", clearPin);
    status.append(" ", clear);
  });
})();
