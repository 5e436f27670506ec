// Types for the `monaco-esm` alias (vite.config.ts): the same API as the package's entry.
declare module "monaco-esm/editor/editor.api.js" {
  export * from "monaco-editor";
}
declare module "monaco-esm/*";
declare module "*?worker" {
  const WorkerFactory: { new (): Worker };
  export default WorkerFactory;
}
declare module "*.css";
