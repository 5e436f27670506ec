// `npm test`: set up, type-check, then run every test (unit, property, golden, CLI, HTTP, browser).
import { setup, pnpm } from "./setup.mjs";
import { ensureChromium } from "./browser.mjs";

ensureChromium();
setup();
console.log("\n▶ type-checking");
pnpm(["exec", "tsc", "-p", "tsconfig.json", "--noEmit"]);
console.log("\n▶ running tests");
pnpm(["exec", "vitest", "run", ...process.argv.slice(2)]);
