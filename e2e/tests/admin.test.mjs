// The administrator's job in the browser: create an organisation and a user,
// reset a password, deactivate a user, read the audit trail; and the new
// user's first login with second-factor enrolment.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
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

test("beheerder manages organisations and users, and sees the audit trail", async () => {
  const page = await newPage(browser);
  const admin = server.accounts.find((a) => a.role === "beheerder");
  await login(page, server.base, admin);

  await page.goto(`${server.base}/beheer/organisaties`);
  await page.fill("#name", "Waterschap Proefpolder");
  await page.selectOption("#org_type", "waterschap");
  await page.click("form[action='/beheer/organisaties'] button[type=submit]");
  assert.match(await page.textContent("main"), /Organisatie toegevoegd/);
  // A validation error is shown beside its field and is accessible.
  await page.fill("#name", "");
  await page.selectOption("#org_type", "gemeente");
  await page.click("form[action='/beheer/organisaties'] button[type=submit]");
  assert.ok(await page.isVisible("#name-error"));
  assert.equal(await page.getAttribute("#name", "aria-invalid"), "true");
  await noViolations(page, "organisations with errors");

  await page.goto(`${server.base}/beheer/gebruikers`);
  const orgValue = await page.$eval("#org_id", (s) => [...s.options].find((o) => o.textContent.includes("Waterschap Proefpolder")).value);
  await page.selectOption("#org_id", orgValue);
  await page.fill("#username", "peilbeheerder");
  await page.fill("#display_name", "P. Eilbeheerder");
  await page.check("input[name=roles][value=partner]");
  await page.click("form[action='/beheer/gebruikers'] button[type=submit]");
  const temp = (await page.textContent("#temp-password")).trim();
  assert.ok(temp.length >= 20);
  await noViolations(page, "user detail");

  await page.click("form[action$='/wachtwoord'] button");
  const temp2 = (await page.textContent("#temp-password")).trim();
  assert.notEqual(temp, temp2);

  // The new user logs in, enrols the second factor and must change the password.
  const other = await newPage(browser);
  await other.goto(`${server.base}/login`);
  await other.fill("#username", "peilbeheerder");
  await other.fill("#password", temp2);
  await other.click("main button[type=submit]");
  await other.waitForURL(/\/login\/koppelen/);
  await noViolations(other, "enrolment");
  const secret = (await other.textContent("#totp-secret")).trim();
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
  await other.fill("#code", code);
  await other.click("main button[type=submit]");
  await other.waitForURL(/\/account/);
  await noViolations(other, "account (must change password)");
  await other.fill("#current", temp2);
  await other.fill("#new", "een heel lang nieuw wachtwoord");
  await other.fill("#confirm", "een heel lang nieuw wachtwoord");
  await other.click("form[action='/account/wachtwoord'] button");
  assert.match(await other.textContent("main"), /gewijzigd/);
  await other.context().close();

  // Deactivate.
  await page.click("form[action$='/deactiveren'] button");
  assert.match(await page.textContent("#user-status"), /gedeactiveerd/);

  await page.goto(`${server.base}/beheer/audit`);
  const audit = await page.textContent("main");
  for (const action of ["organisation.create", "user.create", "user.password.reset", "user.deactivate", "user.second_factor.enrol"]) {
    assert.ok(audit.includes(action), `audit trail lists ${action}`);
  }
  await page.click("button[name=controleer]");
  assert.match(await page.textContent("#audit-verification"), /intact/);
  await noViolations(page, "audit trail");
  await page.context().close();
});
