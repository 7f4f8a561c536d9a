import { shanghaiDate, shanghaiMidnight } from '../../server/domain/calendar.ts';
import { checklistFor } from '../../server/domain/checklists.ts';
import type { DeadlineRule, ItemResult, RoundKind } from '../../server/domain/inspections.ts';
import { stratifiedSample } from '../../server/domain/inspections.ts';
import { Random } from '../../server/domain/random.ts';
import { failedItemDraft } from '../../server/inspections/failed-item.ts';
import type { RoundRecord, RoundSite, SampleRecord } from '../../server/store/inspection-store.ts';
import type { ProblemDraft } from '../../server/store/records.ts';
import type { Store } from '../../server/store/store.ts';
import type { TownData } from '../../server/town-data.ts';
import { dayAfter, seedDemoProjects } from './projects.ts';
import { ASSESSMENT_STREAM_SALT } from './streams.ts';

/**
 * The demo's assessment year (演示数据): a 督导检查 every month on a stratified sample of 30 key
 * sites, a 模拟测评 of every site each quarter followed two weeks later by its 回头看, the checks
 * made in them (fewer failures as the campaign goes on, a few veto items failed), the problems the
 * failed items made — handled and mostly closed by their units — and the key projects of the two
 * market towns (scripts/demo/projects.ts).
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TEAM = ['镇创文办督查组', '王建国', '陈晓燕'];
const SUPERVISION_SAMPLE = 30;

interface PlannedRound {
  kind: RoundKind;
  name: string;
  startsOn: string;
  endsOn: string;
  deadlineRule: DeadlineRule;
  sample: SampleRecord;
  recheckOf?: number;
}

/**
 * The unit's handling of a problem a failed item made, as events after its report and assignment:
 * started, rectified and verified, on time more often as the campaign goes on; nothing after `now`.
 */
function handled(rng: Random, draft: ProblemDraft, progress: number, now: number, unitName: string): void {
  const p = draft.problem;
  if (p.status !== 'open' || !p.unitId || p.deadline === null) return;
  const deadline = p.deadline;
  const limit = deadline - p.reportedAt;
  let t = p.reportedAt + Math.max(30 * 60_000, rng.exponential(Math.min(4 * HOUR, limit / 4)));
  const push = (action: 'start' | 'submit' | 'close', to: 'in_progress' | 'awaiting_verification' | 'closed', actor: string, note: string) => {
    if (t > now) return false;
    const at = Math.round(t);
    draft.events.push({ at, actor, action, fromStatus: p.status, toStatus: to, note, photos: [], changes: to === 'closed' ? { closedAt: at } : {} });
    Object.assign(p, { status: to, updatedAt: at, version: p.version + 1 }, to === 'closed' ? { closedAt: at } : {});
    return true;
  };
  if (!push('start', 'in_progress', unitName, '')) return;
  const onTime = rng.chance(0.6 + 0.35 * progress);
  t = onTime ? p.reportedAt + limit * rng.range(0.3, 0.95) : deadline + rng.exponential(Math.max(6 * HOUR, limit * 0.8));
  if (!push('submit', 'awaiting_verification', unitName, '已按测评要求整改')) return;
  t += Math.max(20 * 60_000, rng.exponential(10 * HOUR));
  push('close', 'closed', '镇创文办核查员', '');
}

/** The rounds of the year before `now`, oldest first (rechecks named by the index of their round). */
function plannedRounds(now: number): (PlannedRound & { recheckIndex?: number })[] {
  const rounds: (PlannedRound & { recheckIndex?: number })[] = [];
  const today = shanghaiDate(now);
  const [y, m] = today.split('-').map(Number);
  for (let back = 11; back >= 0; back--) {
    const month = new Date(Date.UTC(y, m - 1 - back, 1));
    const ym = month.toISOString().slice(0, 7);
    const label = `${month.getUTCFullYear()}年${month.getUTCMonth() + 1}月`;
    rounds.push({
      kind: 'supervision',
      name: `${label}督导检查`,
      startsOn: `${ym}-08`,
      endsOn: `${ym}-12`,
      deadlineRule: { kind: 'category' },
      sample: { mode: 'random', size: SUPERVISION_SAMPLE, seed: 1000 + back },
    });
    if ((month.getUTCMonth() + 1) % 3 === 2) {
      rounds.push({
        kind: 'mock_evaluation',
        name: `${label}模拟测评`,
        startsOn: `${ym}-18`,
        endsOn: `${ym}-20`,
        deadlineRule: { kind: 'workdays', days: 1 },
        sample: { mode: 'all' },
      });
      rounds.push({
        kind: 'recheck',
        name: `${label}模拟测评回头看`,
        startsOn: dayAfter(Date.parse(`${ym}-20T12:00:00+08:00`), 12),
        endsOn: dayAfter(Date.parse(`${ym}-20T12:00:00+08:00`), 14),
        deadlineRule: { kind: 'workdays', days: 1 },
        sample: { mode: 'recheck' },
        recheckIndex: rounds.length - 1,
      });
    }
  }
  return rounds.filter((r) => r.startsOn <= today);
}

