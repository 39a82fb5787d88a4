// The residents' survey in the browser: the AOV'er's pages (list, the demo's
// completed survey, its report), a new survey published to the buitengebied,
// and the public form with a code from the mailing file: errors tied to
// fields, save and continue, an unknown code; axe on every page.
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

test("the AOV'er reads the demo survey and its report, publishes a new one, and a resident answers", async () => {
  const page = await newPage(browser);
  await login(page, server.base, server.accounts.find((a) => a.role === "aov"));
  await page.goto(`${server.base}/enquetes`);
  await noViolations(page, "survey list");
  await page.click("main table a");
  await page.waitForURL(/\/enquetes\/[^/]+$/);
  assert.match(await page.textContent("#status"), /gesloten/);
  await noViolations(page, "completed survey");
  await page.click("text=Rapport bekijken");
  await page.waitForURL(/\/rapport$/);
  assert.match(await page.textContent("main"), /Handelingsperspectief/);
  await noViolations(page, "survey report");

  // A new survey, published to every address in the buitengebied.
  await page.goto(`${server.base}/enquetes`);
  await page.fill("#title", "Tweede meting");
  await page.click("main form button[type=submit]");
  await page.waitForURL(/\/enquetes\/[^/]+$/);
  await noViolations(page, "concept survey");
  await page.click("form[action$='/publiceren'] button[type=submit]");
  await page.waitForSelector("#invited");
  const survey = page.url();
  const csv = await (await page.request.get(`${survey}/brieven.csv`)).text();
  const code = csv.split("\n")[1].split(",")[4];
  assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await noViolations(page, "published survey");
  await page.goto(`${survey}/papier`);
  await noViolations(page, "paper entry");
  await page.context().close();

  // The resident: no login, the code from the letter.
  const resident = await newPage(browser);
  await resident.goto(`${server.base}/enquete`);
  await noViolations(resident, "code page");
  await resident.fill("#code", "K7MXQ-4RPWA");
  await resident.click("main button[type=submit]");
  await noViolations(resident, "code with a typing error");
  await resident.fill("#code", code.toLowerCase());
  await resident.click("main button[type=submit]");
  await resident.waitForSelector("input[name=page]", { state: "attached" });
  await noViolations(resident, "first page");
  // Next without the required answers: errors at their fields.
  await resident.click("button[value=next]");
  await resident.waitForSelector("#form-errors");
  assert.ok((await resident.locator(".bz-error").count()) > 0);
  await noViolations(resident, "first page with errors");
  // Save and continue later with the same code.
  await resident.click("button[value=save]");
  await resident.waitForSelector("#saved");
  await noViolations(resident, "saved page");
  const cookies = await resident.context().cookies();
  assert.equal(cookies.length, 0, "no cookie is set for the survey");
  assert.deepEqual(resident.externalRequests, []);
  await resident.context().close();
});
