/**
 * The evaluation result: plain JSON with stable field names (documented in docs/engine.md).
 * Every number is an exact decimal, given both as a decimal string and as the nearest JS number.
 */

export interface Amount {
  /** Exact decimal text: "2.5", "83.25", "0". */
  readonly decimal: string;
  /** The nearest JS number, for convenience. */
  readonly number: number;
}

/** Where in the rule file a part of the result came from (1-based line and column, end exclusive). */
export interface Source {
  readonly id: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface InputValue {
  readonly name: string;
  readonly label: string;
  readonly value: string | boolean | string[] | Record<string, string | boolean | null>[] | null;
}

export interface ItemResult {
  /** `三.1`: section id and item number. */
  readonly id: string;
  readonly points: Amount;
  readonly maximum: Amount;
  // With the trace on:
  readonly number?: string;
  readonly text?: string;
  /** The scoring form: Judged, Fixed, PerCount, BaseIncrement, TakeMax, Cumulative, Tiers, Formula. */
  readonly form?: string;
  /** Why, in Chinese, showing the arithmetic: "3 个：2 + 0.5 × 2 = 3". */
  readonly reason?: string;
  /** Take-highest and tiers: the branch or tier (0-based, in source order) that gave the points; -1 for none. */
  readonly branch?: number;
  /** Items with a cap: whether the cap cut the points. */
  readonly capped?: boolean;
  readonly inputs?: readonly InputValue[];
  /** Judged items: every expert's score; `dropped` marks the two a trimmed mean left out. */
  readonly experts?: readonly { readonly name: string; readonly score: Amount; readonly dropped?: true }[];
  /** Judged items: the expert rule that applied (see ExpertRuleTrace). */
  readonly expertRule?: ExpertRuleTrace;
  readonly source?: Source;
}

/**
 * Which expert rule combined a judged item's scores: `level` file, section or item (or none when
 * the file has no experts block), every clause as inherited, and where that block is written.
 */
export interface ExpertRuleTrace {
  readonly level: "file" | "section" | "item" | "none";
  readonly combine: "mean" | "trimmed mean";
  readonly round: string | null;
  readonly spread: string | null;
  readonly atLeast: number | null;
  /** The block's position (1-based, end exclusive); null for "none". */
  readonly line: number | null;
  readonly column: number | null;
  readonly endLine: number | null;
  readonly endColumn: number | null;
}

export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly points: Amount;
  readonly weight: Amount;
  readonly capped?: boolean;
  readonly items: readonly ItemResult[];
  readonly source?: Source;
}

export interface VetoResult {
  /** `十一.1` */
  readonly id: string;
  readonly text: string;
  readonly applies: boolean;
  /** The record that triggered the veto (trace on). */
  readonly record?: { readonly list: string; readonly index: number; readonly values: Record<string, string | boolean | null> };
  /** The date window the record fell in (trace on). */
  readonly window?: { readonly from: string; readonly to: string };
  readonly source?: Source;
}

export interface ConditionResult {
  readonly id: string;
  readonly label: string;
  readonly met: boolean;
  /** The values the condition read (trace on). */
  readonly detail?: string;
  readonly source?: Source;
}

export interface EligibilityResult {
  readonly grade: string;
  readonly eligible: boolean;
  /** Ids of the conditions not met. */
  readonly failed: readonly string[];
  readonly conditions?: readonly ConditionResult[];
}

export interface Outcome {
  /** The grade applied for. */
  readonly grade: string;
  readonly eligible: boolean;
  readonly vetoed: boolean;
  readonly score: Amount;
  readonly passMark: Amount;
  readonly passed: boolean;
  /** Eligible, not vetoed, and at or above the pass mark. */
  readonly granted: boolean;
}

export interface Flag {
  /** The judged item flagged. */
  readonly item: string;
  /** `spread`: experts differ by more than the declared spread; `unscored`: no expert scored it. */
  readonly kind: "spread" | "unscored";
  readonly message: string;
}

export interface EvaluationResult {
  readonly ruleset: { readonly title: string; readonly year: number | null; readonly document: string | null };
  readonly id?: string;
  readonly total: Amount;
  readonly maximum: Amount;
  readonly sections: readonly SectionResult[];
  readonly vetoes: readonly VetoResult[];
  /** Eligibility for every grade the rule file declares. */
  readonly eligibility: readonly EligibilityResult[];
  readonly outcome: Outcome;
  readonly flags: readonly Flag[];
}
