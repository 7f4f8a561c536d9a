import type Database from 'better-sqlite3';
import type { DeadlineRule, ItemResult, RoundKind } from '../domain/inspections.ts';
import { DraftWriter } from './problem-batch.ts';
import type { ProblemDraft } from './records.ts';

/** Which sites a round visits: all, those chosen, or a seeded random sample stratified by type. */
export type SampleRecord = { mode: 'all' } | { mode: 'chosen' } | { mode: 'random'; size: number; seed: number } | { mode: 'recheck' };

/** An inspection round (测评轮次) as stored. */
export interface RoundRecord {
  id: number;
  kind: RoundKind;
  name: string;
  /** YYYY-MM-DD, Asia/Shanghai. */
  startsOn: string;
  endsOn: string;
  team: string[];
  deadlineRule: DeadlineRule;
  /** A 回头看: the round whose failed items it looks at again. */
  recheckOf: number | null;
  sample: SampleRecord;
  createdBy: string;
  createdAt: number;
}

/** A site a round visits; for a re-check, only the items that failed before (null: the whole checklist). */
export interface RoundSite {
  siteId: string;
  items: string[] | null;
}

export interface CheckItemRecord {
  item: string;
  result: ItemResult;
  note: string;
  /** The problem a failed item made, or the open one it was already linked to. */
  problemId: number | null;
}

/** One site checked in one round: a result per item. */
export interface SiteCheckRecord {
  id: number;
  roundId: number;
  siteId: string;
  checkedAt: number;
  inspector: string;
  note: string;
  items: CheckItemRecord[];
}

/** A check as submitted: each failed item with the problem to create if none is open for it. */
export interface CheckSubmission {
  roundId: number;
  siteId: string;
  checkedAt: number;
  inspector: string;
  note: string;
  items: { item: string; result: ItemResult; note: string; draft: ProblemDraft | null }[];
}

/** Inspection rounds, their sites and the checks made in them. */
export interface InspectionStore {
  createRound(round: Omit<RoundRecord, 'id'>, sites: readonly RoundSite[]): Promise<RoundRecord>;
  /** Latest first, with how many sites each visits and how many were checked. */
  rounds(): Promise<(RoundRecord & { sites: number; checked: number })[]>;
  round(id: number): Promise<{ round: RoundRecord; sites: RoundSite[]; checks: SiteCheckRecord[] } | null>;
  /**
   * Records a site's check in one transaction. A failed item is linked to the problem already open
   * for the same site and item, if there is one; otherwise its draft becomes a new problem. Null
   * when the site was already checked in this round.
   */
  submitCheck(c: CheckSubmission): Promise<{ check: SiteCheckRecord; created: number[] } | null>;
  /** Every check with its round's kind and the items it failed (what scores read), oldest first. */
  checkFailures(): Promise<{ id: number; siteId: string; roundKind: RoundKind; checkedAt: number; failed: string[] }[]>;
  /** A site's checks, latest first, with their rounds. */
  siteChecks(siteId: string): Promise<(SiteCheckRecord & { round: Pick<RoundRecord, 'id' | 'kind' | 'name'> })[]>;
}

type Row = Record<string, unknown>;

export const toRound = (r: Row): RoundRecord => ({
  id: r.id as number,
  kind: r.kind as RoundKind,
  name: r.name as string,
  startsOn: r.starts_on as string,
  endsOn: r.ends_on as string,
  team: JSON.parse(r.team as string) as string[],
  deadlineRule: JSON.parse(r.deadline_rule as string) as DeadlineRule,
  recheckOf: (r.recheck_of as number | null) ?? null,
  sample: JSON.parse(r.sample as string) as SampleRecord,
  createdBy: r.created_by as string,
  createdAt: r.created_at as number,
});

export class SqliteInspectionStore implements InspectionStore {
  constructor(private readonly db: Database.Database) {}

  async createRound(round: Omit<RoundRecord, 'id'>, sites: readonly RoundSite[]): Promise<RoundRecord> {
    const db = this.db;
    const id = db.transaction(() => {
      const id = Number(
        db
          .prepare(
            'INSERT INTO inspection_rounds (kind, name, starts_on, ends_on, team, deadline_rule, recheck_of, sample, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
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
          ).lastInsertRowid,
      );
      const add = db.prepare('INSERT INTO round_sites (round_id, site_id, items) VALUES (?, ?, ?)');
      for (const s of sites) add.run(id, s.siteId, s.items === null ? null : JSON.stringify(s.items));
      return id;
    })();
    return toRound(db.prepare('SELECT * FROM inspection_rounds WHERE id = ?').get(id) as Row);
  }

  async rounds(): Promise<(RoundRecord & { sites: number; checked: number })[]> {
    return (
      this.db
        .prepare(
          `SELECT r.*, (SELECT count(*) FROM round_sites s WHERE s.round_id = r.id) AS site_count,
                  (SELECT count(*) FROM site_checks c WHERE c.round_id = r.id) AS checked_count
           FROM inspection_rounds r ORDER BY r.starts_on DESC, r.id DESC`,
        )
        .all() as Row[]
    ).map((r) => ({ ...toRound(r), sites: r.site_count as number, checked: r.checked_count as number }));
  }

