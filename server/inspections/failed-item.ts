import { findCategory } from '../domain/catalogue.ts';
import { findItem } from '../domain/checklists.ts';
import { DEADLINE_RULE_NAMES, type DeadlineRule, failedItemDeadline, roundKinds } from '../domain/inspections.ts';
import type { RoundRecord } from '../store/inspection-store.ts';
import type { ProblemDraft, SiteRecord } from '../store/records.ts';
import type { TownData } from '../town-data.ts';

/** A round kind's name (督导检查, 模拟测评, 暗访, 回头看). */
export const kindName = (k: string) => roundKinds.find((r) => r.code === k)?.name ?? k;

/** A round's deadline rule in words (按问题类型时限, 立行立改, N 个工作日). */
export function ruleWords(rule: DeadlineRule): string {
  if (rule.kind === 'category') return DEADLINE_RULE_NAMES.category;
  return rule.days === 1 ? DEADLINE_RULE_NAMES.immediate : `${rule.days} 个工作日`;
}

/** The problem a failed item makes: at the site, of the item's category, from the round's source, to the site's unit. */
export function failedItemDraft(town: TownData, round: RoundRecord, site: SiteRecord, itemCode: string, note: string, actor: string, at: number): ProblemDraft {
  const item = findItem(itemCode);
  const category = item && findCategory(item.category);
  if (!item || !category) throw new Error(`checklist item ${itemCode}`);
  const deadline = failedItemDeadline(round.deadlineRule, itemCode, at);
  const source = roundKinds.find((k) => k.code === round.kind)?.source ?? 'inspection';
  const unitId = site.unitId && town.unitById.has(site.unitId) ? site.unitId : null;
  const description = `${round.name}：${site.name}「${item.text}」不合格${note ? `，${note}` : ''}`;
  const draft: ProblemDraft = {
    problem: {
      townId: town.town.id,
      lon: site.lon,
      lat: site.lat,
      gridId: site.gridId,
      communityId: site.communityId,
      category: category.code,
      source,
      status: 'reported',
      unitId: null,
      siteId: site.id,
      description,
      address: site.name,
      measure: null,
      reportedAt: at,
      deadline,
      closedAt: null,
      updatedAt: at,
      version: 1,
    },
    events: [{ at, actor, action: 'report', fromStatus: null, toStatus: 'reported', note: `${kindName(round.kind)}发现`, photos: [], changes: { deadline } }],
  };
  if (unitId) {
    Object.assign(draft.problem, { status: 'open', unitId, version: 2 });
    draft.events.push({
      at,
      actor,
      action: 'assign',
      fromStatus: 'reported',
      toStatus: 'open',
      note: `交办点位责任单位${town.unitById.get(unitId)?.name ?? unitId}（${ruleWords(round.deadlineRule)}）`,
      photos: [],
      changes: { unitId },
    });
  }
  return draft;
}
