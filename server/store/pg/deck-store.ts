import type pg from 'pg';
import { type DeckDraft, type DeckRecord, type DeckStore, toDeck } from '../deck-store.ts';

/** Presentation decks in PostgreSQL; a write names the version it read (optimistic, as in SQLite). */
export class PgDeckStore implements DeckStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(d: DeckDraft, author: string, at: number): Promise<DeckRecord> {
    const { rows } = await this.pool.query(
      'INSERT INTO decks (title, theme, scenes, author, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [d.title, d.theme, JSON.stringify(d.scenes), author, at, at],
    );
    return toDeck(rows[0]);
  }

  async get(id: number): Promise<DeckRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM decks WHERE id = $1', [id]);
    return rows[0] ? toDeck(rows[0]) : null;
  }

  async list(): Promise<(Omit<DeckRecord, 'scenes'> & { sceneCount: number })[]> {
    const { rows } = await this.pool.query(
      'SELECT id, title, theme, version, author, created_at, updated_at, jsonb_array_length(scenes) AS n FROM decks ORDER BY updated_at DESC, id DESC',
    );
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      theme: r.theme,
      version: r.version,
      author: r.author,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      sceneCount: r.n,
    }));
  }

  async update(id: number, d: DeckDraft, expectedVersion: number, author: string, at: number): Promise<DeckRecord | null> {
    const { rows } = await this.pool.query(
      'UPDATE decks SET title = $1, theme = $2, scenes = $3, author = $4, updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7 RETURNING *',
      [d.title, d.theme, JSON.stringify(d.scenes), author, at, id, expectedVersion],
    );
    return rows[0] ? toDeck(rows[0]) : null;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.pool.query('DELETE FROM decks WHERE id = $1', [id])).rowCount === 1;
  }
}
