// `npm run openapi`: writes docs/openapi.json with the exact application schema of every rule
// file in rules/ (packages/server/src/openapi.ts). A test holds the committed file to this output.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "../packages/engine/dist/index.js";
import { withApplicationSchemas } from "../packages/server/dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const docFile = join(root, "docs/openapi.json");
const years = readdirSync(join(root, "rules"))
  .flatMap((name) => (/^\d{4}\.rules$/.test(name) ? [name.slice(0, 4)] : []))
  .map((year) => {
    const c = compile(readFileSync(join(root, "rules", `${year}.rules`), "utf8"), `${year}.rules`);
    if (!c.ok) throw new Error(`rules/${year}.rules has errors: run jsqc check`);
    return { year, ruleset: c.ruleset };
  });
const doc = withApplicationSchemas(JSON.parse(readFileSync(docFile, "utf8")), years);
writeFileSync(docFile, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`docs/openapi.json: application schemas for ${years.map((y) => y.year).join(", ")}`);
