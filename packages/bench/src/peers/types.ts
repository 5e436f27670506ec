/**
 * What every encoding of the 2024 criteria exposes to `pnpm bench:peers`: a name, a cold start
 * (load and compile the rules) and a scorer giving the total in hundredths of a point, exactly as
 * our engine computes it. Peers that can also say whether an application is vetoed, eligible and
 * granted expose `outcome`, and are checked on those too.
 */

/** An application as services send it (docs/application.md), parsed from JSON. */
export interface Application {
  id?: string;
  enterprise?: Record<string, string>;
  grade: string;
  inputs: Record<string, unknown>;
  experts?: { name: string; scores: Record<string, number | string> }[];
}

export interface Outcome {
  /** Hundredths of a point. */
  total: number;
  vetoed: boolean;
  eligible: boolean;
  granted: boolean;
}

export interface Peer {
  readonly name: string;
  /** The library and version, for the report. */
  readonly library: string;
  /** What the encoding computes itself: "totals", or "totals, vetoes, eligibility, outcome". */
  readonly covers: string;
  /** What a small adapter in TypeScript does for it ("none" when the rules do everything). */
  readonly adapter: string;
  /** Whether `score` returns a promise. */
  readonly async: boolean;
  /** Cold start: load the rules and compile them. */
  load(): Promise<void> | void;
  /** The total in hundredths of a point. */
  score(app: Application): number | Promise<number>;
  /**
   * Scores many applications in one call (the engine's own batch form), returning the sum of
   * their totals in hundredths; a worker given `--batch N` times calls of N applications.
   */
  scoreBatch?(apps: readonly Application[]): Promise<number>;
  /** Total, vetoes, eligibility and outcome, where the encoding has them. */
  outcome?(app: Application): Outcome | Promise<Outcome>;
}

/**
 * Our result's outcome (the engine's or the compiled module's), its total in hundredths from the
 * exact decimal text ("83.25" → 8325), not the JS number. Here, not in ours.ts, so that the
 * compiled module's peer does not import the engine with it (its cold start would include it).
 */
export function outcomeOf(r: { readonly total: { readonly decimal: string }; readonly outcome: { readonly vetoed: boolean; readonly eligible: boolean; readonly granted: boolean } }): Outcome {
  const [int, frac = ""] = r.total.decimal.split(".");
  if (frac.length > 2) throw new Error(`a total finer than 0.01: ${r.total.decimal}`);
  const total = Number(int) * 100 + Number((frac + "00").slice(0, 2));
  return { total, vetoed: r.outcome.vetoed, eligible: r.outcome.eligible, granted: r.outcome.granted };
}
