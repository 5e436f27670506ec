/**
 * Tells Monaco where its editor worker is: bundled by Vite from the package, never fetched from
 * a CDN (the offices' network may not reach one). Import once, before the first editor is made.
 * The rules language has no Monaco worker of its own (its checking worker is `check.worker.ts`).
 */
import EditorWorker from "monaco-esm/editor/editor.worker.js?worker";

self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};
