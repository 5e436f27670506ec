/** Terminal rendering: aligned tables with CJK-aware widths, and the breakdown of an evaluation. */
import { displayWidth, decimal as D, renderCost, type Summary } from "@jsqc/dsl/core";
import type { EvaluationResult, InputError } from "@jsqc/engine";

export function pad(s: string, width: number, align: "left" | "right" = "left"): string {
  const gap = Math.max(0, width - displayWidth(s));
  return align === "left" ? s + " ".repeat(gap) : " ".repeat(gap) + s;
}

/** Cuts a string to a display width, with an ellipsis. */
export function clip(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = "";
  for (const ch of s) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export function table(rows: string[][], align: ("left" | "right")[] = []): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, displayWidth(c)); });
  return rows.map((r) => r.map((c, i) => pad(c, widths[i]!, align[i] ?? "left")).join("  ").trimEnd()).join("\n");
}

/** The checker's proof of the points: each section's reachable points against its weight. */
export function renderSummary(summary: Summary): string {
  const rows: string[][] = [["部分", "名称", "可得", "满分", ""]];
  for (const s of summary.sections) {
    const ok = s.weight !== null && s.reachable.max === s.weight;
    rows.push([s.id, s.title, `${D.format(s.reachable.min)}–${D.format(s.reachable.max)}`, s.weight === null ? "—" : D.format(s.weight), ok ? "✓" : "✗"]);
  }
  const total = summary.total;
  const sumOk = total !== null && summary.weightSum === total;
  const lines = [
    table(rows, ["left", "left", "right", "right"]),
    "",
    `各部分满分合计 ${D.format(summary.weightSum)} 分，总分 ${total === null ? "—" : D.format(total)} 分 ${sumOk ? "✓ 相符" : "✗ 不符"}`,
    `section weights add up to ${D.format(summary.weightSum)}; declared total ${total === null ? "—" : D.format(total)} ${sumOk ? "(match)" : "(MISMATCH)"}`,
  ];
  const exact = summary.sections.every((s) => s.weight !== null && s.reachable.max === s.weight);
  lines.push(exact ? "每一部分的评分项恰好可达该部分满分 ✓ / every section's items reach exactly its weight" : "有部分的评分项不能恰好达到满分 ✗ / some section's items do not reach exactly its weight");
  lines.push(renderCost(summary.cost));
  return lines.join("\n");
}

const yes = (b: boolean) => (b ? "是" : "否");

export function renderEvaluation(r: EvaluationResult, width = 100): string {
  const out: string[] = [];
  out.push(`${r.ruleset.title}${r.ruleset.document ? `（${r.ruleset.document}）` : ""}`);
  out.push("");
  for (const s of r.sections) {
    out.push(`${s.id}、${s.title}  ${s.points.decimal} / ${s.weight.decimal}${s.capped ? "（封顶）" : ""}`);
    const rows = s.items.map((i) => [
      `  ${i.number ?? i.id}`,
      `${i.points.decimal}/${i.maximum.decimal}`,
      clip(i.reason ?? "", Math.max(20, width - 16)),
    ]);
    if (rows.length) out.push(table(rows, ["left", "right", "left"]));
  }
  out.push("");
  out.push(`总分 total: ${r.total.decimal} / ${r.maximum.decimal}`);
  out.push("");
  out.push("否决项 vetoes:");
  for (const v of r.vetoes) {
    const why = v.applies && v.record ? `：${Object.values(v.record.values).join("·")}${v.window ? `，在 ${v.window.from} 至 ${v.window.to} 内` : ""}` : "";
    out.push(`  ${v.applies ? "✗ 否决" : "✓ 无"}  ${v.id} ${clip(v.text, width - 20)}${why}`);
  }
  out.push("");
  out.push("基本条件 eligibility:");
  for (const e of r.eligibility) {
    out.push(`  ${e.grade}: ${e.eligible ? "✓ 符合" : "✗ 不符合"}`);
    for (const c of e.conditions ?? []) if (!c.met) out.push(`      ✗ ${c.label}${c.detail ? `（${c.detail}）` : ""}`);
  }
  if (r.flags.length) {
    out.push("");
    out.push("提示 flags:");
    for (const f of r.flags) out.push(`  ! ${f.message}`);
  }
  const o = r.outcome;
  out.push("");
  out.push(
    `结论 outcome: 申报 ${o.grade} · 符合条件 ${yes(o.eligible)} · 否决 ${yes(o.vetoed)} · 得分 ${o.score.decimal} / 及格 ${o.passMark.decimal} · ${o.granted ? "✓ 予以认定 granted" : "✗ 不予认定 not granted"}`,
  );
  return out.join("\n");
}

export function renderInputErrors(errors: readonly InputError[], file: string): string {
  return errors.map((e) => `${file}: ${e.message}\n  ${e.messageEn}`).join("\n");
}
