// Logs a person in through the inkan-idp OIDC pages in a real browser: Debian's headless
// chromium, driven by playwright-core (no browser download).
//
// Usage: node oidc_login.js AUTHORIZE_URL UIN OTP_FILE REDIRECT_URI SCREENSHOT_DIR NAME
// Opens AUTHORIZE_URL, fills the UIN, asks for a code, reads the code from the provider's file
// notifier (one JSON line per message), enters it, allows on the consent page, and stops at the
// relying party's redirect (a stub the test serves). Prints a JSON object:
// the final URL, the pages' lang/dir, and every console message (a CSP violation would be one).
"use strict";

const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

function lastOtp(file) {
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  const body = JSON.parse(lines[lines.length - 1]).body;
  return body.match(/\b(\d{6})\b/)[1];
}

async function main() {
  const [authorizeUrl, uin, otpFile, redirectUri, shots, name] = process.argv.slice(2);
  fs.mkdirSync(shots, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(require("os").tmpdir(), "inkan-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.INKAN_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const console_ = [];
  try {
    const page = await context.newPage();
    page.on("console", (m) => console_.push(`${m.type()}: ${m.text()}`));

    await page.goto(authorizeUrl);
    const html = page.locator("html");
    const lang = await html.getAttribute("lang");
    const dir = await html.getAttribute("dir");
    await page.screenshot({ path: path.join(shots, `${name}-1-login.png`), fullPage: true });
    // By label, as a screen reader finds it.
    const idLabel = lang === "ar" ? "رقم الهوية أو الرقم الافتراضي" : "UIN or VID";
    await page.getByLabel(idLabel).first().fill(uin);
    await Promise.all([page.waitForNavigation(), page.locator("form[action='/oidc/login/otp'] button").click()]);
    await page.screenshot({ path: path.join(shots, `${name}-2-otp.png`), fullPage: true });
    await page.locator("#otp").fill(lastOtp(otpFile));
    await Promise.all([page.waitForNavigation(), page.locator("form[action='/oidc/login/otp/verify'] button").click()]);
    await page.screenshot({ path: path.join(shots, `${name}-3-consent.png`), fullPage: true });
    const offered = await page.locator("input[name=claim]").evaluateAll((els) => els.map((e) => e.value));
    await Promise.all([
      page.waitForURL((u) => u.toString().startsWith(redirectUri)),
      page.locator("button[value=allow]").click(),
    ]);
    await page.screenshot({ path: path.join(shots, `${name}-4-callback.png`), fullPage: true });
    process.stdout.write(JSON.stringify({ url: page.url(), lang, dir, offered, console: console_ }));
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
