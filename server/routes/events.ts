import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { streamHolder, unitScope } from '../auth/access.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { badRequest } from '../errors.ts';
import { type LiveChange, type LiveHub, liveChangeOf, sseMessage } from '../live.ts';
import { ErrorResponse } from '../schemas/common.ts';

/** How often a stream checks that its session or token still holds, at most (as messages go out). */
const VALIDITY_CHECK_MS = 1000;

/** Events replayed to a reconnecting client at most; past that it is told to reload everything. */
const REPLAY_LIMIT = 2000;

/**
 * GET /api/events: server-sent events, one message per problem event (`id` = the event id). A
 * client that reconnects with Last-Event-ID (or ?lastEventId=) first receives what it missed, then
 * live changes; a heartbeat comment every 15 s; every stream ends when the server shuts down.
 */
const eventRoutes: FastifyPluginAsyncTypebox<{ hub: LiveHub; auth: AuthService }> = async (app, { hub, auth }) => {
  app.addHook('preClose', async () => hub.close());

  app.get(
    '/api/events',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['problems'],
        summary: '实时变化（server-sent events；Last-Event-ID 续传）',
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 20 })) }),
        querystring: Type.Object(
          { lastEventId: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.String({ description: 'text/event-stream' }), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (req, reply) => {
      const header = req.headers['last-event-id'];
      const fromHeader = header !== undefined && /^\d{1,15}$/.test(header.trim()) ? Number(header) : undefined;
      const fromQuery = req.query.lastEventId;
      if (fromQuery !== undefined && !Number.isSafeInteger(fromQuery)) throw badRequest('lastEventId', 'lastEventId 应为上一条消息的 id');
      const after = fromHeader ?? fromQuery ?? null;
      const unit = unitScope(req.principal);
      const sees = (c: LiveChange) => unit === null || c.unitId === unit;

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');

      // Changes published while the missed ones are read wait in `pending`, so none is lost or doubled.
      let replaying = true;
      // Set once known (below); the stream is on the hub before any await, so that a change or a
      // shutdown meanwhile is not missed: changes wait in `pending` until then.
      let lastSent = after ?? Number.POSITIVE_INFINITY;
      const pending: LiveChange[] = [];
      const send = (c: LiveChange) => {
        if (ended || c.eventId <= lastSent || !sees(c)) return;
        lastSent = c.eventId;
        res.write(sseMessage(c));
      };
      // Signing out, disabling the account or revoking the token ends the stream at once (hub.endWhere);
      // each message and heartbeat also checks the right first (at most once a second), in order.
      const { owner, stillValid } = streamHolder(auth, req);
      let checkedAt = Date.now();
      let queue = Promise.resolve();
      let ended = false;
      const checked = (write: () => void) => {
        queue = queue.then(async () => {
          if (ended) return;
          if (Date.now() - checkedAt >= VALIDITY_CHECK_MS) {
            checkedAt = Date.now();
            if (!(await stillValid().catch(() => false))) return stop();
          }
          if (!ended) write();
        });
      };
      const stop = () => {
        ended = true;
        remove();
        res.end();
      };
      const remove = hub.add({
        owner,
        deliver: (c) => (replaying ? pending.push(c) : checked(() => send(c))),
        notify: (event) => checked(() => res.write(`event: ${event}\ndata: {}\n\n`)),
        ping: () => checked(() => res.write(': heartbeat\n\n')),
        end: () => {
          ended = true;
          res.end();
        },
      });
      req.raw.on('close', remove);
      if (after === null) lastSent = await app.store.lastEventId();
      if (after !== null) {
        const missed = await app.store.eventsAfter(after, REPLAY_LIMIT + 1);
        if (missed.length > REPLAY_LIMIT) {
          res.write('event: reset\ndata: {}\n\n');
          lastSent = await app.store.lastEventId();
        } else {
          for (const e of missed) {
            send(liveChangeOf(e));
          }
        }
      }
      replaying = false;
      for (const c of pending.splice(0)) send(c);
    },
  );
};

export default eventRoutes;