/** Adds the assessment year; returns how many rounds, checks and problems it wrote. */
export async function seedDemoAssessment(
  store: Store,
  town: TownData,
  options: { seed: number; now: number },
): Promise<{ rounds: number; checks: number; problems: number; projects: number }> {
  const rng = new Random(options.seed ^ ASSESSMENT_STREAM_SALT);
  const { now } = options;
  const start = now - 365 * DAY;
  const ids: number[] = [];
  let checks = 0;
  let problems = 0;
  for (const plan of plannedRounds(now)) {
    let sites: RoundSite[];
    if (plan.kind === 'recheck') {
      const earlier = await store.inspections.round(ids[plan.recheckIndex as number]);
      sites = (earlier?.checks ?? [])
        .map((c) => ({ siteId: c.siteId, items: c.items.filter((i) => i.result === 'fail').map((i) => i.item) }))
        .filter((s) => s.items.length > 0);
      if (sites.length === 0) continue;
    } else if (plan.sample.mode === 'random') {
      sites = stratifiedSample(town.sites, plan.sample.size, plan.sample.seed).map((siteId) => ({ siteId, items: null }));
    } else sites = town.sites.map((s) => ({ siteId: s.id, items: null }));
    const startsAt = shanghaiMidnight(plan.startsOn);
    const round: RoundRecord = await store.inspections.createRound(
      {
        kind: plan.kind,
        name: plan.name,
        startsOn: plan.startsOn,
        endsOn: plan.endsOn,
        team: TEAM,
        deadlineRule: plan.deadlineRule,
        recheckOf: plan.recheckIndex === undefined ? null : ids[plan.recheckIndex],
        sample: plan.sample,
        createdBy: '镇创文办',
        createdAt: startsAt - 3 * DAY,
      },
      sites,
    );
    ids.push(round.id);
    const days = Math.round((shanghaiMidnight(plan.endsOn) - startsAt) / DAY) + 1;
    for (const rs of sites) {
      const at = startsAt + rng.int(days) * DAY + Math.round(rng.range(8.5, 17) * HOUR);
      // the round under way now: what is not checked yet stays to do
      if (at > now - HOUR) continue;
      const site = town.siteById.get(rs.siteId);
      if (!site) continue;
      const progress = (at - start) / (now - start);
      const items = checklistFor(site.kind).items.filter((i) => rs.items === null || rs.items.includes(i.code));
      const answers = items.map((i) => {
        const failP =
          plan.kind === 'recheck' ? 0.2 : i.veto ? (plan.kind === 'mock_evaluation' ? 0.15 : 0.03) : (0.05 + 0.1 * (1 - progress)) * (i.weight >= 3 ? 1.2 : 1);
        const result: ItemResult = rng.chance(0.04) && plan.kind !== 'recheck' ? 'na' : rng.chance(failP) ? 'fail' : 'pass';
        const note = result === 'fail' ? (plan.kind === 'recheck' ? '复查仍未整改到位' : '现场检查发现') : '';
        const draft = result === 'fail' ? failedItemDraft(town, round, site, i.code, note, TEAM[1 + rng.int(2)], at) : null;
        if (draft) handled(rng, draft, progress, now, town.unitById.get(site.unitId ?? '')?.name ?? '责任单位');
        return { item: i.code, result, note, draft };
      });
      const done = await store.inspections.submitCheck({
        roundId: round.id,
        siteId: site.id,
        checkedAt: at,
        inspector: TEAM[1 + rng.int(2)],
        note: '',
        items: answers,
      });
      if (done) {
        checks++;
        problems += done.created.length;
      }
    }
  }
  const projects = await seedDemoProjects(store, town, now);
  return { rounds: ids.length, checks, problems, projects };
}
