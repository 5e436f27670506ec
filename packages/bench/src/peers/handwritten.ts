/** The hand-written TypeScript scorer (../handwritten.ts) as a peer: the reference for speed. */
import { scoreByHand } from "../handwritten.js";
import type { Application, Peer } from "./types.js";

export const handwritten: Peer = {
  name: "hand-written TypeScript",
  library: "—",
  covers: "totals, vetoes, eligibility, outcome",
  adapter: "none (it is all code)",
  async: false,
  load() {},
  score: (app: Application) => scoreByHand(app).total,
  outcome: (app: Application) => scoreByHand(app),
};
