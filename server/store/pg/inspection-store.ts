import type pg from 'pg';
import type { RoundKind } from '../../domain/inspections.ts';
import {
  type CheckSubmission,
  type InspectionStore,
  type RoundRecord,
  type RoundSite,
  type SiteCheckRecord,
  toCheck,
  toCheckFailures,
  toRound,
} from '../inspection-store.ts';
import { lockEventLog, type Queryable, transaction } from './client.ts';
import { writeDraft } from './writes.ts';

/** Inspection rounds and their checks in PostgreSQL. */
export class PgInspectionStore implements InspectionStore {
  constructor(private readonly pool: pg.Pool) {}

  async createRound(round: Omit<RoundRecord, 'id'>, sites: readonly RoundSite[]): Promise<RoundRecord> {
    return transaction(this.pool, async (c) => {
      const { rows } = await c.query(
        `INSERT INTO inspection_rounds (kind, name, starts_on, ends_on, team, deadline_rule, recheck_of, sample, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
          round.kind,
          round.name,
          round.startsOn,
          round.endsOn,
          JSON.stringify(round.team),
          JSON.stringify(round.deadlineRule),
          round.recheckOf,
          JSON.stringify(round.sample),
          round.createdBy,
          round.createdAt,
        ],
      );
      const id = rows[0].id as number;
      if (sites.length > 0)
        await c.query(
          'INSERT INTO round_sites (round_id, site_id, items) SELECT $1, s.site, s.items FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS s(site, items, n) ORDER BY s.n',
          [id, sites.map((s) => s.siteId), sites.map((s) => (s.items === null ? null : JSON.stringify(s.items)))],
        );
      return toRound(rows[0]);
    });
  }

  async rounds(): Promise<(RoundRecord & { sites: number; checked: number })[]> {
    const { rows } = await this.pool.query(
      `SELECT r.*, (SELECT count(*) FROM round_sites s WHERE s.round_id = r.id) AS site_count,
              (SELECT count(*) FROM site_checks c WHERE c.round_id = r.id) AS checked_count
       FROM inspection_rounds r ORDER BY r.starts_on DESC, r.id DESC`,
    );
    return rows.map((r) => ({ ...toRound(r), sites: r.site_count as number, checked: r.checked_count as number }));
  }

  async round(id: number): Promise<{ round: RoundRecord; sites: RoundSite[]; checks: SiteCheckRecord[] } | null> {
    const { rows } = await this.pool.query('SELECT * FROM inspection_rounds WHERE id = $1', [id]);
    if (!rows[0]) return null;
    const sites = (await this.pool.query('SELECT site_id, items FROM round_sites WHERE round_id = $1 ORDER BY position', [id])).rows.map((s) => ({
      siteId: s.site_id as string,
      items: s.items === null ? null : (JSON.parse(s.items as string) as string[]),
    }));
    const checks = await this.withItems(this.pool, (await this.pool.query('SELECT * FROM site_checks WHERE round_id = $1 ORDER BY id', [id])).rows);
    return { round: toRound(rows[0]), sites, checks };
  }

  async submitCheck(s: CheckSubmission): Promise<{ check: SiteCheckRecord; created: number[] } | null> {
    return transaction(this.pool, async (c) => {
      // The unique (round, site) key decides between two inspectors submitting the same site at once.
      const { rows } = await c.query(
        'INSERT INTO site_checks (round_id, site_id, checked_at, inspector, note) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (round_id, site_id) DO NOTHING RETURNING *',
        [s.roundId, s.siteId, s.checkedAt, s.inspector, s.note],
      );
      if (!rows[0]) return null;
      const checkId = rows[0].id as number;
      const created: number[] = [];
      for (const i of s.items) {
        let problemId: number | null = null;
        if (i.result === 'fail') {
          // the problem a failed item of this site made before and that is not closed yet
          const open = await c.query(
            `SELECT i.problem_id FROM check_items i JOIN site_checks k ON k.id = i.check_id JOIN problems p ON p.id = i.problem_id
             WHERE k.site_id = $1 AND i.item = $2 AND p.status <> 'closed' ORDER BY i.problem_id DESC LIMIT 1`,
            [s.siteId, i.item],
          );
          problemId = (open.rows[0]?.problem_id as number | undefined) ?? null;
          if (problemId === null && i.draft) {
            await lockEventLog(c);
            problemId = await writeDraft(c, i.draft);
            created.push(problemId);
          }
        }
        await c.query('INSERT INTO check_items (check_id, item, result, note, problem_id) VALUES ($1, $2, $3, $4, $5)', [
          checkId,
          i.item,
          i.result,
          i.note,
          problemId,
        ]);
      }
      const [check] = await this.withItems(c, rows);
      return { check, created };
    });
  }

  async siteChecks(siteId: string): Promise<(SiteCheckRecord & { round: Pick<RoundRecord, 'id' | 'kind' | 'name'> })[]> {
    const { rows } = await this.pool.query(
      `SELECT c.*, r.kind AS round_kind, r.name AS round_name FROM site_checks c JOIN inspection_rounds r ON r.id = c.round_id
       WHERE c.site_id = $1 ORDER BY c.checked_at DESC, c.id DESC`,
      [siteId],
    );
    const checks = await this.withItems(this.pool, rows);
    return checks.map((check, i) => ({
      ...check,
      round: { id: rows[i].round_id as number, kind: rows[i].round_kind as RoundKind, name: rows[i].round_name as string },
    }));
  }

  async checkFailures(): Promise<{ id: number; siteId: string; roundKind: RoundKind; checkedAt: number; failed: string[] }[]> {
    const { rows } = await this.pool.query(
      `SELECT c.id, c.site_id, c.checked_at, r.kind,
              (SELECT coalesce(jsonb_agg(i.item ORDER BY i.position), '[]') FROM check_items i WHERE i.check_id = c.id AND i.result = 'fail') AS failed
       FROM site_checks c JOIN inspection_rounds r ON r.id = c.round_id ORDER BY c.checked_at, c.id`,
    );
    return rows.map(toCheckFailures);
  }

  /** The checks of `rows` with their items, read in one query. */
  private async withItems(q: Queryable, rows: Record<string, unknown>[]): Promise<SiteCheckRecord[]> {
    if (rows.length === 0) return [];
    const { rows: items } = await q.query('SELECT check_id, item, result, note, problem_id FROM check_items WHERE check_id = ANY($1) ORDER BY position', [
      rows.map((r) => r.id),
    ]);
    const by = new Map<number, Record<string, unknown>[]>();
    for (const i of items) by.set(i.check_id, [...(by.get(i.check_id) ?? []), i]);
    return rows.map((r) => toCheck(r, by.get(r.id as number) ?? []));
  }
}
