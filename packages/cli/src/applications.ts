/**
 * The applications of a batch, keyed by unified social credit code, without holding them all:
 * a JSON-lines file is indexed (code → where its line lies) and a line is read again when its row
 * is scored; a folder of JSON files keeps each file's path. Memory is a small entry per
 * application, not the application. Files may be UTF-8 (with or without BOM), GB18030/GBK or
 * UTF-16 (encoding.ts); UTF-16 JSON lines are decoded whole (they are rare and line offsets in
 * UTF-16 are not worth the code).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { basename, join } from "node:path";
import { InputError, readJson } from "./cli.js";
import { decodeBuffer, decoderFor, detectFileEncoding, undecodable, type TextEncoding } from "./encoding.js";

/** Applications by credit code. `get` reads and parses one; it throws InputError on a bad file. */
export interface Applications {
  has(code: string): boolean;
  get(code: string): unknown;
  readonly size: number;
  /** The encodings met, for the summary line. */
  readonly encodings: ReadonlySet<TextEncoding>;
  close(): void;
}

const keyOf = (app: unknown, fallback: string): string => {
  const code = (app as { enterprise?: { creditCode?: unknown } } | null)?.enterprise?.creditCode;
  return typeof code === "string" ? code : fallback;
};

function parseLine(file: string, line: number, text: string): unknown {
  try { return JSON.parse(text); } catch (err) { throw new InputError(`${file}:${line}: 不是有效的 JSON / not valid JSON: ${(err as Error).message}`); }
}

async function fromFolder(path: string, names: string[]): Promise<Applications> {
  const files = new Map<string, string>();
  const encodings = new Set<TextEncoding>();
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    const value = await readJson(join(path, name));
    encodings.add((await detectFileEncoding(join(path, name))).encoding);
    files.set(keyOf(value, basename(name, ".json")), join(path, name));
  }
  return {
    has: (code) => files.has(code),
    get: (code) => {
      const file = files.get(code);
      if (file === undefined) return undefined;
      const data = readFileSyncDecoded(file);
      return parseLine(file, 1, data);
    },
    size: files.size,
    encodings,
    close: () => {},
  };
}

function readFileSyncDecoded(file: string): string {
  const fd = openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(1 << 16);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) chunks.push(Buffer.from(buf.subarray(0, n)));
    return decodeBuffer(Buffer.concat(chunks)).text;
  } finally {
    closeSync(fd);
  }
}

/** A JSON-lines file in UTF-8 or GB18030, indexed by byte offsets (0x0A is never inside a character of either). */
async function indexLines(path: string, encoding: TextEncoding): Promise<Applications> {
  const starts: number[] = [];
  const ends: number[] = [];
  const byCode = new Map<string, number>();
  const decoder = () => decoderFor(encoding);
  let offset = 0;
  let lineStart = 0;
  let lineNumber = 0;
  let pending: Buffer[] = [];
  const finish = (end: number) => {
    lineNumber++;
    const bytes = Buffer.concat(pending);
    pending = [];
    let text: string;
    try { text = decoder().decode(bytes); } catch { throw new InputError(`${path}:${lineNumber}: ${undecodable(path, encoding)}`); }
    if (text.trim()) {
      const app = parseLine(path, lineNumber, text);
      byCode.set(keyOf(app, `line ${lineNumber}`), starts.length);
      starts.push(lineStart);
      ends.push(end);
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
      pending.push(chunk.subarray(from, nl));
      finish(offset + nl);
      from = nl + 1;
      lineStart = offset + from;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    offset += chunk.length;
  }
  if (pending.length > 0) finish(offset);
  const fd = openSync(path, "r");
  return {
    has: (code) => byCode.has(code),
    get: (code) => {
      const i = byCode.get(code);
      if (i === undefined) return undefined;
      const buf = Buffer.alloc(ends[i]! - starts[i]!);
      readSync(fd, buf, 0, buf.length, starts[i]!);
      return JSON.parse(decoder().decode(buf)) as unknown;
    },
    size: byCode.size,
    encodings: new Set([encoding]),
    close: () => closeSync(fd),
  };
}

/** Opens a folder of JSON files or a JSON-lines file of applications; throws InputError when unreadable. */
export async function openApplications(path: string): Promise<Applications> {
  let names: string[] | null = null;
  try { names = await readdir(path); } catch { names = null; }
  if (names) return fromFolder(path, names);
  let detected;
  try { detected = await detectFileEncoding(path); } catch { throw new InputError(`无法读取申请数据 ${path} / cannot read applications ${path}`); }
  if (detected.encoding === "utf-8" || detected.encoding === "gb18030") return indexLines(path, detected.encoding);
  let text: string;
  try { text = readFileSyncDecoded(path); } catch { throw new InputError(undecodable(path, detected.encoding)); }
  const apps = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    apps.set(keyOf(parseLine(path, i + 1, line), `line ${i + 1}`), line);
  });
  return {
    has: (code) => apps.has(code),
    get: (code) => { const line = apps.get(code); return line === undefined ? undefined : JSON.parse(line) as unknown; },
    size: apps.size,
    encodings: new Set([detected.encoding]),
    close: () => {},
  };
}

/**
 * Applications held in memory, keyed by credit code: a folder of JSON files or a JSON-lines file
 * (any encoding `jsqc batch` reads). For the small batches that need them all at once — experts'
 * score sheets are matched against every application (paper-commands.ts) — not for a city's
 * whole submission, which `openApplications` reads one at a time.
 */
export async function loadApplications(path: string): Promise<Map<string, unknown>> {
  const map = new Map<string, unknown>();
  let entries: string[] | null = null;
  try { entries = await readdir(path); } catch { entries = null; }
  if (entries) {
    for (const name of entries.filter((n) => n.endsWith(".json")).sort()) {
      const app = await readJson(join(path, name));
      map.set(keyOf(app, basename(name, ".json")), app);
    }
    return map;
  }
  let text: string;
  try { text = decodeBuffer(await readFile(path)).text; } catch { throw new InputError(`无法读取申请数据 ${path} / cannot read applications ${path}`); }
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim()) { const app = parseLine(path, i + 1, line); map.set(keyOf(app, `line ${i + 1}`), app); }
  });
  return map;
}

/** Applications already in memory (a template workbook's, or after merging score sheets) as `Applications`. */
export function applicationsFrom(map: ReadonlyMap<string, unknown>): Applications {
  return { has: (code) => map.has(code), get: (code) => map.get(code), size: map.size, encodings: new Set(), close: () => {} };
}
