// The web shell: login by keyboard, every page in every role's navigation,
// axe-core on each page, a screenshot of the home page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, login, axe, freshCode, saveArtifact } from "../lib.mjs";

let server, browser;
const axeResults = [];

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
  saveArtifact("axe-results.json", JSON.stringify(axeResults, null, 2));
});

async function checkAxe(page, label) {
  const violations = await axe(page);
  axeResults.push({ page: label, url: page.url(), violations: violations.length });
  assert.deepEqual(violations, [], `axe violations on ${label}: ${JSON.stringify(violations, null, 2)}`);
}

function account(role) {
  const a = server.accounts.find((x) => x.role === role);
  assert.ok(a, `demo account for ${role}`);
  return a;
}

test("the login page passes axe and works by keyboard alone", async () => {
  const page = await newPage(browser);
  const a = account("aov");
  await page.goto(`${server.base}/login`);
  await checkAxe(page, "login");
  // Tab from the top of the page: skip link, brand, language switch, then the form.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "bz-skip");
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement.id)) !== "username"; i++) {
    await page.keyboard.press("Tab");
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), "username");
  await page.keyboard.type(a.username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(a.password);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/login\/code/);
  await checkAxe(page, "login code");
  await page.keyboard.press("Tab");
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement.id)) !== "code"; i++) {
    await page.keyboard.press("Tab");
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), "code");
  await page.keyboard.type(await freshCode(a.totp_secret));
  await page.keyboard.press("Enter");
  await page.waitForURL(`${server.base}/`);
  assert.match(await page.textContent("h1"), /Overzicht/);
  assert.deepEqual(page.externalRequests, [], "no third-party requests");
  await page.context().close();
});

for (const role of ["beheerder", "analist", "aov", "toezichthouder", "coach", "partner", "intake"]) {
  test(`every page in the navigation of ${role} passes axe, in Dutch and English`, async () => {
    const page = await newPage(browser);
    await login(page, server.base, account(role));
    const links = await page.$$eval("nav.bz-nav a", (as) => as.map((a) => a.getAttribute("href")));
    assert.ok(links.length >= 2, `navigation for ${role}: ${links}`);
    for (const href of links) {
      const r = await page.goto(`${server.base}${href}`);
      assert.equal(r.status(), 200, `${role} ${href}`);
      assert.equal(await page.getAttribute("html", "lang"), "nl");
      await checkAxe(page, `${role} ${href}`);
    }
    if (role === "aov") {
      await page.goto(`${server.base}/`);
      assert.match(await page.textContent("main"), /adressen/);
      saveArtifact("home.png", await page.screenshot({ fullPage: true }));
    }
    // Switch to English and check the home page again.
    await page.goto(`${server.base}/`);
    await page.click("header a[hreflang=en]");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.match(await page.textContent("h1"), /Overview/);
    await checkAxe(page, `${role} / (en)`);
    assert.deepEqual(page.externalRequests, [], "no third-party requests");
    await page.context().close();
  });
}

test("error pages are friendly and accessible", async () => {
  const page = await newPage(browser);
  const r = await page.goto(`${server.base}/bestaat-niet`);
  assert.equal(r.status(), 404);
  assert.match(await page.textContent("h1"), /Pagina niet gevonden/);
  await checkAxe(page, "404");
  await page.context().close();
});
