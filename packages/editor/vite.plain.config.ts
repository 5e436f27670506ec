import { defineConfig, mergeConfig } from "vite";
import base from "./vite.config.js";

// bench:editor's baseline page (bench-plain.html): the same build settings, its own folder, so
// the shipped editor (dist/) and its measured bundle size do not include it.
export default mergeConfig(base, defineConfig({
  build: {
    outDir: "dist-plain",
    rollupOptions: { input: { plain: fileURLToPathHere("./bench-plain.html") } },
  },
}));

function fileURLToPathHere(p: string): string {
  return new URL(p, import.meta.url).pathname;
}
