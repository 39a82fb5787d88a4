// The map in the browser: MapLibre renders Buitenzicht's own tiles with no
// external request; a click opens the side panel; the table view has the
// same squares; a partner gets aggregate layers only; axe on both views.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, login, axe, saveArtifact } from "../lib.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

async function noViolations(page, label) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe on ${label}: ${JSON.stringify(v, null, 2)}`);
}

async function mapReady(page) {
  await page.waitForSelector("#kaart[data-state=ready]", { timeout: 30_000 });
  const err = await page.getAttribute("#kaart", "data-error");
  assert.equal(err, null, `map error: ${err}`);
}

test("an analyst explores the map: locations, a click, the table view", async () => {
  const page = await newPage(browser);
  await login(page, server.base, server.accounts.find((a) => a.role === "analist"));
  await page.click("nav.bz-nav a[href='/kaart']");
  await mapReady(page);
  // Zoom in on the highest-scoring location so that it is drawn individually.
  const target = await page.evaluate(async () => {
    const map = window.bzMap;
    const f = map.queryRenderedFeatures({ layers: ["locaties"] })[0];
    if (!f) return null;
    map.jumpTo({ center: f.geometry.coordinates, zoom: 15 });
    await new Promise((r) => map.once("idle", r));
    const g = map.queryRenderedFeatures({ layers: ["locaties"] }).find((x) => x.properties.id && x.properties.klasse === "hoog");
    const p = map.project(g.geometry.coordinates);
    const box = map.getCanvas().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y, id: g.properties.id, klasse: g.properties.klasse };
  });
  assert.ok(target, "the demo's hoog locations are on the map at the municipality's zoom");
  assert.equal(target.klasse, "hoog");
  await page.mouse.click(target.x, target.y);
  await page.waitForSelector("#kaart-details a[href*='/adres/']");
  assert.match(await page.textContent("#kaart-details"), /Waarom deze locatie\?/);
  assert.deepEqual(page.externalRequests, [], "no third-party request");
  saveArtifact("map-analyst.png", await page.screenshot({ fullPage: false }));
  await noViolations(page, "map (analyst)");

  // The table view lists the same 500 m squares as the tiles at zoom ≥ 10.
  const squares = await page.evaluate(async () => {
    const map = window.bzMap;
    map.jumpTo({ zoom: 11 });
    await new Promise((r) => map.once("idle", r));
    const feats = map.querySourceFeatures("bz", { sourceLayer: "vierkanten" });
    const m = {};
    for (const f of feats) m[f.properties.code] = f.properties.adressen;
    return m;
  });
  assert.ok(Object.keys(squares).length > 10, "squares on the map");
  await page.click("#table-link");
  await page.waitForURL(/\/kaart\/tabel/);
  const rows = await page.$$eval("#squares tbody tr", (trs) =>
    Object.fromEntries(trs.map((tr) => [tr.querySelector("th").textContent.trim(), tr.querySelector("td").textContent.trim()])));
  for (const [code, n] of Object.entries(squares)) {
    assert.equal(rows[code]?.replace(/\./g, ""), String(n), `square ${code}`);
  }
  assert.ok((await page.locator("#locations a[href*='/adres/']").count()) > 0);
  await noViolations(page, "map table (analyst)");
  await page.context().close();
});

test("a partner sees only aggregate layers, small squares suppressed", async () => {
  const page = await newPage(browser);
  await login(page, server.base, server.accounts.find((a) => a.role === "partner"));
  await page.goto(`${server.base}/kaart`);
  await mapReady(page);
  assert.equal(await page.getAttribute("#kaart", "data-layers"), "gemeenten,vierkanten");
  const layers = await page.evaluate(() => window.bzMap.getStyle().layers.map((l) => l.id));
  assert.ok(!layers.includes("locaties") && !layers.includes("incidenten"));
  const r = await page.request.get(`${server.base}/kaart/locatie/0000000000000000`);
  assert.equal(r.status(), 403);
  await noViolations(page, "map (partner)");
  await page.goto(`${server.base}/kaart/tabel`);
  assert.equal(await page.locator("#locations").count(), 0);
  assert.match(await page.textContent("main"), /minder dan 5 adressen/);
  await noViolations(page, "map table (partner)");
  await page.context().close();
});

test("the municipality at a glance, for an AOV'er and a partner", async () => {
  for (const role of ["aov", "partner"]) {
    const page = await newPage(browser);
    await login(page, server.base, server.accounts.find((a) => a.role === role));
    await page.goto(`${server.base}/`);
    await page.click("a[href^='/gemeente/']");
    await page.waitForURL(/\/gemeente\/GM/);
    assert.match(await page.textContent("h1"), /Heidewolde/);
    assert.equal(await page.locator("svg[role=img] title").count(), 2, "two charts");
    const rows = await page.locator("#incidents-table tbody tr").count();
    assert.ok(rows >= 2, "incidents per kind and a total");
    assert.equal(await page.locator("#classes-table tbody tr").count(), 3);
    assert.ok((await page.locator("#signals-table tbody tr").count()) >= 1, "the demo's signals per category");
    await noViolations(page, `municipality page (${role})`);
    const pdf = await page.request.get(`${server.base}${await page.getAttribute("#pdf-link", "href")}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
    assert.equal((await pdf.body()).subarray(0, 4).toString(), "%PDF");
    await page.emulateMedia({ media: "print" });
    saveArtifact(`gemeente-${role}.pdf`, await page.pdf({ format: "A4" }).catch(() => Buffer.from("")));
    await page.context().close();
  }
});
