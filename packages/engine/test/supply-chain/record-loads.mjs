// Module hooks (module.register) for no-eval.test.ts: appends every file: URL Node loads to the
// file named by JSQC_LOADS, so the test scans exactly what the engine loads at run time.
import { appendFileSync } from "node:fs";

export async function load(url, context, nextLoad) {
  if (url.startsWith("file:") && process.env.JSQC_LOADS) appendFileSync(process.env.JSQC_LOADS, `${url}\n`);
  return nextLoad(url, context);
}
