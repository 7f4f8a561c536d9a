import checklistData from '../../data/checklists.json' with { type: 'json' };
import { findCategory, type SiteKind, siteKinds } from './catalogue.ts';

/**
 * The checklists (测评项) key sites are held to, per site type, kept as data (data/checklists.json):
 * what an inspector checks at a site, what a failed item costs, whether failing it vetoes
 * (一票否决), and the problem category a failed item becomes.
 */

export interface ChecklistItem {
  code: string;
  text: string;
  /** Points a failed item costs in a mock evaluation. */
  weight: number;
  veto: boolean;
  /** The problem category a failed item is recorded as. */
  category: string;
}

export interface Checklist {
  kind: SiteKind;
  items: ChecklistItem[];
}

/** What is wrong with a checklist file, one line per fault (empty when it is sound). */
export function checklistFaults(data: { types: { kind: string; items: ChecklistItem[] }[] }): string[] {
  const faults: string[] = [];
  const codes = new Set<string>();
  const kinds = new Set<string>();
  for (const t of data.types) {
    if (!(siteKinds as readonly string[]).includes(t.kind)) faults.push(`未知的点位类型“${t.kind}”`);
    if (kinds.has(t.kind)) faults.push(`点位类型“${t.kind}”重复`);
    kinds.add(t.kind);
    if (t.items.length === 0) faults.push(`点位类型“${t.kind}”没有测评项`);
    for (const i of t.items) {
      if (codes.has(i.code)) faults.push(`测评项编码“${i.code}”重复`);
      codes.add(i.code);
      if (!findCategory(i.category)) faults.push(`测评项“${i.code}”的问题类型“${i.category}”不在目录中`);
      if (!(Number.isFinite(i.weight) && i.weight > 0)) faults.push(`测评项“${i.code}”的分值应为正数`);
      if (!i.text.trim()) faults.push(`测评项“${i.code}”没有内容`);
    }
  }
  for (const k of siteKinds) if (!kinds.has(k)) faults.push(`点位类型“${k}”没有检查表`);
  return faults;
}

const faults = checklistFaults(checklistData);
if (faults.length > 0) throw new Error(`data/checklists.json: ${faults.join('; ')}`);

export const checklists: readonly Checklist[] = checklistData.types as Checklist[];

const byKind = new Map(checklists.map((c) => [c.kind, c]));
const byItem = new Map(checklists.flatMap((c) => c.items.map((i) => [i.code, { ...i, kind: c.kind }] as const)));

/** The checklist of a site type. */
export function checklistFor(kind: SiteKind): Checklist {
  return byKind.get(kind) as Checklist;
}

/** A checklist item by its code, with its site type; undefined for an unknown code. */
export function findItem(code: string): (ChecklistItem & { kind: SiteKind }) | undefined {
  return byItem.get(code);
}
