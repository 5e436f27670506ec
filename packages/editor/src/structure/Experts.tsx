/**
 * Expert rules (专家评分规则, language §3.11): the file's rule as a panel of its own, and the form a
 * section's or an item's own rule is set with. Each clause — combine, round, spread, at least N
 * experts — is changed on its own as a minimal text edit (`edits.setExpertClause`); a section's or
 * an item's clause left empty inherits the enclosing level's, shown in the empty field as
 * "沿用 …" / "inherits …".
 */
import { effectiveExperts, fileExperts, edits as E, type ExpertsDecl, type ItemDecl, type SectionDecl } from "@jsqc/dsl";
import { Cell, Findings, Notes, t, useStruct, within } from "./common.js";
import type { Lang } from "../i18n.js";

const COMBINE: Record<string, { zh: string; en: string }> = {
  "mean": { zh: "取平均", en: "mean" },
  "trimmed mean": { zh: "去掉最高最低后平均", en: "trimmed mean" },
};

/** The values a nested level inherits, clause by clause (null: no level sets it). */
interface Inherited {
  readonly combine: string | null;
  readonly round: string | null;
  readonly spread: string | null;
  readonly atLeast: string | null;
}

function combineName(lang: Lang, v: string | null): string {
  return v ? COMBINE[v]![lang] : t(lang, "未设", "unset");
}

/**
 * One rule's four clauses as fields. `inherited` null: the file's rule (an empty clause means
 * none: no rounding, no spread flag, no required number); otherwise what each empty clause takes.
 */
export function ExpertRuleFields({ owner, block, inherited, prefix, id, label }: {
  owner: E.ExpertOwner; block: ExpertsDecl | null; inherited: Inherited | null; prefix: string; id: string; label: string;
}) {
  const { text, edit, lang } = useStruct();
  const set = (clause: E.ExpertClause, v: string | null) => edit(E.setExpertClause(text, owner, clause, v));
  const inherits = (v: string | null, none: [string, string]) => inherited
    ? `${t(lang, "沿用", "inherits")} ${v ?? t(lang, none[0], none[1])}`
    : t(lang, none[0], none[1]);
  const combine = block?.combine?.value ?? "";
  return (
    <span className="expert-rule">
      <span className="x-field">{label}</span>
      <span className="x-field">
        <select data-testid={`${prefix}-combine-${id}`} value={combine} onChange={(e) => set("combine", e.target.value || null)}>
          {(inherited || !combine) && (
            <option value="">{inherited ? `${t(lang, "沿用", "inherits")} ${combineName(lang, inherited.combine)}` : t(lang, "（未设）", "(unset)")}</option>
          )}
          <option value="mean">{COMBINE["mean"]![lang]}</option>
          <option value="trimmed mean">{COMBINE["trimmed mean"]![lang]}</option>
        </select>
      </span>
      <span className="x-field">{t(lang, "取整到", "round to")}
        <Cell width="4.8em" testId={`${prefix}-round-${id}`} value={block?.round?.value ?? ""} placeholder={inherits(inherited?.round ?? null, ["不取整", "none"])} onCommit={(v) => set("round", v)} />
      </span>
      <span className="x-field">{t(lang, "至少", "at least")}
        <Cell width="4.8em" testId={`${prefix}-atleast-${id}`} value={block?.atLeast?.value ?? ""} placeholder={inherits(inherited?.atLeast ?? null, ["不限", "any"])} onCommit={(v) => set("atLeast", v)} />
        {t(lang, "位专家", "experts")}
      </span>
      <span className="x-field">{t(lang, "分差超过", "spread over")}
        <Cell width="4.8em" testId={`${prefix}-spread-${id}`} value={block?.spread?.value ?? ""} placeholder={inherits(inherited?.spread ?? null, ["不提示", "none"])} onCommit={(v) => set("spread", v)} />
        {t(lang, "分提示复核", "flags review")}
      </span>
    </span>
  );
}

const fromDecl = (d: { combine: string | null; round: string | null; spread: string | null; atLeast: number | null }): Inherited =>
  ({ combine: d.combine, round: d.round, spread: d.spread, atLeast: d.atLeast === null ? null : String(d.atLeast) });

/** What a section's empty clause takes: the file's rule. */
export function sectionInherits(file: ExpertsDecl | null): Inherited {
  return fromDecl(effectiveExperts(file, null, null));
}

/** What an item's empty clause takes: its section's rule over the file's. */
export function itemInherits(file: ExpertsDecl | null, s: SectionDecl): Inherited {
  return fromDecl(effectiveExperts(file, s, null));
}

/** The file's expert rule, the default of every judged item: its clauses, findings and notes. */
export function FileExpertsBlock() {
  const { parsed, checked, lang } = useStruct();
  const block = fileExperts(parsed.ast);
  const judged = parsed.ast.declarations.some((d) => d.type === "Section" && d.items.some((i) => i.form.type === "Judged"));
  if (!block && !judged) return null;
  return (
    <div className="struct-block" id="struct-experts" data-testid="struct-experts">
      <h4>{t(lang, "专家评分规则（全文件）", "Expert rule (the whole file)")}</h4>
      <div className="muted">{t(lang, "各部分、各项未另定的，按此规则汇总专家评分。", "Every judged item follows this rule unless its section or the item sets its own.")}</div>
      <ExpertRuleFields owner={{ kind: "file" }} block={block} inherited={null} prefix="file-experts" id="file" label={t(lang, "汇总方式", "combine")} />
      {block && <Findings list={checked.diagnostics.filter((d) => within(d, block.span))} />}
      {block && <Notes owner={{ kind: "experts" }} notes={block.notes} testId="experts" />}
    </div>
  );
}

/** The own-rule row of a judged item: shown while open or while the item has a block. */
export function ItemExpertsFields({ s, item }: { s: SectionDecl; item: ItemDecl }) {
  const { parsed, text, edit, lang } = useStruct();
  return (
    <div className="item-experts" data-testid={`item-experts-${item.id}`}>
      <ExpertRuleFields owner={{ kind: "item", id: item.id }} block={item.experts} inherited={itemInherits(fileExperts(parsed.ast), s)} prefix="item-experts" id={item.id} label={t(lang, "本项专家评分", "this item's expert rule")} />
      {item.experts && (
        <button type="button" className="link" data-testid={`item-experts-remove-${item.id}`} onClick={() => edit(E.setItemExperts(text, item.id, {}))}>
          {t(lang, "改回沿用", "back to inherited")}
        </button>
      )}
    </div>
  );
}
