import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

// Monaco is bundled here, workers included: no CDN (the offices' network may not reach one).
export default defineConfig({
  plugins: [react()],
  base: "./",
  resolve: {
    conditions: ["source", "browser", "import", "module", "default"],
    alias: { "monaco-esm": fileURLToPath(new URL("./node_modules/monaco-editor/esm/vs", import.meta.url)) },
  },
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    target: "es2022",
  },
  server: { proxy: { "/api": "http://127.0.0.1:8787" } },
});
