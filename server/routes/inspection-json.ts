import type { Static } from 'typebox';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findItem } from '../domain/checklists.ts';
import type { DeadlineRule } from '../domain/inspections.ts';
import { kindName, ruleWords } from '../inspections/failed-item.ts';
import type { RoundInput, RoundSummary, SiteCheck } from '../schemas/inspections.ts';
import type { RoundRecord, SiteCheckRecord } from '../store/inspection-store.ts';
import type { SiteRecord } from '../store/records.ts';
import type { TownData } from '../town-data.ts';

/** Inspection rounds and checks as the API answers them, and a round's report of pass rates. */

export function ruleOf(input: Static<typeof RoundInput>['deadline']): DeadlineRule {
  if (input === 'category') return { kind: 'category' };
  if (input === 'immediate') return { kind: 'workdays', days: 1 };
  return { kind: 'workdays', days: input.workdays };
}

export const roundJson = (r: RoundRecord & { sites: number; checked: number }): Static<typeof RoundSummary> => ({
  id: r.id,
  kind: r.kind,
  kindName: kindName(r.kind),
  name: r.name,
  startsOn: r.startsOn,
  endsOn: r.endsOn,
  team: r.team,
  deadline: ruleWords(r.deadlineRule),
  recheckOf: r.recheckOf,
  sample: r.sample,
  createdBy: r.createdBy,
  sites: r.sites,
  checked: r.checked,
});

export function checkJson(c: SiteCheckRecord): Static<typeof SiteCheck> {
  return {
    id: c.id,
    roundId: c.roundId,
    siteId: c.siteId,
    checkedAt: toShanghaiIso(c.checkedAt),
    inspector: c.inspector,
    note: c.note,
    items: c.items.map((i) => ({ ...i, text: findItem(i.item)?.text ?? i.item, veto: findItem(i.item)?.veto === true })),
    passed: c.items.filter((i) => i.result === 'pass').length,
    failed: c.items.filter((i) => i.result === 'fail').length,
    vetoFailed: c.items.some((i) => i.result === 'fail' && findItem(i.item)?.veto === true),
  };
}

/** Pass rates of the checked items (不适用 left out), grouped by a key of the site. */
function passRates(
  checks: readonly SiteCheckRecord[],
  siteOf: (id: string) => SiteRecord | undefined,
  key: (s: SiteRecord) => string | null,
  name: (k: string) => string,
) {
  const groups = new Map<string, { passed: number; failed: number }>();
  for (const c of checks) {
    const site = siteOf(c.siteId);
    const k = site ? key(site) : null;
    if (k === null) continue;
    const g = groups.get(k) ?? { passed: 0, failed: 0 };
    for (const i of c.items) {
      if (i.result === 'pass') g.passed++;
      if (i.result === 'fail') g.failed++;
    }
    groups.set(k, g);
  }
  return [...groups.entries()]
    .map(([k, g]) => ({
      key: k,
      name: name(k),
      ...g,
      rate: g.passed + g.failed === 0 ? null : Math.round((g.passed / (g.passed + g.failed)) * 10_000) / 10_000,
    }))
    .sort((a, b) => (a.rate ?? 2) - (b.rate ?? 2) || a.key.localeCompare(b.key));
}

/** A round's report: pass rates by site type, by village and by unit, worst first. */
export function roundReport(checks: readonly SiteCheckRecord[], town: TownData) {
  const siteOf = (id: string) => town.siteById.get(id);
  return {
    byKind: passRates(
      checks,
      siteOf,
      (s) => s.kind,
      (k) => k,
    ),
    byCommunity: passRates(
      checks,
      siteOf,
      (s) => s.communityId,
      (k) => town.communityById.get(k)?.name ?? k,
    ),
    byUnit: passRates(
      checks,
      siteOf,
      (s) => s.unitId,
      (k) => town.unitById.get(k)?.name ?? k,
    ),
  };
}
