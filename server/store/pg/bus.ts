import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { ClusterBus, ClusterNotice } from '../../change-feed.ts';

const EVENTS = 'cw_events';
const NOTICES = 'cw_notices';
/** Wait before listening again after the connection was lost. */
const RECONNECT_MS = 1000;

/**
 * The processes on one PostgreSQL database tell each other through LISTEN/NOTIFY, on the database
 * they share anyway (no broker to run): a trigger notifies `cw_events` when a transaction that
 * appended events commits (never for one rolled back), and notices go out on `cw_notices`.
 * Notifications carry no data the log does not hold: a process that missed one loses nothing, it
 * reads the log from its cursor on the next one, on reconnecting, or on its timer.
 */
export class PgBus implements ClusterBus {
  readonly #origin = randomUUID();
  #client: pg.Client | null = null;
  #closed = false;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  async start(handlers: Parameters<ClusterBus['start']>[0]): Promise<void> {
    const listen = async (): Promise<void> => {
      const client = new pg.Client({ connectionString: this.url });
      client.on('notification', (m) => {
        if (m.channel === EVENTS) return handlers.events();
        if (m.channel !== NOTICES || !m.payload) return;
        try {
          const { origin, notice } = JSON.parse(m.payload) as { origin: string; notice: ClusterNotice };
          if (origin !== this.#origin) handlers.notice(notice);
        } catch (err) {
          this.log('bad cluster notice', err);
        }
      });
      const lost = (err?: unknown) => {
        if (this.#client !== client || this.#closed) return;
        this.#client = null;
        this.log('lost the LISTEN connection; listening again', err);
        client.end().catch(() => {});
        setTimeout(retry, RECONNECT_MS).unref();
      };
      client.on('error', lost);
      client.on('end', () => lost());
      await client.connect();
      await client.query(`LISTEN ${EVENTS}`);
      await client.query(`LISTEN ${NOTICES}`);
      this.#client = client;
    };
    const retry = () => {
      if (this.#closed) return;
      listen().then(
        () => handlers.resumed(),
        (err) => {
          this.log('cannot listen yet', err);
          setTimeout(retry, RECONNECT_MS).unref();
        },
      );
    };
    await listen();
  }

  async send(notice: ClusterNotice): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [NOTICES, JSON.stringify({ origin: this.#origin, notice })]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const c = this.#client;
    this.#client = null;
    await c?.end().catch(() => {});
  }
}
