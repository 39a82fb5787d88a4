// The gebiedsscan in the browser: the demo's run, an address's explanation,
// a recorded decision; a partner sees only the totals.
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

test("an analyst opens the demo scan, reads an explanation and records a decision", async () => {
  const page = await newPage(browser);
  await login(page, server.base, server.accounts.find((a) => a.role === "analist"));
  await page.click("nav.bz-nav a[href='/gebiedsscan']");
  await noViolations(page, "scan list");
  await page.click("main table a");
  await page.waitForURL(/\/gebiedsscan\/[0-9a-f-]+$/);
  assert.match(await page.textContent("main"), /gebiedsscan-v1/);
  await noViolations(page, "scan run");
  saveArtifact("scan-run.png", await page.screenshot({ fullPage: false }));
  await page.selectOption("#klasse", "hoog");
  await page.click("form[method=get] button");
  const first = page.locator("main table a").first();
  await first.click();
  await page.waitForURL(/\/adres\//);
  const rows = await page.$$eval("#explanation tbody tr", (trs) => trs.length);
  assert.equal(rows, 7, "six indicators and the total");
  await noViolations(page, "scan address");
  await page.check("input[name=decision][value=gesprek_de_boer_op]");
  await page.fill("#reason", "Gestopt bedrijf met grote loods; wijkagent kent de eigenaar niet.");
  await page.click("form[action$='/besluit'] button");
  assert.match(await page.textContent("#decisions"), /gesprek \(de boer op\)/);
  await noViolations(page, "scan address after decision");
  await page.context().close();
});

test("a partner sees the distribution of the scan but no addresses", async () => {
  const page = await newPage(browser);
  await login(page, server.base, server.accounts.find((a) => a.role === "partner"));
  await page.goto(`${server.base}/gebiedsscan`);
  await page.click("main table a");
  await page.waitForURL(/\/gebiedsscan\/[0-9a-f-]+$/);
  const text = await page.textContent("main");
  assert.match(text, /totalen/);
  assert.equal(await page.locator("a[href*='/adres/']").count(), 0);
  await noViolations(page, "scan run (partner)");
  await page.goto(`${server.base}/algoritmeregister`);
  await noViolations(page, "algorithm register");
  await page.context().close();
});
