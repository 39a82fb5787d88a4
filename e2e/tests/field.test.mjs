// De boer op, integrale acties and coaching in the browser: the demo round
// with its routes and route sheet, the visit form on a phone that loses its
// connection (the visit waits on the device and is sent when the connection
// returns), the demo action, and the coach's file versus the coarse view;
// axe on every page.
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

test("a team records a visit on a phone, offline first, and the round counts it", async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, server.base, server.accounts.find((a) => a.username === "demo.toezichthouder"));
  await page.goto(`${server.base}/deboerop`);
  await noViolations(page, "rounds");
  await page.click("main table a");
  await page.waitForURL(/\/deboerop\/[^/]+$/);
  await page.waitForSelector("#route-kaart[data-loaded=true]", { timeout: 20000 });
  await noViolations(page, "round");
  const round = page.url();
  const before = Number(await page.textContent("#fig-visited"));
  await page.click("main section a[href*='/route/']");
  await page.waitForURL(/\/route\//);
  await noViolations(page, "route sheet");
  assert.doesNotMatch(await page.textContent("main"), /score/i, "no scan scores on paper");

  // An address without a visit yet: the last rows of a team are not visited in the demo.
  await page.goto(round);
  const links = page.locator("main section table a[href*='/bezoek/']");
  const target = await links.nth((await links.count()) - 1).getAttribute("href");
  await page.goto(`${server.base}${target}`);
  await noViolations(page, "visit form");
  await page.check("input[name=outcome][value=gesproken]");
  await page.check("input[name=topics][value=leegstand_verhuur]");
  await page.check("input[name=materials][value=flyer]");
  await page.context().setOffline(true);
  await page.click("main form button[type=submit]");
  await page.waitForSelector("#offline-status:not([hidden])");
  assert.match(await page.textContent("#offline-status"), /Geen verbinding/);
  await noViolations(page, "visit form offline");
  await page.context().setOffline(false);
  await page.waitForFunction(() => /verstuurd/.test(document.getElementById("offline-status").textContent));
  await page.goto(round);
  assert.equal(Number(await page.textContent("#fig-visited")), before + 1);
  await page.context().close();
});

test("the action and the coach's compartment", async () => {
  const aov = await newPage(browser);
  await login(aov, server.base, server.accounts.find((a) => a.role === "aov"));
  await aov.goto(`${server.base}/acties`);
  await noViolations(aov, "actions");
  await aov.click("main table a");
  await aov.waitForURL(/\/acties\/[^/]+$/);
  await noViolations(aov, "action");
  assert.doesNotMatch(await aov.textContent("main"), /Restanten van een kwekerij/, "police details are not shared with the municipality");
  await aov.goto(`${server.base}/coaching`);
  await noViolations(aov, "referrals (coarse)");
  await aov.click("main table a");
  await aov.waitForSelector("#compartment");
  assert.doesNotMatch(await aov.textContent("main"), /keukentafel/);
  await noViolations(aov, "referral (coarse)");
  await aov.context().close();

  const coach = await newPage(browser);
  await login(coach, server.base, server.accounts.find((a) => a.role === "coach"));
  await coach.goto(`${server.base}/coaching`);
  await noViolations(coach, "referrals (coach)");
  await coach.click("main table a >> nth=1");
  await coach.waitForSelector("main");
  const text = await coach.textContent("main");
  if (/keukentafel/.test(text)) {
    assert.match(text, /gefinancierd door het programma/);
  }
  await noViolations(coach, "coach file");
  await coach.context().close();
});