  async round(id: number): Promise<{ round: RoundRecord; sites: RoundSite[]; checks: SiteCheckRecord[] } | null> {
    const r = this.db.prepare('SELECT * FROM inspection_rounds WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const sites = (this.db.prepare('SELECT site_id, items FROM round_sites WHERE round_id = ? ORDER BY rowid').all(id) as Row[]).map((s) => ({
      siteId: s.site_id as string,
      items: s.items === null ? null : (JSON.parse(s.items as string) as string[]),
    }));
    const checks = (this.db.prepare('SELECT * FROM site_checks WHERE round_id = ? ORDER BY id').all(id) as Row[]).map((c) => this.toCheck(c));
    return { round: toRound(r), sites, checks };
  }

  async submitCheck(c: CheckSubmission): Promise<{ check: SiteCheckRecord; created: number[] } | null> {
    const db = this.db;
    const drafts = new DraftWriter(db);
    // the problem a failed item of this site made before and that is not closed yet
    const openFor = db.prepare(
      `SELECT i.problem_id FROM check_items i JOIN site_checks c ON c.id = i.check_id JOIN problems p ON p.id = i.problem_id
       WHERE c.site_id = ? AND i.item = ? AND p.status <> 'closed' ORDER BY i.problem_id DESC LIMIT 1`,
    );
    const insertItem = db.prepare('INSERT INTO check_items (check_id, item, result, note, problem_id) VALUES (?, ?, ?, ?, ?)');
    const run = db.transaction(() => {
      if (db.prepare('SELECT 1 FROM site_checks WHERE round_id = ? AND site_id = ?').get(c.roundId, c.siteId)) return null;
      const checkId = Number(
        db
          .prepare('INSERT INTO site_checks (round_id, site_id, checked_at, inspector, note) VALUES (?, ?, ?, ?, ?)')
          .run(c.roundId, c.siteId, c.checkedAt, c.inspector, c.note).lastInsertRowid,
      );
      const created: number[] = [];
      for (const i of c.items) {
        let problemId: number | null = null;
        if (i.result === 'fail') {
          problemId = (openFor.pluck().get(c.siteId, i.item) as number | undefined) ?? null;
          if (problemId === null && i.draft) {
            problemId = drafts.write(i.draft);
            created.push(problemId);
          }
        }
        insertItem.run(checkId, i.item, i.result, i.note, problemId);
      }
      return { checkId, created };
    });
    const done = run.immediate();
    if (!done) return null;
    const row = db.prepare('SELECT * FROM site_checks WHERE id = ?').get(done.checkId) as Row;
    return { check: this.toCheck(row), created: done.created };
  }

  async siteChecks(siteId: string): Promise<(SiteCheckRecord & { round: Pick<RoundRecord, 'id' | 'kind' | 'name'> })[]> {
    return (
      this.db
        .prepare(
          `SELECT c.*, r.kind AS round_kind, r.name AS round_name FROM site_checks c JOIN inspection_rounds r ON r.id = c.round_id
           WHERE c.site_id = ? ORDER BY c.checked_at DESC, c.id DESC`,
        )
        .all(siteId) as Row[]
    ).map((c) => ({ ...this.toCheck(c), round: { id: c.round_id as number, kind: c.round_kind as RoundKind, name: c.round_name as string } }));
  }

  async checkFailures(): Promise<{ id: number; siteId: string; roundKind: RoundKind; checkedAt: number; failed: string[] }[]> {
    const rows = this.db
      .prepare(
        `SELECT c.id, c.site_id, c.checked_at, r.kind, (SELECT json_group_array(i.item) FROM check_items i WHERE i.check_id = c.id AND i.result = 'fail') AS failed
         FROM site_checks c JOIN inspection_rounds r ON r.id = c.round_id ORDER BY c.checked_at, c.id`,
      )
      .all() as Row[];
    return rows.map(toCheckFailures);
  }

  private toCheck(c: Row): SiteCheckRecord {
    return toCheck(c, this.db.prepare('SELECT item, result, note, problem_id FROM check_items WHERE check_id = ? ORDER BY rowid').all(c.id) as Row[]);
  }
}

/** A check from its row and its items' rows (in the order they were written). */
export function toCheck(c: Row, items: Row[]): SiteCheckRecord {
  return {
    id: c.id as number,
    roundId: c.round_id as number,
    siteId: c.site_id as string,
    checkedAt: c.checked_at as number,
    inspector: c.inspector as string,
    note: c.note as string,
    items: items.map((i) => ({
      item: i.item as string,
      result: i.result as ItemResult,
      note: i.note as string,
      problemId: (i.problem_id as number | null) ?? null,
    })),
  };
}

/** What scores read from a check row with its failed items (a JSON array). */
export const toCheckFailures = (r: Row) => ({
  id: r.id as number,
  siteId: r.site_id as string,
  roundKind: r.kind as RoundKind,
  checkedAt: r.checked_at as number,
  failed: JSON.parse(r.failed as string) as string[],
});
