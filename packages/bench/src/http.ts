/**
 * `pnpm bench:http`: the HTTP API's throughput and latency for single evaluations, measured by
 * autocannon against the real server (a separate process) on loopback.
 *
 *   node packages/bench/dist/http.js [--seconds 10] [--connections 16] [--trace true|false]
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { root } from "./paths.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    trace: { type: "string", default: "true" },
  },
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const server = spawn(process.execPath, [join(root, "packages/server/dist/main.js"), "--rules", join(root, "rules"), "--port", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
await new Promise<void>((resolve, reject) => {
  server.stdout!.on("data", (d: Buffer) => { if (d.toString().includes("API:")) resolve(); });
  server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
});

const body = readFileSync(join(root, "examples/03-nanjing-huarui-zhineng-zhuangbei.json"), "utf8");
const url = `http://127.0.0.1:${port}/api/rules/2024/evaluate${values.trace === "false" ? "?trace=false" : ""}`;
const check = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
if (check.status !== 200) throw new Error(`the server answered ${check.status}`);

const result = await autocannon({
  url,
  method: "POST",
  headers: { "content-type": "application/json" },
  body,
  connections: Number(values.connections),
  duration: Number(values.seconds),
});
server.kill("SIGTERM");

const l = result.latency;
console.log(`POST /api/rules/2024/evaluate (trace ${values.trace}), ${values.connections} connections, ${values.seconds} s, Node ${process.version}, loopback`);
console.log(`requests/s  mean ${Math.round(result.requests.average).toLocaleString("en-US")}  (total ${result.requests.total.toLocaleString("en-US")}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
console.log(`latency ms  p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}`);
if (result.non2xx > 0 || result.errors > 0) process.exitCode = 1;
