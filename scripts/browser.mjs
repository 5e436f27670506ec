// The browser tests drive Debian's Chromium (packages/editor/e2e/harness.ts). Before any test
// runs, make sure it is there: install it where we can (root on a Debian-like system, as CI is),
// otherwise stop with one line that says what to install — never a launch stack trace later.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PACKAGES = ["chromium", "fonts-noto-cjk"];

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && has("apt-get")) {
    console.log(`▶ ${CHROMIUM} is missing: installing ${PACKAGES.join(" ")} (Debian) for the browser tests`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    const install = update.status === 0 && spawnSync("apt-get", ["install", "-y", "-qq", ...PACKAGES], { stdio: ["ignore", "ignore", "inherit"], env });
    if (install && install.status === 0 && existsSync(CHROMIUM)) return;
  }
  console.error(
    `✗ the browser tests need Chromium at ${CHROMIUM}: install it (Debian/Ubuntu: sudo apt-get install ${PACKAGES.join(" ")}) ` +
      `or set CHROMIUM_PATH to a Chromium binary, then run npm test again.`,
  );
  process.exit(1);
}
