/**
 * The application contract, derived from a rule file: a zod schema built from the declared
 * inputs (and the judged items, for expert scores), exported as JSON Schema, and the translation
 * of its issues into errors a person can act on (JSON path, Chinese label, expected, found).
 */
import type { z as Zod, ZodType, core } from "zod";
import { decimal as D, type Model, type Sym, typeZh, type Type, type InputDecl, type FieldDecl, type ItemInfo } from "@jsqc/dsl/core";

type ZodModule = typeof Zod;
let zodModule: ZodModule | null = null;

/**
 * Gives the engine its zod. The browser entry (src/browser.ts) does so with a static import; in
 * Node, `zod()` loads it on first use instead, so an application that passes the fast path — and
 * a start — never pays for importing zod (~60 ms, issue 14).
 */
export function useZod(z: ZodModule): void {
  if (zodModule) return;
  // zod 4 compiles a faster object parser with `new Function` unless told not to; the engine makes
  // no code from strings at run time (test/no-eval.test.ts), and zod runs only on the error path.
  z.config({ jitless: true });
  zodModule = z;
}

/** zod, loaded synchronously on first use (Node ≥ 20.16: `process.getBuiltinModule`). */
export function zod(): ZodModule {
  if (zodModule) return zodModule;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== "function") {
    throw new Error("zod is not loaded: outside Node ≥ 20.16, import @jsqc/engine through its browser entry");
  }
  const { createRequire } = proc.getBuiltinModule("module") as { createRequire(from: string): (id: string) => unknown };
  useZod((createRequire(import.meta.url)("zod") as { z: ZodModule }).z);
  return zodModule!;
}

// The list and expert limits are the dsl's: its cost model (dsl/src/cost.ts) bounds evaluation by them.
import { MAX_LIST_LENGTH, MAX_EXPERTS } from "@jsqc/dsl/core";
export { MAX_LIST_LENGTH, MAX_EXPERTS };
export const MAX_TEXT_LENGTH = 1000;

/**
 * Whether `s` has at most `max` characters, counted as code points — as JSON Schema's maxLength
 * counts them (a character outside the BMP, such as 𠀀 or an emoji, is one, not two).
 */
export function withinLength(s: string, max: number): boolean {
  if (s.length <= max) return true;
  if (s.length > 2 * max) return false;
  let n = 0;
  for (const _ of s) if (++n > max) return false;
  return true;
}

/** Text of at most `max` characters (code points). */
const zText = (max: number) => zod().string().refine((s) => withinLength(s, max));

export interface InputError {
  /** JSON path, e.g. `inputs.标准[1].级别`. */
  readonly path: string;
  /** The Chinese label of the input or field (with its list's label), or of the envelope field. */
  readonly label: string;
  readonly expected: string;
  readonly found: string;
  readonly message: string;
  readonly messageEn: string;
}

type DeclWithOptions = InputDecl | FieldDecl;

/** An input's or field's declared `min`/`max`, as decimals (null when not declared). */
export function bounds(decl: DeclWithOptions): { min: D.Dec | null; max: D.Dec | null } {
  return {
    min: decl.options.min ? D.parseDec(decl.options.min.value) : null,
    max: decl.options.max ? D.parseDec(decl.options.max.value) : null,
  };
}

