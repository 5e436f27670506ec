/**
 * Where the benchmarks keep rules/2024.rules compiled ahead of time (`jsqc build`, the peer
 * `ours-aot`): beside the bench's own build output, so each checkout has its own. peers.ts and
 * cold.ts rebuild it before they measure (buildAotModule); a worker only imports it.
 */
import { join } from "node:path";
import { root } from "./paths.js";

export const aotModulePath = join(root, "packages/bench/dist/2024.aot.mjs");

/** Builds the module from the current rule file and engine (imports the compiler: not for workers). */
export async function buildAotModule(): Promise<string> {
  const { readFileSync, writeFileSync, renameSync } = await import("node:fs");
  const { buildModule } = await import("@jsqc/engine/aot");
  const { rulesPath } = await import("./paths.js");
  const built = buildModule(readFileSync(rulesPath("2024.rules"), "utf8"), "2024.rules");
  if (!built.ok) throw new Error("rules/2024.rules does not build");
  const tmp = `${aotModulePath}.${process.pid}.tmp`;
  writeFileSync(tmp, built.code);
  renameSync(tmp, aotModulePath);
  return aotModulePath;
}
