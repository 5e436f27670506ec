/**
 * File access that never follows a symbolic link, for everything the server keeps in or reads
 * from its folders: rule files, `.history`, `.audit` and examples.
 *
 * A rule folder is written by people and tools; a link in it (`ln -s /etc/passwd 2031.rules`, or a
 * `.history` pointing elsewhere) would make the server serve or write files outside it. So:
 * - a file is opened with `O_NOFOLLOW` (the open itself fails with ELOOP on a link, so there is no
 *   window between a check and the open) and must then be a regular file (`fstat`);
 * - a folder on the way (`.history`, `.history/<name>`, `.audit`) is checked with `lstat` and must
 *   be a real folder; it is made one level at a time, never with `recursive` (which would follow
 *   a link on the way).
 * The root folder itself (the rules folder, the examples folder) may be a link: it is the
 * operator's choice, resolved once with `realpath`.
 */
import { constants } from "node:fs";
import { lstat, mkdir, open } from "node:fs/promises";
import { join } from "node:path";

/** A path refused because it is a symbolic link (or not a regular file / folder). */
export class UnsafePathError extends Error {
  constructor(
    /** The path relative to its root, as the operator sees it (`2031.rules`, `.history`). */
    readonly relative: string,
    readonly reason: "symlink" | "not_file" | "not_folder",
  ) {
    super(`${relative}: ${reason === "symlink" ? "is a symbolic link" : reason === "not_file" ? "is not a regular file" : "is not a folder"}`);
  }
  /** Like an errno, for logs. */
  readonly code = "EUNSAFEPATH";
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** The bilingual reason of a refusal, for logs and error envelopes. */
export function unsafeReason(err: UnsafePathError): { zh: string; en: string } {
  switch (err.reason) {
    case "symlink":
      return { zh: `${err.relative} 是符号链接：服务器不跟随符号链接，已拒绝`, en: `${err.relative} is a symbolic link: the server does not follow symbolic links, so it is refused` };
    case "not_file":
      return { zh: `${err.relative} 不是普通文件，已拒绝`, en: `${err.relative} is not a regular file, so it is refused` };
    default:
      return { zh: `${err.relative} 不是文件夹，已拒绝`, en: `${err.relative} is not a folder, so it is refused` };
  }
}

/** What `path` is, without following a link: "file", "folder", "symlink", "other", or null when missing. */
export async function kindOf(path: string): Promise<"file" | "folder" | "symlink" | "other" | null> {
  try {
    const s = await lstat(path);
    return s.isSymbolicLink() ? "symlink" : s.isFile() ? "file" : s.isDirectory() ? "folder" : "other";
  } catch {
    return null;
  }
}

/**
 * Reads a regular file without following a link. Null when it does not exist; throws
 * `UnsafePathError` for a link or a non-file; other errors (EACCES, EIO) as they come.
 * `maxBytes`: a larger file is refused as null (it is not what the caller reads).
 */
export async function readNoFollow(path: string, relative: string, maxBytes = Infinity): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | O_NOFOLLOW);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    if (code === "ELOOP") throw new UnsafePathError(relative, "symlink");
    if (code === "EISDIR") throw new UnsafePathError(relative, "not_file");
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UnsafePathError(relative, "not_file");
    if (info.size > maxBytes) return null;
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * Makes sure `root/parts[0]/parts[1]/…` are real folders (made when missing, one level at a time),
 * none of them a link; returns the full path. Throws `UnsafePathError` naming the first bad part.
 */
export async function ensureFolder(root: string, ...parts: string[]): Promise<string> {
  let path = root;
  let relative = "";
  for (const part of parts) {
    path = join(path, part);
    relative = relative ? `${relative}/${part}` : part;
    let kind = await kindOf(path);
    if (kind === null) {
      await mkdir(path).catch((err: { code?: string }) => { if (err.code !== "EEXIST") throw err; });
      kind = await kindOf(path);
    }
    if (kind === "symlink") throw new UnsafePathError(relative, "symlink");
    if (kind !== "folder") throw new UnsafePathError(relative, "not_folder");
  }
  return path;
}

/**
 * Like `ensureFolder` but makes nothing: the path when every part is a real folder, null when one
 * is missing; throws `UnsafePathError` for a link or a non-folder on the way.
 */
export async function existingFolder(root: string, ...parts: string[]): Promise<string | null> {
  let path = root;
  let relative = "";
  for (const part of parts) {
    path = join(path, part);
    relative = relative ? `${relative}/${part}` : part;
    const kind = await kindOf(path);
    if (kind === null) return null;
    if (kind === "symlink") throw new UnsafePathError(relative, "symlink");
    if (kind !== "folder") throw new UnsafePathError(relative, "not_folder");
  }
  return path;
}

/** Opens `path` for appending (created with `mode` when missing), never through a link. */
export async function openAppendNoFollow(path: string, relative: string, mode = 0o640) {
  try {
    return await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as { code?: string }).code === "ELOOP") throw new UnsafePathError(relative, "symlink");
    throw err;
  }
}
