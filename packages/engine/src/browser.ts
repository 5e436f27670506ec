/**
 * The engine for bundlers targeting a browser (the `browser` condition of package.json): zod is
 * imported statically here, since a browser has no synchronous `require`; in Node the engine
 * loads zod only when an application fails the fast path (schema.ts, `zod()`).
 */
import { z } from "zod";
import { useZod } from "./schema.js";

useZod(z);

export * from "./index.js";
