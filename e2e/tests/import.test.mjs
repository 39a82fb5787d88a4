// The import upload page in the browser: only the fields of the chosen kind
// are shown, a bad file is refused with Dutch lines naming the file, line and
// column, a good file is imported with the upload and job progress; field
// errors from the server appear beside their fields; axe on each state.
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

const header = "id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status\n";
const good =
  header +
  "9901010000000001,230000.0,455000.0,GM9999,woonfunctie,120,1970,Verblijfsobject in gebruik\n" +
  "9901010000000002,230100.0,455100.0,GM9999,industriefunctie,900,1965,Verblijfsobject buiten gebruik\n";
const bad = header + "9901010000000003,veel,455000.0,GM9999,woonfunctie,120,1970,Verblijfsobject in gebruik\n";

test("an analyst uploads a bad and a good address file and follows the imports", async () => {
  const page = await newPage(browser);
  await login(page, server.base, server.accounts.find((a) => a.role === "analist"));
  await page.goto(`${server.base}/beheer/import`);
  await noViolations(page, "import form");
  // BAG is chosen: its fields show, the partner fields do not.
  assert.ok(await page.isVisible("#peildatum"));
  assert.ok(!(await page.isVisible("#grondslag")));
  await page.check("input[name=soort][value=incidenten]");
  assert.ok(await page.isVisible("#grondslag"));
  assert.ok(!(await page.isVisible("#peildatum")));

  // Incidents without source, legal basis and retention: errors at the fields.
  await page.setInputFiles("#bestand", { name: "incidenten.csv", mimeType: "text/csv", buffer: Buffer.from("id,x,y,datum,soort\n") });
  await page.click("#import-form button[type=submit]");
  await page.waitForSelector("#form-errors:not([hidden])");
  assert.equal(await page.getAttribute("#grondslag", "aria-invalid"), "true");
  assert.match(await page.textContent("#grondslag-error"), /wettelijke grondslag/);
  await noViolations(page, "import form with errors");

  // A bad address file: refused, with the line and column in Dutch.
  await page.check("input[name=soort][value=bag]");
  await page.setInputFiles("#bestand", { name: "fout.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.click("#import-form button[type=submit]");
  await page.waitForURL(/\/beheer\/import\/[0-9a-f]{32}$/);
  await page.waitForSelector("#problems", { timeout: 20000 });
  assert.match(await page.textContent("#problems"), /fout\.csv, regel 2, kolom x/);
  await noViolations(page, "refused import");

  // A good file: imported.
  await page.goto(`${server.base}/beheer/import`);
  await page.setInputFiles("#bestand", { name: "adressen.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await page.click("#import-form button[type=submit]");
  await page.waitForURL(/\/beheer\/import\/[0-9a-f]{32}$/);
  await page.waitForSelector(".bz-notice--ok", { timeout: 20000 });
  assert.match(await page.textContent("main"), /2 adressen geïmporteerd/);
  await noViolations(page, "finished import");

  // Both jobs are listed on the form page.
  await page.goto(`${server.base}/beheer/import`);
  assert.equal(await page.locator("main table tbody tr").count(), 2);
  await noViolations(page, "import form with jobs");
  await page.context().close();
});
