import { fileURLToPath } from "node:url";
import { join, dirname } from "node:path";

/** The repository's root, from packages/bench/dist or src. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const rulesPath = (name: string) => join(root, "rules", name);
