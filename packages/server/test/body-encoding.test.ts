/**
 * A JSON body in the encodings city offices' tools save (issue 13, item 6): a GBK/GB18030 body
 * was decoded as UTF-8, so every Chinese key was "missing" (79 errors). Now a declared charset is
 * honoured, a byte-order mark followed, and bytes that are not UTF-8 but are GB18030 read as such;
 * anything else is refused with the reason. Over a real socket.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "../src/index.js";
import { repo, request } from "./real-server.js";

let dir: string;
let base: string;
let close: () => Promise<void>;
let text: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jsqc-body-encoding-"));
  await cp(join(repo, "rules/2024.rules"), join(dir, "2024.rules"));
  const { app } = await buildServer({ rulesDir: dir, watch: false });
  base = await app.listen({ port: 0, host: "127.0.0.1" });
  close = () => app.close();
  text = await readFile(join(repo, "examples/03-nanjing-huarui-zhineng-zhuangbei.json"), "utf8");
});
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

/** GB18030 bytes of a string (Node has a decoder for it, not an encoder): via a code table. */
function gb18030(s: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder("gb18030");
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const out: number[] = [];
  for (const ch of s) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else {
      const b = table.get(ch);
      if (!b) throw new Error(`no two-byte GB18030 code for ${ch}`);
      out.push(...b);
    }
  }
  return Buffer.from(out);
}

const evaluate = (body: Buffer, contentType = "application/json") =>
  request(base, "POST", "/api/rules/2024/evaluate?trace=false", { body, headers: { "content-type": contentType } });

describe("a JSON body in GBK, GB18030 or UTF-16 is read as such", () => {
  test("GBK without a charset, with charset=gbk and charset=gb18030, UTF-16LE and BE with a BOM: the same total as UTF-8", async () => {
    const utf8 = await evaluate(Buffer.from(text, "utf8"));
    expect(utf8.status).toBe(200);
    const gbk = gb18030(text);
    expect(gbk.equals(Buffer.from(text, "utf8"))).toBe(false);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [body, type] of [[gbk, "application/json"], [gbk, "application/json; charset=gbk"], [gbk, "application/json; charset=GB18030"], [le, "application/json"], [be, "application/json"]] as const) {
      const a = await evaluate(body, type);
      expect(a.status, `${type}: ${a.text.slice(0, 200)}`).toBe(200);
      expect(a.json.total).toEqual(utf8.json.total);
    }
  });

  test("bytes valid in neither UTF-8 nor GB18030, a body not in its declared charset, an unknown charset: 400 with the reason", async () => {
    const broken = Buffer.concat([Buffer.from('{"grade":"A","inputs":{"'), Buffer.from([0xff, 0xff, 0x81]), Buffer.from('":1}}')]);
    const a = await evaluate(broken);
    expect(a.status).toBe(400);
    expect(a.json.error.messageEn).toContain("neither UTF-8 nor GB18030");
    const notUtf8 = await evaluate(gb18030(text), "application/json; charset=utf-8");
    expect(notUtf8.status).toBe(400);
    expect(notUtf8.json.error.messageEn).toContain("not valid utf-8");
    const unknown = await evaluate(Buffer.from(text), "application/json; charset=koi8-r");
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.messageEn).toContain("unsupported charset koi8-r");
  });
});
