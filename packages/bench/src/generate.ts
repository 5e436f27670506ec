/** Generated rule files larger than rules/2024.rules, for the scale and editor benchmarks. */
import { readFileSync } from "node:fs";
import { rulesPath } from "./paths.js";

/**
 * rules/2024.rules with its ten sections repeated until the file is `factor` times as large;
 * each copy's section ids get a suffix (一_2 …) and the total grows to match, so it checks clean.
 */
export function scaledRules(factor: number): string {
  const base = readFileSync(rulesPath("2024.rules"), "utf8");
  if (factor <= 1) return base;
  const firstSection = base.indexOf("\nsection ");
  const vetoes = base.indexOf("\nvetoes ");
  // Tables (and their comments) between the sections are declared once, before them.
  const tables: string[] = [];
  const sections = base.slice(firstSection, vetoes).replace(/\n(?:#[^\n]*\n)*table [^\n]*\{[\s\S]*?\n\}\n/g, (t) => { tables.push(t); return "\n"; });
  const head = base.slice(0, firstSection) + tables.join("");
  const tail = base.slice(vetoes);
  const target = base.length * factor;
  const copies: string[] = [sections];
  let size = base.length;
  for (let k = 2; size < target; k++) {
    const copy = sections.replace(/\nsection (\S+) /g, (_m, id: string) => `\nsection ${id}_${k} `);
    copies.push(copy);
    size += copy.length;
  }
  const total = 100 * copies.length;
  return head.replace(/total 100\b/, `total ${total}`) + copies.join("") + tail;
}
