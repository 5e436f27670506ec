/**
 * The commands of `jsqc`, as a function of arguments and streams (tests spawn the real binary).
 * Each command's code is imported only when that command runs (one entry per command below), so
 * a start pays for what the command needs: `jsqc eval` loads no formatter, batch, xlsx or diff code.
 * This module itself imports only Node's built-ins.
 */
import { readFile, rename, open } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { decodeBuffer } from "./encoding.js";

export interface Streams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  readonly run: (args: { values: Record<string, unknown>; positionals: string[] }, io: Streams) => Promise<number>;
}

const COMMON = { help: { type: "boolean", short: "h" } } as const;

const commands: Record<string, Command> = {
  check: {
    summary: "检查规则文件，列出所有诊断 / check a rule file and list every diagnostic",
    usage: "jsqc check <rules> [--format text|json] [--summary] [--lang zh|en|both]",
    options: { ...COMMON, format: { type: "string", default: "text" }, summary: { type: "boolean" }, lang: { type: "string", default: "both" } },
    run: async ({ values, positionals }, io) => (await import("./check-command.js")).checkCommand(values, positionals, io),
  },
  fmt: {
    summary: "按统一格式排版规则文件 / format rule files in place (or --check)",
    usage: "jsqc fmt <rules>... [--check]",
    options: { ...COMMON, check: { type: "boolean" } },
    run: async ({ values, positionals }, io) => (await import("./check-command.js")).fmtCommand(values, positionals, io),
  },
  eval: {
    summary: "按规则文件为一份申请评分并说明理由 / score an application with reasons",
    usage: "jsqc eval <rules> <application.json> [--json] [--no-trace] [--no-cache]",
    options: { ...COMMON, json: { type: "boolean" }, "no-trace": { type: "boolean" }, "no-cache": { type: "boolean" } },
    run: async ({ values, positionals }, io) => (await import("./eval-command.js")).evalCommand(values, positionals, io),
  },
  schema: {
    summary: "输出申请数据的 JSON Schema / print the application's JSON Schema",
    usage: "jsqc schema <rules> [--no-cache]",
    options: { ...COMMON, "no-cache": { type: "boolean" } },
    run: async ({ values, positionals }, io) => (await import("./eval-command.js")).schemaCommand(values, positionals, io),
  },
  test: {
    summary: "运行规则文件旁的测试用例 / run the test cases beside a rule file",
    usage: "jsqc test <rules> [--cases DIR] [--coverage] [--min-coverage P] [--verbose]",
    options: { ...COMMON, cases: { type: "string" }, coverage: { type: "boolean" }, "min-coverage": { type: "string" }, verbose: { type: "boolean" } },
    run: async ({ values, positionals }, io) => (await import("./test-command.js")).testCommand(values, positionals, io),
  },
  batch: {
    summary: "市局汇总表批量评分、排名并按名额推荐 / score, rank and recommend a city's submission",
    usage: "jsqc batch <rules> <汇总表.csv|.xlsx|申报表.xlsx> [--applications <folder|file.jsonl>] [--city 南京市] [--out DIR] [--max-rows N] [--reports] [--scores DIR]",
    options: { ...COMMON, applications: { type: "string" }, city: { type: "string" }, out: { type: "string" }, "max-rows": { type: "string" }, reports: { type: "boolean" }, scores: { type: "string" } },
    run: async ({ values, positionals }, io) => (await import("./batch-command.js")).batchCommand(values, positionals, io),
  },
  diff: {
    summary: "比较两个规则文件，列出规则的变化 / what changed between two rule files, in the notice's terms",
    usage: "jsqc diff <old.rules> <new.rules> [--json] [--lang zh|en|both]",
    options: { ...COMMON, json: { type: "boolean" }, lang: { type: "string" } },
    run: async ({ values, positionals }, io) => (await import("./diff-command.js")).diffCommand(values, positionals, io),
  },
  publish: {
    summary: "由规则文件生成附件1技术指标（Word、HTML、Markdown）/ print 附件1 from a rule file",
    usage: "jsqc publish <rules> [--out DIR] [--format docx,html,md] [--force]",
    options: { ...COMMON, out: { type: "string" }, format: { type: "string" }, force: { type: "boolean" } },
    run: async ({ values, positionals }, io) => (await import("./paper-commands.js")).publishCommand(values, positionals, io),
  },
  template: {
    summary: "生成县、市局填写的申报表（XLSX，jsqc batch 可直接读取）/ the application workbook offices fill in",
    usage: "jsqc template <rules> [--out FILE.xlsx]",
    options: { ...COMMON, out: { type: "string" } },
    run: async ({ values, positionals }, io) => (await import("./paper-commands.js")).templateCommand(values, positionals, io),
  },
  sheets: {
    summary: "生成专家评分表（每位专家一份 XLSX）/ one score sheet per expert",
    usage: "jsqc sheets <rules> --applications <folder|file.jsonl|申报表.xlsx> [--experts 专家甲,专家乙,专家丙] [--out DIR]",
    options: { ...COMMON, applications: { type: "string" }, experts: { type: "string" }, out: { type: "string" } },
    run: async ({ values, positionals }, io) => (await import("./paper-commands.js")).sheetsCommand(values, positionals, io),
  },
  build: {
    summary: "把规则文件编译成独立的评分模块（ES module，无依赖）/ compile a rule file into a standalone scoring ES module",
    usage: "jsqc build <rules> -o <out.mjs>",
    options: { ...COMMON, out: { type: "string", short: "o" } },
    run: async ({ values, positionals }, io) => (await import("./build-command.js")).buildCommand(values, positionals, io),
  },
  impact: {
    summary: "同一批申请在新旧规则下的得分与结论 / score the same applications under both files",
    usage: "jsqc impact <old.rules> <new.rules> [<applications folder|.jsonl|.json>…] [--carry-dates] [--xlsx out.xlsx] [--csv out.csv] [--json] [--reports DIR]",
    options: { ...COMMON, json: { type: "boolean" }, xlsx: { type: "string" }, csv: { type: "string" }, "carry-dates": { type: "boolean" }, reports: { type: "string" } },
    run: async ({ values, positionals }, io) => (await import("./diff-command.js")).impactCommand(values, positionals, io),
  },
};