/** An enum's member names, in declaration order. */
export function enumMembers(model: Model, name: string): string[] {
  const sym = model.symbols.get(name);
  return sym?.kind === "enum" ? sym.decl.members.map((m) => m.name.value) : [];
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The zod schema of one value of a declared type. */
function valueSchema(model: Model, type: Type, decl: DeclWithOptions): ZodType {
  const z = zod();
  const title = decl.label?.value ?? decl.name.value;
  const description = [decl.options.en?.value, decl.options.help?.value].filter(Boolean).join(" — ") || undefined;
  const meta = { title, ...(description ? { description } : {}) };
  const { min, max } = bounds(decl);
  switch (type.kind) {
    case "bool":
      return z.boolean().meta(meta);
    case "count": {
      let s = z.number().int().min(min === null ? 0 : Math.max(0, D.toNumber(min)));
      s = s.max(max === null ? Number.MAX_SAFE_INTEGER / D.SCALE : D.toNumber(max));
      return s.meta(meta);
    }
    case "number": {
      const inRange = (v: number | string) => {
        const d = typeof v === "number" ? D.fromNumber(v) : D.parseDec(v);
        return d !== null && (min === null || d >= min) && (max === null || d <= max);
      };
      let num = z.number();
      if (min !== null) num = num.min(D.toNumber(min));
      if (max !== null) num = num.max(D.toNumber(max));
      return z.union([num, z.string().regex(/^-?\d+(\.\d{1,6})?$/)]).refine(inRange).meta(meta);
    }
    case "date":
      return z.string().regex(DATE_PATTERN).refine(isRealDate).meta({ ...meta, format: "date" });
    case "text":
      return zText(MAX_TEXT_LENGTH).meta(meta);
    case "enum":
      return z.enum(enumMembers(model, type.name) as [string, ...string[]]).meta(meta);
    case "set": {
      const members = enumMembers(model, type.element) as [string, ...string[]];
      return z.array(z.enum(members)).max(MAX_LIST_LENGTH)
        .refine((a) => new Set(a).size === a.length, { message: "duplicate" }).meta(meta);
    }
    case "list": {
      const fields = model.records.get(type.record);
      const shape: Record<string, ZodType> = Object.create(null);
      for (const f of fields?.values() ?? []) {
        if (f.kind !== "field") continue;
        const s = valueSchema(model, f.type, f.decl);
        shape[f.name] = f.optional ? s.nullable().optional() : s;
      }
      return z.array(z.strictObject(shape)).max(MAX_LIST_LENGTH).meta(meta);
    }
    case "duration":
    case "unknown":
      return z.never();
  }
}

function isRealDate(s: string): boolean {
  const [y, m, d] = s.split("-").map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1) return false;
  const dim = m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return d <= dim;
}

function inputs(model: Model): Extract<Sym, { kind: "input" }>[] {
  return [...model.symbols.values()].filter((s): s is Extract<Sym, { kind: "input" }> => s.kind === "input");
}

function judgedItems(model: Model): ItemInfo[] {
  return [...model.items.values()].filter((i) => i.item.form.type === "Judged");
}

/** The zod schema of an application to this rule file. */
export function applicationSchema(model: Model, grades: readonly string[]): ZodType {
  const z = zod();
  const inputShape: Record<string, ZodType> = Object.create(null);
  for (const sym of inputs(model)) {
    const s = valueSchema(model, sym.type, sym.decl);
    const omittable = sym.optional || sym.type.kind === "set" || sym.type.kind === "list";
    inputShape[sym.name] = omittable ? s.nullable().optional() : s;
  }
  const scoreShape: Record<string, ZodType> = Object.create(null);
  for (const info of judgedItems(model)) {
    const max = D.toNumber(info.bounds.max);
    scoreShape[info.item.id] = z
      .union([z.number().min(0).max(max), z.string().regex(/^\d+(\.\d{1,6})?$/)])
      .refine((v) => {
        const d = typeof v === "number" ? D.fromNumber(v) : D.parseDec(v);
        return d !== null && d >= 0 && d <= info.bounds.max;
      })
      .optional()
      .meta({ title: `${info.section.id}${info.item.number.text} 专家评分（0–${D.format(info.bounds.max)}）` });
  }
  return z.strictObject({
    id: zText(200).optional().meta({ title: "申请编号" }),
    enterprise: z
      .strictObject({
        name: zText(200).optional().meta({ title: "企业名称" }),
        creditCode: zText(18).optional().meta({ title: "统一社会信用代码" }),
        city: zText(50).optional().meta({ title: "所在设区市" }),
        county: zText(50).optional().meta({ title: "所在县(市、区)" }),
      })
      .optional(),
    grade: z.enum(grades as [string, ...string[]]).meta({ title: "申报等级" }),
    inputs: z.strictObject(inputShape).meta({ title: "申报事实" }),
    experts: z
      .array(z.strictObject({ name: zText(100).meta({ title: "专家" }), scores: z.strictObject(scoreShape) }))
      .max(MAX_EXPERTS)
      .optional()
      .meta({ title: "专家评分" }),
  });
}

