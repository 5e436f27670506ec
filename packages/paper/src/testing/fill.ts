/**
 * Test helpers (the `@jsqc/paper/testing` subpath): fill in an application workbook the way an
 * office would — by the labels in the header rows, dates as Excel dates or typed text, sets as
 * 是/否, list records on their own sheets — so tests in any package can make realistic workbooks.
 */
import ExcelJS from "exceljs";
import type { Ruleset } from "@jsqc/engine";
import { MAIN_SHEET } from "../template.js";

/** An application as in examples/ (the envelope and inputs the workbook holds). */
export interface FillApplication {
  readonly enterprise: { readonly name: string; readonly creditCode: string; readonly county: string };
  readonly grade: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

const memberLabel = (rs: Ruleset, enumName: string, member: string): string => {
  const sym = rs.model.symbols.get(enumName);
  if (sym?.kind !== "enum") throw new Error(enumName);
  const m = sym.decl.members.find((x) => x.name.value === member)!;
  return m.label?.value ?? member;
};
const day = (s: string): Date => new Date(`${s}T00:00:00Z`);

/** Fills the template for `apps` (row 5 on) and the city line; `tamper` may then spoil cells. Resolves to .xlsx bytes. */
export async function fillApplicationWorkbook(rs: Ruleset, template: Uint8Array, apps: readonly FillApplication[], city: string, tamper?: (wb: ExcelJS.Workbook, col: (sheet: string, label: string) => number) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const col = (sheet: string, label: string): number => {
    const ws = wb.getWorksheet(sheet)!;
    const row = ws.getRow(sheet === MAIN_SHEET ? 3 : 1);
    for (let c = 1; c <= row.cellCount; c++) if (row.getCell(c).value === label) return c;
    throw new Error(`${sheet}: no column ${label}`);
  };
  const main = wb.getWorksheet(MAIN_SHEET)!;
  main.getCell(2, 1).value = `填报单位：${city}市场监督管理局`;
  const next: Record<string, number> = {};
  apps.forEach((app, i) => {
    const r = 5 + i;
    const set = (label: string, v: ExcelJS.CellValue) => { main.getCell(r, col(MAIN_SHEET, label)).value = v; };
    set("序号", i + 1); set("企业名称", app.enterprise.name); set("统一社会信用代码", app.enterprise.creditCode);
    set("地址", "某路 1 号"); set("联系人", "王经理"); set("所属部门", "质量部"); set("联系电话", "025-83456789");
    set("所在县(市、区)", app.enterprise.county); set("申报等级", app.grade);
    for (const input of rs.inputs) {
      const v = app.inputs[input.name];
      const t = input.sym.type;
      if (t.kind === "set") {
        const sym = rs.model.symbols.get(t.element);
        if (sym?.kind !== "enum") continue;
        for (const m of sym.decl.members) set(`${input.label}：${m.label?.value ?? m.name.value}`, (v as string[] | undefined)?.includes(m.name.value) ? "是" : (i % 2 ? "否" : null));
      } else if (t.kind === "list") {
        const ws = wb.getWorksheet(input.name)!;
        for (const rec of (v as Record<string, unknown>[] | undefined) ?? []) {
          const rr = (next[input.name] ??= 3);
          next[input.name] = rr + 1;
          ws.getCell(rr, 1).value = app.enterprise.creditCode;
          const fields = rs.model.records.get(t.record)!;
          for (const f of fields.values()) {
            if (f.kind !== "field") continue;
            const fv = rec[f.name];
            if (fv === undefined) continue;
            ws.getCell(rr, col(input.name, f.decl.label?.value ?? f.name)).value = f.type.kind === "enum" ? memberLabel(rs, f.type.name, fv as string) : f.type.kind === "date" ? day(fv as string) : (fv as ExcelJS.CellValue);
          }
        }
      } else if (v !== undefined && v !== null) {
        // Half the dates as Excel dates, half typed as text, as people do.
        set(input.label, t.kind === "enum" ? memberLabel(rs, t.name, v as string) : t.kind === "bool" ? (v ? "是" : "否") : t.kind === "date" ? (i % 2 ? day(v as string) : (v as string)) : (v as ExcelJS.CellValue));
      }
    }
  });
  tamper?.(wb, col);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

