// Signals for professionals in the browser: the list, the intake form with
// errors at the fields, likely duplicates before saving, the signal page
// with a state change (and the required text refused), a merge, the
// drug-waste protocol ticked by keyboard, the overdue list and the
// workflow settings; axe on every page and state.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, login, axe } from "../lib.mjs";

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

const account = (role) => server.accounts.find((a) => a.role === role);

test("intake enters a signal, handles it, merges a duplicate and ticks the protocol", async () => {
  const page = await newPage(browser);
  await login(page, server.base, account("intake"));

  await page.goto(`${server.base}/signalen`);
  assert.equal(await page.textContent("h1"), "Signalen");
  assert.ok((await page.locator("#signalen-tabel tbody tr").count()) > 0, "the demo signals are listed");
  await noViolations(page, "signal list");
  await page.selectOption("#f-categorie", "drugsafval");
  await page.click("form.bz-filter button[type=submit], main form[action='/signalen'] button[type=submit]");
  await page.waitForURL(/categorie=drugsafval/);
  await noViolations(page, "filtered signal list");

  // A place next to an existing demo signal.
  const api = await (await page.request.get(`${server.base}/api/v1/signalen`)).json();
  const near = api.signalen.find((s) => s.x !== null && s.samengevoegd_in === null) || api.signalen[0];
  assert.ok(near && near.x, "a demo signal with a position");

  await page.goto(`${server.base}/signalen/nieuw`);
  await noViolations(page, "intake form");
  await page.click("main form button[type=submit]");
  await page.waitForSelector("#form-errors");
  for (const id of ["#source-error", "#category-error", "#description-error"]) {
    assert.ok(await page.isVisible(id), `${id} shown`);
  }
  assert.equal(await page.getAttribute("#description", "aria-invalid"), "true");
  await noViolations(page, "intake form with errors");

  await page.selectOption("#source", "erfbetreder");
  await page.selectOption("#category", "drugsafval");
  await page.fill("#description", "Erfbetreder zag blauwe vaten achter de loods, sterke anijsgeur.");
  await page.fill("#x", String(Math.round(near.x + 10)));
  await page.fill("#y", String(Math.round(near.y)));
  await page.click("main form button[type=submit]");
  await page.waitForSelector("#mogelijk-dubbel");
  await noViolations(page, "intake form with likely duplicates");
  await page.click("main form button[type=submit]");
  await page.waitForURL(/\/signalen\/[0-9a-f-]+\?ok=nieuw/);
  const signalUrl = page.url().split("?")[0];
  assert.match(await page.textContent("#melding-ok"), /opgeslagen/);
  assert.match(await page.textContent("#oorspronkelijk"), /blauwe vaten/);
  await noViolations(page, "signal page");

  // State change: the required text is refused, then given.
  await page.check("input[name=naar][value=afgehandeld]");
  await page.click("form[action$='/status'] button[type=submit]");
  await page.waitForSelector("#status-text-error");
  await noViolations(page, "signal page with a refused state change");
  await page.check("input[name=naar][value=in_behandeling]");
  await page.click("form[action$='/status'] button[type=submit]");
  await page.waitForURL(/ok=status/);
  assert.equal((await page.textContent("#status")).trim(), "In behandeling");

  // Merge the neighbouring demo signal into this one.
  assert.ok(await page.isVisible("#dubbele"), "duplicates are suggested");
  await page.locator("#dubbele form button").first().click();
  await page.waitForURL(/ok=samengevoegd/);
  assert.match(await page.textContent("#tijdlijn"), /samengevoegd in/);
  await noViolations(page, "signal page after a merge");

  // The drug-waste protocol, by keyboard: safety first.
  const safety = page.locator("#stap-veiligheid button");
  await safety.focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(/ok=protocol/);
  assert.match(await page.textContent("#stap-veiligheid"), /afgevinkt door Ilse Intake/);
  assert.match(await page.textContent("#protocol-voortgang"), /^1 van/);
  await noViolations(page, "signal page with a ticked step");

  // A photo: sent with the CSRF header by signalen.js, stored without metadata.
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
  await page.setInputFiles("#bijlage-form input[type=file]", { name: "schuur.png", mimeType: "image/png", buffer: png });
  await page.click("#bijlage-form button[type=submit]");
  await page.waitForURL(/ok=bijlage/);
  assert.match(await page.textContent("#bijlagen-lijst"), /schuur\.png/);
  const href = await page.getAttribute("#bijlagen-lijst a", "href");
  const img = await page.request.get(`${server.base}${href}`);
  assert.equal(img.headers()["content-type"], "image/png");
  // Not a photo or PDF: refused at the field.
  await page.setInputFiles("#bijlage-form input[type=file]", { name: "notities.txt", mimeType: "text/plain", buffer: Buffer.from("geen foto") });
  await page.click("#bijlage-form button[type=submit]");
  await page.waitForSelector("#upload-error:not([hidden])");
  assert.match(await page.textContent("#upload-error"), /foto/);
  await noViolations(page, "signal page with a refused file");

  await page.goto(`${server.base}/signalen/termijn`);
  await noViolations(page, "overdue list");
  await page.goto(signalUrl);
  assert.equal((await page.textContent("#status")).trim(), "In behandeling");
  assert.deepEqual(page.externalRequests, []);
  await page.context().close();
});

test("the page works by keyboard: skip link, then tab to the first signal", async () => {
  const page = await newPage(browser);
  await login(page, server.base, account("toezichthouder"));
  await page.goto(`${server.base}/signalen`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), "#inhoud");
  let href = "";
  for (let i = 0; i < 60 && !href.startsWith("/signalen/"); i++) {
    await page.keyboard.press("Tab");
    href = (await page.evaluate(() => document.activeElement.getAttribute("href"))) || "";
    if (href === "/signalen/nieuw" || href === "/signalen/termijn") href = "";
  }
  assert.match(href, /^\/signalen\/[0-9a-zA-Z-]+$/, "a signal link is reachable by Tab");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/signalen\/[^/]+$/);
  // A toezichthouder sees the summary, not the reporter's words.
  assert.equal(await page.locator("#oorspronkelijk").count(), 0);
  await noViolations(page, "signal page for a toezichthouder");
  await page.context().close();
});

test("a partner never reaches a single signal; the beheerder edits the workflow", async () => {
  const page = await newPage(browser);
  await login(page, server.base, account("partner"));
  const r = await page.goto(`${server.base}/signalen`);
  assert.equal(r.status(), 403);
  await page.context().close();

  const admin = await newPage(browser);
  await login(admin, server.base, account("beheerder"));
  await admin.goto(`${server.base}/beheer/workflow`);
  await noViolations(admin, "workflow settings");
  await admin.fill("input[name='deadline.drugsafval']", "nul");
  await admin.click("main form button[type=submit]");
  await admin.waitForSelector("#form-errors");
  await noViolations(admin, "workflow settings with errors");
  await admin.fill("input[name='deadline.drugsafval']", "3");
  await admin.click("main form button[type=submit]");
  await admin.waitForSelector("#opgeslagen");
  assert.equal(await admin.inputValue("input[name='deadline.drugsafval']"), "3");
  await admin.context().close();
});
