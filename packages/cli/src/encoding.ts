/**
 * Text encodings of the files city offices send: Excel and WPS save CSV in GBK (GB18030's subset)
 * or UTF-16, sometimes UTF-8 with a BOM. The rule, on the first 64 KiB:
 * 1. a BOM decides (EF BB BF UTF-8, FF FE UTF-16LE, FE FF UTF-16BE);
 * 2. else NUL bytes mean UTF-16: zeros mostly at odd offsets → LE (ASCII `A\0`), at even → BE;
 * 3. else valid UTF-8 is UTF-8, and anything else is GB18030 (a superset of GBK and GB2312).
 * Decoding is Node's own WHATWG TextDecoder (gb18030, utf-16le/be with full ICU, as Node ships):
 * no dependency, and `stream: true` decodes chunk by chunk. Decoders are `fatal`: a byte that does
 * not belong to the detected encoding stops the read with a clear error instead of turning into
 * U+FFFD in a company's name.
 */
import { open } from "node:fs/promises";
import { createReadStream } from "node:fs";

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be" | "gb18030";

/** How a detected encoding is named to people (summary lines). */
export const ENCODING_LABEL: Readonly<Record<TextEncoding, string>> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16LE",
  "utf-16be": "UTF-16BE",
  gb18030: "GB18030（GBK）",
};

export interface Detected {
  readonly encoding: TextEncoding;
  /** Whether the text starts with a byte-order mark (the decoder drops it). */
  readonly bom: boolean;
}

/** How many leading bytes the detection looks at. */
export const DETECTION_BYTES = 64 * 1024;

/** The encoding of a text from its first bytes (see the module's rule). Never throws. */
export function detectEncoding(head: Uint8Array): Detected {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf-8", bom: true };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bom: true };
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 0) { if (i % 2 === 0) evenZeros++; else oddZeros++; }
  if (evenZeros + oddZeros > 0) return { encoding: oddZeros >= evenZeros ? "utf-16le" : "utf-16be", bom: false };
  try {
    // `stream: true`: a multi-byte character cut at the end of the sample is not an error.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return { encoding: "utf-8", bom: false };
  } catch {
    return { encoding: "gb18030", bom: false };
  }
}

/** A fatal decoder for the encoding (drops a BOM). */
export function decoderFor(encoding: TextEncoding): TextDecoder {
  return new TextDecoder(encoding, { fatal: true });
}

/** Error text for bytes the detected encoding cannot read, in both languages. */
export function undecodable(file: string, encoding: TextEncoding): string {
  return `${file} 含有不属于 ${ENCODING_LABEL[encoding]} 编码的字节，请另存为 UTF-8 / ${file} has bytes that are not ${ENCODING_LABEL[encoding]}; save it as UTF-8`;
}

/** A whole file's bytes as text, with the encoding found. Throws a TypeError on undecodable bytes. */
export function decodeBuffer(data: Uint8Array): { text: string; encoding: TextEncoding } {
  const { encoding } = detectEncoding(data.subarray(0, DETECTION_BYTES));
  return { text: decoderFor(encoding).decode(data), encoding };
}

/** The encoding of a file, from its first bytes. */
export async function detectFileEncoding(file: string): Promise<Detected> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(DETECTION_BYTES);
    const { bytesRead } = await handle.read(head, 0, DETECTION_BYTES, 0);
    return detectEncoding(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** A file's text in chunks, decoded as it streams (memory stays one chunk). */
export async function* decodeFile(file: string, encoding: TextEncoding): AsyncGenerator<string> {
  const decoder = decoderFor(encoding);
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
