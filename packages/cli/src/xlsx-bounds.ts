/**
 * Bounds on an XLSX before any spreadsheet library reads it. An XLSX is a zip: a few KB can
 * inflate to gigabytes (issue 13's bomb: 2 MB → 2 GiB, 700 MB RSS in 7 s). So the zip's central
 * directory is read first and its declared sizes summed; then every entry is inflated once as a
 * stream, counting the bytes it really yields (a zip may lie about its sizes), and the longest
 * run of XML text without a tag is measured (one cell of hundreds of MB would be held whole by any
 * XML reader). Memory stays one chunk; time is bounded by MAX_XLSX_INFLATED.
 */
import { open } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { createInflateRaw } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";

/** Most bytes an XLSX may inflate to, all its parts together (a 10⁶-row 附件2 is about 200 MiB). */
export const MAX_XLSX_INFLATED = 512 * 1024 * 1024;
/** Most parts (zip entries) an XLSX may have. */
export const MAX_XLSX_ENTRIES = 10_000;
/** Longest XML text between two tags (Excel's own limit on a cell is 32,767 characters). */
export const MAX_XLSX_TEXT_RUN = 1024 * 1024;

/** Why an XLSX was refused, in both languages. */
export class XlsxBoundsError extends Error {}

/** The bounds checked; the defaults are the constants above. */
export interface XlsxLimits {
  readonly inflated: number;
  readonly entries: number;
  readonly textRun: number;
  /** Refuse on the declared sizes before inflating anything (off only to test the real count). */
  readonly declared: boolean;
}

const DEFAULT_LIMITS: XlsxLimits = { inflated: MAX_XLSX_INFLATED, entries: MAX_XLSX_ENTRIES, textRun: MAX_XLSX_TEXT_RUN, declared: true };

interface Entry { name: string; method: number; compressed: number; size: number; localOffset: number }

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

function tooLarge(file: string, limit: number, whatZh: string, whatEn = whatZh): XlsxBoundsError {
  return new XlsxBoundsError(`${file} 解压后超过 ${MiB(limit)}（${whatZh}），拒绝读取 / ${file} inflates past ${MiB(limit)} (${whatEn}); refused`);
}

/** Reads the central directory: every entry's name, method, sizes and where its data starts. */
async function entries(file: string, maxEntries: number): Promise<Entry[]> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 65_535 + 22);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new XlsxBoundsError(`${file} 不是有效的 XLSX（zip）文件 / ${file} is not a valid XLSX (zip) file`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // zip64: the locator just before the end record points at the zip64 end record.
      const locator = eocd - 20;
      if (locator < 0 || tail.readUInt32LE(locator) !== 0x07064b50) throw new XlsxBoundsError(`${file} 的 zip64 目录无法读取 / ${file}: unreadable zip64 directory`);
      const z64 = Buffer.alloc(56);
      await handle.read(z64, 0, 56, Number(tail.readBigUInt64LE(locator + 8)));
      if (z64.readUInt32LE(0) !== 0x06064b50) throw new XlsxBoundsError(`${file} 的 zip64 目录无法读取 / ${file}: unreadable zip64 directory`);
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (count > maxEntries || cdSize > 64 * 1024 * 1024) throw new XlsxBoundsError(`${file} 含有过多部件（${count}）/ ${file} has too many parts (${count})`);
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const list: Entry[] = [];
    for (let p = 0; p + 46 <= cd.length && list.length < count;) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new XlsxBoundsError(`${file} 的 zip 目录已损坏 / ${file}: corrupt zip directory`);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const entry: Entry = {
        name: cd.toString("utf8", p + 46, p + 46 + nameLength),
        method: cd.readUInt16LE(p + 10),
        compressed: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
      };
      // zip64 extra field: the 64-bit sizes and offset, for those that did not fit.
      for (let x = p + 46 + nameLength; x + 4 <= p + 46 + nameLength + extraLength;) {
        const id = cd.readUInt16LE(x);
        const length = cd.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let q = x + 4;
          if (entry.size === 0xffffffff) { entry.size = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (entry.compressed === 0xffffffff) { entry.compressed = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (entry.localOffset === 0xffffffff) { entry.localOffset = Number(cd.readBigUInt64LE(q)); }
        }
        x += 4 + length;
      }
      list.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return list;
  } finally {
    await handle.close();
  }
}

/**
 * Refuses an XLSX whose parts inflate past MAX_XLSX_INFLATED (declared or real), that has more
 * than MAX_XLSX_ENTRIES parts, or whose XML holds a text run longer than MAX_XLSX_TEXT_RUN.
 * Throws XlsxBoundsError with the reason; resolves when the file is within bounds.
 */
export async function checkXlsxBounds(file: string, limits: Partial<XlsxLimits> = {}): Promise<void> {
  const { inflated: maxInflated, entries: maxEntries, textRun: maxRun, declared: checkDeclared } = { ...DEFAULT_LIMITS, ...limits };
  const list = await entries(file, maxEntries);
  const declared = list.reduce((s, e) => s + e.size, 0);
  if (checkDeclared && declared > maxInflated) throw tooLarge(file, maxInflated, `声明 ${MiB(declared)}`, `declared ${MiB(declared)}`);
  let total = 0;
  const handle = await open(file, "r");
  try {
    for (const e of list) {
      if (e.compressed === 0) continue;
      const local = Buffer.alloc(30);
      await handle.read(local, 0, 30, e.localOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new XlsxBoundsError(`${file} 的 zip 部件 ${e.name} 已损坏 / ${file}: corrupt part ${e.name}`);
      const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const xml = /\.(xml|rels)$/i.test(e.name);
      let size = 0;
      let run = 0;
      const counter = new Writable({
        write(chunk: Buffer, _enc, done) {
          size += chunk.length;
          total += chunk.length;
          if (total > maxInflated) { done(tooLarge(file, maxInflated, e.name)); return; }
          if (size > e.size) { done(new XlsxBoundsError(`${file} 的部件 ${e.name} 解压后大于其声明的 ${e.size} 字节，拒绝读取 / ${file}: part ${e.name} inflates past its declared ${e.size} bytes; refused`)); return; }
          if (xml) {
            let from = 0;
            for (let lt = chunk.indexOf(0x3c, from); ; lt = chunk.indexOf(0x3c, from)) {
              run += (lt < 0 ? chunk.length : lt) - from;
              if (run > maxRun) { done(new XlsxBoundsError(`${file} 的 ${e.name} 中有超过 ${MiB(maxRun)} 的单元格文本，拒绝读取 / ${file}: ${e.name} holds a text over ${MiB(maxRun)}; refused`)); return; }
              if (lt < 0) break;
              run = 0;
              from = lt + 1;
            }
          }
          done();
        },
      });
      const raw = createReadStream(file, { start, end: start + e.compressed - 1 });
      if (e.method === 8) await pipeline(raw, createInflateRaw(), counter);
      else if (e.method === 0) await pipeline(raw, counter);
      else throw new XlsxBoundsError(`${file} 的部件 ${e.name} 使用了不支持的压缩方式 ${e.method} / ${file}: part ${e.name} uses unsupported compression ${e.method}`);
    }
  } catch (err) {
    if (err instanceof XlsxBoundsError) throw err;
    throw new XlsxBoundsError(`${file} 无法解压 / ${file} cannot be unzipped: ${(err as Error).message}`);
  } finally {
    await handle.close();
  }
}