/** Registers a command (later modules add batch, diff). */
export function addCommand(name: string, command: Command): void {
  commands[name] = command;
}

function help(): string {
  const lines = ["jsqc — 江苏省质量信用等级认定规则工具 / quality-credit rules tool", "", "用法 usage: jsqc <command> [options]", "", "命令 commands:"];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push("", "jsqc <command> --help 查看命令说明 / for a command's options", "", "退出码 exit codes: 0 成功 ok · 1 有发现 findings · 2 用法或输入错误 usage or input error");
  return lines.join("\n");
}

export async function run(argv: string[], io: Streams): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${help()}\n`);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`jsqc: 未知命令 unknown command '${name}'\n\n${help()}\n`);
    return EXIT_USAGE;
  }
  try {
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    if (parsed.values["help"]) {
      io.stdout.write(`${command.summary}\n\n用法 usage: ${command.usage}\n`);
      return EXIT_OK;
    }
    return await command.run(parsed as { values: Record<string, unknown>; positionals: string[] }, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr.write(`jsqc ${name}: ${(err as Error).message}\n用法 usage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof InputError) {
      io.stderr.write(`jsqc ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

export class InputError extends Error {}

export function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `缺少 ${what} / missing ${what}` : "参数过多 / too many arguments");
  return positionals[0]!;
}

export function two(positionals: string[], a: string, b: string): [string, string] {
  if (positionals.length !== 2) throw new UsageError(`需要 ${a} ${b} / expected ${a} ${b}`);
  return [positionals[0]!, positionals[1]!];
}

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new InputError(`无法读取 ${file} / cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A JSON file in UTF-8 (BOM or not), GB18030/GBK or UTF-16 (encoding.ts); throws InputError. */
export async function readJson(file: string): Promise<unknown> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new InputError(`无法读取 ${file} / cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let text: string;
  try {
    text = decodeBuffer(data).text;
  } catch {
    throw new InputError(`${file} 的编码无法识别，请另存为 UTF-8 / ${file}: unknown text encoding; save it as UTF-8`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`${file} 不是有效的 JSON / is not valid JSON: ${(err as Error).message}`);
  }
}


/** Writes through a temporary file, fsync and rename: a crash leaves the old or the new file. */
export async function writeAtomically(file: string, text: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(text, typeof text === "string" ? "utf8" : undefined);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
