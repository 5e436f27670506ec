import { defineConfig } from "vitest/config";

// Our packages export `source` (src/index.ts) beside `default` (dist): tests run the sources.
const conditions = ["source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "packages/*/e2e/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
