import type Database from 'better-sqlite3';
import type { SceneValue } from '../schemas/decks.ts';

/** A presentation deck as stored. */
export interface DeckRecord {
  id: number;
  title: string;
  theme: 'light' | 'dark';
  scenes: SceneValue[];
  version: number;
  author: string;
  createdAt: number;
  updatedAt: number;
}

export type DeckDraft = Pick<DeckRecord, 'title' | 'theme' | 'scenes'>;

/** Presentation decks; every change bumps the version, and a write names the version it read. */
export interface DeckStore {
  create(draft: DeckDraft, author: string, at: number): Promise<DeckRecord>;
  get(id: number): Promise<DeckRecord | null>;
  /** Latest changed first, without their scenes' content. */
  list(): Promise<(Omit<DeckRecord, 'scenes'> & { sceneCount: number })[]>;
  /** Replaces a deck if it is still at `expectedVersion`; null when it moved on or is gone. */
  update(id: number, draft: DeckDraft, expectedVersion: number, author: string, at: number): Promise<DeckRecord | null>;
  delete(id: number): Promise<boolean>;
}

type Row = Record<string, unknown>;

export const toDeck = (r: Row): DeckRecord => ({
  id: r.id as number,
  title: r.title as string,
  theme: r.theme as DeckRecord['theme'],
  scenes: JSON.parse(r.scenes as string) as SceneValue[],
  version: r.version as number,
  author: r.author as string,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

export class SqliteDeckStore implements DeckStore {
  constructor(private readonly db: Database.Database) {}

  async create(d: DeckDraft, author: string, at: number): Promise<DeckRecord> {
    const id = Number(
      this.db
        .prepare('INSERT INTO decks (title, theme, scenes, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(d.title, d.theme, JSON.stringify(d.scenes), author, at, at).lastInsertRowid,
    );
    return (await this.get(id)) as DeckRecord;
  }

  async get(id: number): Promise<DeckRecord | null> {
    const r = this.db.prepare('SELECT * FROM decks WHERE id = ?').get(id) as Row | undefined;
    return r ? toDeck(r) : null;
  }

  async list(): Promise<(Omit<DeckRecord, 'scenes'> & { sceneCount: number })[]> {
    const rows = this.db
      .prepare('SELECT id, title, theme, version, author, created_at, updated_at, json_array_length(scenes) AS n FROM decks ORDER BY updated_at DESC, id DESC')
      .all() as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      title: r.title as string,
      theme: r.theme as DeckRecord['theme'],
      version: r.version as number,
      author: r.author as string,
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
      sceneCount: r.n as number,
    }));
  }

  async update(id: number, d: DeckDraft, expectedVersion: number, author: string, at: number): Promise<DeckRecord | null> {
    const r = this.db
      .prepare('UPDATE decks SET title = ?, theme = ?, scenes = ?, author = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?')
      .run(d.title, d.theme, JSON.stringify(d.scenes), author, at, id, expectedVersion);
    return r.changes === 1 ? this.get(id) : null;
  }

  async delete(id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM decks WHERE id = ?').run(id).changes === 1;
  }
}
