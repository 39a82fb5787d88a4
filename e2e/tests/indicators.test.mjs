// Indicator sets in the browser: the list, the form with a refused weight
// set (errors tied to the fields), and the detail page; axe on each.
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

test("an analyst reads the indicator sets and gets clear errors on a bad new version", async () => {
  const page = await newPage(browser);
  await login(page, server.base, server.accounts.find((a) => a.role === "analist"));
  await page.goto(`${server.base}/gebiedsscan/indicatorsets`);
  assert.match(await page.textContent("main"), /gebiedsscan-v1/);
  await noViolations(page, "indicator sets");
  await page.goto(`${server.base}/gebiedsscan/indicatorsets/nieuw`);
  await noViolations(page, "new indicator set");
  const weight = page.locator("input[name$='weight'], input[name^='weight']").first();
  await weight.fill("0.99");
  await page.click("main form button[type=submit]");
  assert.ok((await page.locator("[aria-invalid=true], .bz-error").count()) > 0, "errors are shown at the fields");
  await noViolations(page, "new indicator set with errors");
  await page.goto(`${server.base}/gebiedsscan/indicatorsets/gebiedsscan-v1/1`);
  assert.equal((await page.goto(`${server.base}/gebiedsscan/indicatorsets/gebiedsscan-v1/1`)).status(), 200);
  await noViolations(page, "indicator set v1");
  await page.context().close();
});
