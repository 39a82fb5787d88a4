// The residents' survey in the browser: the AOV'er's pages (list, the demo's
// completed survey, its report), a new survey whose questionnaire is changed
// once (two versions, each readable) and then published to the buitengebied,
// and the public form with a code from the mailing file: errors tied to
// fields, save and continue, an unknown code; then the same resident comes
// back with the code and answers the whole form: skip logic within a page
// and across pages, back, send, the closing page, and the code is used up.
// axe on every page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, login, axe } from "../lib.mjs";

let server, browser;
// The invitation code of the survey published in the first test.
let code;
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
  const survey = page.url();

  // The questionnaire is versioned: version 1 at creation, each version's
  // text read-only on a page of its own.
  assert.equal(await page.textContent("#version"), "Vragenlijst versie 1");
  await page.click("#versions a[href$='/versies/1']");
  await page.waitForURL(/\/versies\/1$/);
  await noViolations(page, "questionnaire version 1");
  const text = await page.textContent("#definition-text");
  assert.match(text, /"label::nl" = "Over uw adres"/);
  // The concept saved with a changed questionnaire: version 2.
  await page.goto(survey);
  await page.fill("#definition", text.replace('"Over uw adres"', '"Over uw woning"'));
  await page.click("form:has(#definition) button[type=submit]");
  await page.waitForSelector("#versions a[href$='/versies/2']");
  assert.equal(await page.textContent("#version"), "Vragenlijst versie 2");
  assert.equal(await page.locator("#versions tbody tr").count(), 2);
  await noViolations(page, "concept survey with two questionnaire versions");

  await page.click("form[action$='/publiceren'] button[type=submit]");
  await page.waitForSelector("#invited");
  assert.equal(page.url(), survey);
  assert.equal(await page.textContent("#version"), "Vragenlijst versie 2 (gepubliceerd)");
  // The earlier version stays readable and points to the published one.
  await page.click("#versions a[href$='/versies/1']");
  await page.waitForURL(/\/versies\/1$/);
  assert.match(await page.textContent("#definition-text"), /"Over uw adres"/);
  assert.equal(await page.locator("#version-state a[href$='/versies/2']").count(), 1);
  await noViolations(page, "earlier questionnaire version");
  await page.goto(`${survey}/versies/2`);
  assert.match(await page.textContent("#version-state"), /gepubliceerd/);
  await noViolations(page, "published questionnaire version");
  await page.goto(survey);
  const csv = await (await page.request.get(`${survey}/brieven.csv`)).text();
  code = csv.split("\n")[1].split(",")[4];
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

async function pageNumber(page) {
  const m = (await page.textContent("main")).match(/Pagina (\d+) \/ (\d+)/);
  assert.ok(m, "page number shown");
  return [Number(m[1]), Number(m[2])];
}

async function next(page) {
  await Promise.all([page.waitForLoadState("load"), page.click("button[value=next]")]);
}

test("the resident comes back with the code, skip logic shows follow-up questions only when they apply, and sends", async () => {
  assert.ok(code, "the first test published a survey");
  const r = await newPage(browser);
  await r.goto(`${server.base}/enquete?code=${code}`);
  await r.waitForSelector("input[name=page]", { state: "attached" });
  assert.deepEqual(await pageNumber(r), [1, 7]);
  await r.check("input[name=q01][value=woon]");
  await next(r);
  assert.deepEqual(await pageNumber(r), [2, 7]);
  await next(r);
  await r.check("input[name=q06][value=redelijk]");
  await next(r);

  // Across pages: "nee" on q09 hides q10 and q11 (same page, nothing added).
  assert.deepEqual(await pageNumber(r), [4, 7]);
  assert.equal(await r.locator("fieldset#q10").count(), 0);
  await r.check("input[name=q09][value=nee]");
  await next(r);

  // Within the page: "ja, in de afgelopen 5 jaar" calls up q13 to q17 on the
  // same page; the form stays there once and says so.
  assert.deepEqual(await pageNumber(r), [5, 7]);
  for (const q of ["q13", "q14", "q15", "q16", "q17", "q18"]) {
    assert.equal(await r.locator(`#${q}`).count(), 0, `${q} hidden before q12 is answered`);
  }
  await r.check("input[name=q12][value=ja5]");
  await next(r);
  assert.deepEqual(await pageNumber(r), [5, 7]);
  await r.waitForSelector("#added");
  for (const q of ["q13", "q14", "q15", "q16", "q17"]) {
    assert.equal(await r.locator(`fieldset#${q}`).count(), 1, `${q} shown after ja5`);
  }
  assert.equal(await r.locator("fieldset#q18").count(), 0, "q18 only after 'nee' on q17");
  await noViolations(r, "page with added questions");
  await r.check("input[name=q13][value=opslag]");
  await r.check("input[name=q17][value=nee]");
  await next(r);
  // q17 = nee calls up q18 ("waarom niet gemeld").
  assert.deepEqual(await pageNumber(r), [5, 7]);
  assert.equal(await r.locator("fieldset#q18").count(), 1);
  await r.check("input[name=q18][value=wraak]");
  await next(r);
  assert.deepEqual(await pageNumber(r), [6, 7]);

  // Back, and change q12 to "nee": the follow-up questions disappear and
  // their answers are dropped.
  await Promise.all([r.waitForLoadState("load"), r.click("button[value=back]")]);
  assert.deepEqual(await pageNumber(r), [5, 7]);
  assert.equal(await r.isChecked("input[name=q13][value=opslag]"), true, "answers kept on back");
  await r.check("input[name=q12][value=nee]");
  await next(r);
  assert.deepEqual(await pageNumber(r), [6, 7]);
  await Promise.all([r.waitForLoadState("load"), r.click("button[value=back]")]);
  assert.equal(await r.locator("fieldset#q13").count(), 0, "q13 hidden after nee");
  await next(r);

  // The last pages, a required question left open on send.
  await r.check("input[name=q20][value=waarschijnlijk]");
  await next(r);
  assert.deepEqual(await pageNumber(r), [7, 7]);
  await noViolations(r, "last page");
  await r.fill("#q29", "Meer verlichting bij de schuren.");
  await Promise.all([r.waitForLoadState("load"), r.click("button[value=send]")]);
  await r.waitForSelector("#done");
  await noViolations(r, "closing page");

  // The code is used up: the neutral page that an unknown code also gets.
  await r.goto(`${server.base}/enquete?code=${code}`);
  await r.waitForSelector("#unavailable");
  assert.doesNotMatch(await r.textContent("main"), /Pagina \d/);
  assert.deepEqual(r.externalRequests, []);
  assert.equal((await r.context().cookies()).length, 0);
  await r.context().close();
});
