// Public reporting in the browser, without logging in: the anonymous form
// with the address search, a pin on the map, a photo and the confirmation
// with meldcode and secret; contact details by choice; the follow-up with
// the codes and an addition; a keyboard-only report. axe on every page, and
// no request leaves the server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, axe, saveArtifact } from "../lib.mjs";

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

/** A small JPEG made by the browser's canvas. */
async function jpeg(page) {
  const data = await page.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 40;
    c.height = 30;
    const g = c.getContext("2d");
    g.fillStyle = "#4a7";
    g.fillRect(0, 0, 40, 30);
    g.fillStyle = "#a33";
    g.fillRect(10, 5, 15, 15);
    return c.toDataURL("image/jpeg", 0.9).split(",")[1];
  });
  return Buffer.from(data, "base64");
}

/** Press Tab until the element matching `selector` has the focus. */
async function tabTo(page, selector, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`${selector} not reachable with Tab`);
}

async function demoAddress() {
  const r = await fetch(`${server.base}/melden/adressen?q=Dorpsstraat`);
  const list = await r.json();
  assert.ok(list.length > 0, "the demo has a Dorpsstraat");
  return list[0];
}

test("an anonymous report with the address search, a photo, then the follow-up", async () => {
  const page = await newPage(browser);
  await page.goto(`${server.base}/melden`);
  assert.match(await page.textContent("#spoed"), /112/);
  await page.waitForSelector("#meldkaart[data-state=ready]", { timeout: 30_000 });
  await noViolations(page, "report form");

  const addr = await demoAddress();
  await page.fill("#adres", addr.label.split(",")[0]);
  await page.click("#adres-zoeken button[type=submit]");
  await page.waitForSelector(`#adres-resultaten input[value="${addr.id}"]`);
  await page.check(`#adres-resultaten input[value="${addr.id}"]`);
  await page.check("input[name=category][value=drugsafval]");
  await page.fill("#description", "Blauwe vaten in de sloot achter de schuur, ze lekken en het stinkt.");
  await page.setInputFiles("#foto", { name: "vaten.jpg", mimeType: "image/jpeg", buffer: await jpeg(page) });
  await noViolations(page, "report form with search results");
  await page.click("#meldformulier button[type=submit]");
  await page.waitForSelector("#meldcode");
  const meldcode = (await page.textContent("#meldcode")).trim();
  const secret = (await page.textContent("#geheim")).trim();
  assert.match(meldcode, /^M-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  assert.match(secret, /^([2-9A-Z]{4}-){4}[2-9A-Z]{4}$/);
  assert.match(await page.textContent("main"), /Aantal foto's ontvangen \(zonder extra gegevens\): 1/);
  assert.match(await page.textContent("main"), /anoniem gemeld/);
  const cookies = await page.context().cookies();
  assert.deepEqual(cookies, [], "no cookie for a reporter");
  saveArtifact("melden-ontvangen.png", await page.screenshot({ fullPage: true }));
  await noViolations(page, "confirmation");

  // Follow-up: a wrong secret, then the right one, then an addition.
  await page.click("a[href='/melden/status']");
  await noViolations(page, "status form");
  await page.fill("#meldcode", meldcode);
  await page.fill("#geheim", "2222-3333-4444-5555-6666");
  await page.click("main button[type=submit]");
  await page.waitForSelector("[role=alert]");
  assert.match(await page.textContent("[role=alert]"), /kennen we niet/);
  await page.fill("#meldcode", meldcode.toLowerCase());
  await page.fill("#geheim", secret);
  await page.click("main button[type=submit]");
  await page.waitForSelector("#status");
  assert.match(await page.textContent("#status"), /Ontvangen/);
  assert.match(await page.textContent("#status"), /Drugsafval of dumping/);
  await noViolations(page, "status");
  await page.fill("#aanvulling", "Er staan nu ook jerrycans bij het hek.");
  await page.click("form[action='/melden/aanvullen'] button[type=submit]");
  await page.waitForSelector("#aanvullingen");
  assert.match(await page.textContent("#aanvullingen"), /jerrycans bij het hek/);
  await noViolations(page, "status after an addition");
  assert.deepEqual(page.externalRequests, [], "no third-party request");
  await page.context().close();
});

test("a pin on the map and contact details by choice; errors at the fields", async () => {
  const page = await newPage(browser);
  await page.goto(`${server.base}/melden`);
  await page.waitForSelector("#meldkaart[data-state=ready]", { timeout: 30_000 });

  // Sending nothing names every missing field.
  await page.click("#meldformulier button[type=submit]");
  await page.waitForSelector("#form-errors");
  for (const id of ["#category-error", "#description-error", "#location-error"]) {
    assert.ok(await page.isVisible(id), id);
  }
  await noViolations(page, "report form with errors");

  await page.waitForSelector("#meldkaart[data-state=ready]", { timeout: 30_000 });
  await page.locator("#meldkaart").scrollIntoViewIfNeeded();
  const box = await page.locator("#meldkaart canvas").boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  assert.notEqual(await page.inputValue("#lon"), "");
  assert.match(await page.textContent("#pin-status"), /Punt op de kaart gezet/);
  await page.check("input[name=category][value=benaderd_door_criminelen]");
  await page.fill("#description", "Een man bood veel contant geld om mijn lege loods te huren.");
  await page.check("input[name=contact][value=ja]");
  await page.fill("#email", "boer@example.nl");
  await noViolations(page, "report form with a pin and contact details");
  await page.click("#meldformulier button[type=submit]");
  await page.waitForSelector("#meldcode");
  assert.match(await page.textContent("main"), /contactgegevens gegeven/);
  assert.deepEqual(page.externalRequests, [], "no third-party request");
  await page.context().close();
});

test("a report by keyboard only", async () => {
  const page = await newPage(browser);
  await page.goto(`${server.base}/melden`);
  const addr = await demoAddress();
  await tabTo(page, "#adres");
  await page.keyboard.type(addr.label.split(",")[0]);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`#adres-resultaten input[value="${addr.id}"]`);
  await tabTo(page, "#adres-resultaten input[name=bag_id]");
  await page.keyboard.press("Space");
  await tabTo(page, "input[name=category]");
  // Arrow keys move within the radio group; Space selects.
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  await tabTo(page, "#description");
  await page.keyboard.type("Veel auto's in de nacht bij de leegstaande stal, ramen dichtgeplakt.");
  await tabTo(page, "#meldformulier button[type=submit]");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#meldcode");
  assert.match((await page.textContent("#meldcode")).trim(), /^M-/);
  await page.context().close();
});

test("the report form and the status page in English pass axe", async () => {
  const page = await newPage(browser);
  await page.goto(`${server.base}/taal/en?terug=%2Fmelden`);
  await page.waitForURL(/\/melden$/);
  assert.match(await page.textContent("h1"), /Report something about the rural area/);
  assert.match(await page.textContent("#spoed"), /Call 112/);
  await page.waitForSelector("#meldkaart[data-state=ready]", { timeout: 30_000 });
  await noViolations(page, "report form (English)");
  await page.goto(`${server.base}/melden/status`);
  assert.match(await page.textContent("h1"), /Status of your report/);
  await noViolations(page, "status form (English)");
  await page.context().close();
});

test("without JavaScript the address search and the report still work", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "nl-NL" });
  const page = await context.newPage();
  await page.goto(`${server.base}/melden`);
  assert.equal(await page.isVisible("#meldkaart"), false, "no map without a script");
  const addr = await demoAddress();
  await page.fill("#adres", addr.label.split(",")[0]);
  await page.click("#adres-zoeken button[type=submit]");
  await page.waitForURL(/\/melden\?adres=/);
  await page.check(`#adres-resultaten input[value="${addr.id}"]`);
  await page.check("input[name=category][value=overig]");
  await page.fill("#description", "Onbekende mensen slapen in de oude kippenschuur.");
  await page.click("#meldformulier button[type=submit]");
  await page.waitForSelector("#meldcode");
  assert.match((await page.textContent("#meldcode")).trim(), /^M-/);
  await context.close();
});