// ---------------------------------------------------------------------------------------------
// Turning zod issues into errors a person can act on
// ---------------------------------------------------------------------------------------------

const ENVELOPE_LABELS: Record<string, string> = {
  id: "申请编号", enterprise: "企业信息", grade: "申报等级", inputs: "申报事实", experts: "专家评分",
  name: "名称", creditCode: "统一社会信用代码", city: "所在设区市", county: "所在县(市、区)", scores: "评分",
};

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(根)";
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, p as string)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function foundText(v: unknown): string {
  if (v === undefined) return "缺失 (missing)";
  let s: string;
  try { s = JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

interface Words { zh: string; en: string }

/** "One of a, b, c"; for an empty list, that there is nothing to choose from (never "one of "). */
function oneOf(list: readonly string[]): Words {
  if (list.length === 0) return { zh: "（规则文件未列出任何可选值）", en: "(the rule file lists no value to choose from)" };
  return { zh: `${list.join("、")}之一`, en: `one of ${list.join(", ")}` };
}

/** What a grade should be when the rule file declares none: no grade can be applied for. */
const NO_GRADES: Words = { zh: "规则文件中声明的等级（本规则文件未声明任何等级 grade，无法申报）", en: "a grade declared in the rule file (this rule file declares no grade, so none can be applied for)" };

/** What a value at `path` should be, in Chinese and English, from the rule file's declarations. */
function describe(model: Model, path: readonly PropertyKey[]): { label: string; expected: Words | null } {
  if (path[0] === "inputs" && typeof path[1] === "string") {
    const sym = model.symbols.get(path[1]);
    if (sym?.kind !== "input") return { label: path[1], expected: { zh: "（未声明的输入项）", en: "(not an input of the rule file)" } };
    const label = sym.decl.label?.value ?? sym.name;
    if (path.length === 2) return { label, expected: expectedOf(model, sym.type, sym.decl) };
    if (sym.type.kind === "set") {
      return { label, expected: oneOf(enumMembers(model, sym.type.element)) };
    }
    if (sym.type.kind === "list") {
      const fieldName = path[3];
      const field = typeof fieldName === "string" ? model.records.get(sym.type.record)?.get(fieldName) : undefined;
      if (field?.kind === "field") {
        return { label: `${label} › ${field.decl.label?.value ?? field.name}`, expected: expectedOf(model, field.type, field.decl) };
      }
      const fields = [...(model.records.get(sym.type.record)?.keys() ?? [])];
      return { label, expected: { zh: `记录，含字段 ${fields.join("、")}`, en: `a record with fields ${fields.join(", ")}` } };
    }
    return { label, expected: expectedOf(model, sym.type, sym.decl) };
  }
  if (path[0] === "experts") {
    // The limits themselves, said plainly: at most MAX_EXPERTS experts, names of at most 100.
    if (path.length === 1) {
      return { label: "专家评分", expected: { zh: `专家评分数组 [{ name, scores: { 项目编号: 分数 } }]，至多 ${MAX_EXPERTS} 位专家`, en: `an array [{ name, scores: { itemId: score } }] of at most ${MAX_EXPERTS} experts` } };
    }
    if (path.length === 3 && path[2] === "name") return { label: "专家姓名", expected: { zh: "专家姓名（不超过 100 字）", en: "the expert's name (at most 100 characters)" } };
    const id = path[3];
    if (typeof id === "string") {
      const info = model.items.get(id);
      if (info) {
        const max = D.format(info.bounds.max);
        return { label: `专家评分 ${id}`, expected: { zh: `0 至 ${max} 之间的分数`, en: `a score from 0 to ${max}` } };
      }
      return { label: `专家评分 ${id}`, expected: { zh: "专家评分项的编号（如 一.1）", en: "the id of a judged item (e.g. 一.1)" } };
    }
    return { label: "专家评分", expected: { zh: "[{ name, scores: { 项目编号: 分数 } }]", en: "[{ name, scores: { itemId: score } }]" } };
  }
  if (path.length === 1 && path[0] === "grade") {
    const grades = [...model.symbols.values()].filter((s) => s.kind === "grade").map((s) => s.name);
    return { label: "申报等级", expected: grades.length > 0 ? oneOf(grades) : NO_GRADES };
  }
  const last = path[path.length - 1];
  const longest = path.length === 1 && path[0] === "id" ? 200
    : path.length === 2 && path[0] === "enterprise" && Object.hasOwn(ENTERPRISE_TEXT, String(last)) ? ENTERPRISE_TEXT[String(last)] : undefined;
  if (longest !== undefined) {
    return { label: ENVELOPE_LABELS[String(last)]!, expected: { zh: `文字（不超过 ${longest} 字）`, en: `text (at most ${longest} characters)` } };
  }
  return { label: ENVELOPE_LABELS[String(last)] ?? String(last ?? "申请"), expected: null };
}

/** The longest text of each field of `enterprise` (as applicationSchema has them). */
const ENTERPRISE_TEXT: Record<string, number> = { name: 200, creditCode: 18, city: 50, county: 50 };

function expectedOf(model: Model, type: Type, decl: DeclWithOptions): Words {
  const { min, max } = bounds(decl);
  const lo = min !== null ? D.format(min) : type.kind === "count" ? "0" : "";
  const range = min !== null || max !== null ? `${lo}–${max !== null ? D.format(max) : ""}` : "";
  switch (type.kind) {
    case "bool": return { zh: "true 或 false", en: "true or false" };
    case "count": return { zh: `非负整数${range ? `（${range}）` : ""}`, en: `a whole number ≥ 0${range ? ` (${range})` : ""}` };
    case "number": return { zh: `数值，最多 6 位小数${range ? `（${range}）` : ""}`, en: `a number with at most 6 decimals${range ? ` (${range})` : ""}` };
    case "date": return { zh: "日期 YYYY-MM-DD", en: "a date YYYY-MM-DD" };
    case "text": return { zh: `文字（不超过 ${MAX_TEXT_LENGTH} 字）`, en: `text (at most ${MAX_TEXT_LENGTH} characters)` };
    case "enum": {
      return oneOf(enumMembers(model, type.name));
    }
    case "set": {
      const list = enumMembers(model, type.element);
      return { zh: `数组，元素为 ${list.join("、")}，不重复`, en: `an array of distinct values from ${list.join(", ")}` };
    }
    case "list": return { zh: `记录数组（不超过 ${MAX_LIST_LENGTH} 条）`, en: `an array of records (at most ${MAX_LIST_LENGTH})` };
    default: return { zh: typeZh(type), en: type.kind };
  }
}

/** Translates zod issues into `InputError`s (one per unknown key). */
export function toInputErrors(model: Model, issues: readonly core.$ZodIssue[], root: unknown): InputError[] {
  const out: InputError[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const where = pathText(path);
        out.push({
          path: where,
          label: key,
          expected: "（规则文件未声明此字段）",
          found: foundText(valueAt(root, path)),
          message: `${where}：未知字段 ${key}，规则文件未声明`,
          messageEn: `${where}: unknown field ${key}, not declared by the rule file`,
        });
      }
      continue;
    }
    const path = issue.path;
    const where = pathText(path);
    // A value failing several checks (a union's branches, a refinement) is one problem.
    if (seen.has(where)) continue;
    seen.add(where);
    const { label, expected } = describe(model, path);
    const found = foundText(valueAt(root, path));
    const zh = expected?.zh ?? issue.message;
    const en = expected?.en ?? issue.message;
    out.push({
      path: where,
      label,
      expected: zh,
      found,
      message: `${where}（${label}）：应为${zh}，实为 ${found}`,
      messageEn: `${where} (${label}): expected ${en}, found ${found}`,
    });
  }
  return out;
}
