// Shared harness of the browser tests: start the real binary with the demo
// municipality on a free loopback port, launch Debian's chromium through
// playwright-core, log in with password + TOTP, run axe-core.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { chromium } from "playwright-core";
import * as OTPAuth from "otpauth";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..");
export const artifacts = join(here, "artifacts");
const axeSource = readFileSync(join(here, "node_modules/axe-core/axe.min.js"), "utf8");

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Start `buitenzicht demo` in a fresh data directory; resolves when /health answers. */
export async function startServer() {
  const bin = process.env.BZ_BIN || join(root, "target/debug/buitenzicht");
  const dataDir = mkdtempSync(join(tmpdir(), "bz-e2e-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ["demo", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const accounts = JSON.parse(readFileSync(join(dataDir, "demo-accounts.json"), "utf8"));
  return { base, accounts, child, stop: () => child.kill("SIGINT"), output: () => output };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A context that may inject axe despite the strict CSP. */
export async function newPage(browser) {
  const context = await browser.newContext({ bypassCSP: true, locale: "nl-NL" });
  const page = await context.newPage();
  const external = [];
  page.on("request", (req) => {
    const u = new URL(req.url());
    if (u.hostname !== "127.0.0.1" && u.protocol !== "data:") external.push(req.url());
  });
  page.externalRequests = external;
  return page;
}

const usedSteps = new Map();
/** A TOTP code never used before for this secret (waits for the next 30 s step if needed). */
export async function freshCode(secret) {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" });
  for (;;) {
    const step = Math.floor(Date.now() / 1000 / 30);
    if (usedSteps.get(secret) !== step) {
      usedSteps.set(secret, step);
      return totp.generate();
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function login(page, base, account) {
  await page.goto(`${base}/login`);
  await page.fill("#username", account.username);
  await page.fill("#password", account.password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/login\/code/);
  await page.fill("#code", await freshCode(account.totp_secret));
  await page.click("main button[type=submit]");
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/** Run axe with the WCAG 2.1 A/AA rule sets; returns the violations. */
export async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
}

export function saveArtifact(name, data) {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, name), data);
}
