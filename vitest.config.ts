import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Our packages export `source` (src/index.ts) beside `default` (dist): tests run the sources.
const conditions = ["source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "packages/*/e2e/**/*.test.ts"],
    testTimeout: 60_000,
    // jsqc's cache of parsed rule files goes to a fresh folder per run, never the user's ~/.cache.
    env: { JSQC_CACHE_DIR: process.env.JSQC_CACHE_DIR ?? mkdtempSync(join(tmpdir(), "jsqc-test-cache-")) },
  },
});
