import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../client/api/client.ts';
import { Outbox, type OutboxItem } from '../../client/patrol/outbox.ts';
import { isFinal } from '../../client/patrol/send.ts';

let dbCount = 0;
const fresh = () => Outbox.open(`outbox-test-${++dbCount}`);
const end = (n: number): OutboxItem => ({ kind: 'end', patrolId: `p${n}`, at: `2026-11-27T10:0${n}:00+08:00` });

describe('the patrol outbox (待上传)', () => {
  it('sends in the order recorded, each once, and is empty afterwards', async () => {
    const box = await fresh();
    for (let i = 1; i <= 5; i++) await box.add(end(i));
    expect(await box.pending()).toBe(5);
    const sent: string[] = [];
    const result = await box.flush(async (item) => {
      sent.push((item as { patrolId: string }).patrolId);
    }, isFinal);
    expect(result).toEqual({ sent: 5, failed: 0, stopped: null });
    expect(sent).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(await box.pending()).toBe(0);
    // Nothing is sent twice.
    await box.flush(async () => {
      throw new Error('nothing should be sent');
    }, isFinal);
  });

  it('stops at an item that cannot go now (no network) and goes on from it later, keeping its progress', async () => {
    const box = await fresh();
    await box.add({
      kind: 'report',
      patrolId: 'p',
      key: 'k1',
      body: { lon: 1, lat: 2, category: 'flyers', description: 'x', source: 'grid_patrol', patrolId: 'p' },
    });
    await box.add(end(2));
    const calls: string[] = [];
    let online = false;
    const send = async (item: OutboxItem, progress: (patch: Partial<OutboxItem>) => Promise<void>) => {
      if (item.kind === 'report') {
        if (item.problemId === undefined) {
          calls.push('create');
          await progress({ problemId: 42 });
        }
        if (!online) throw new TypeError('Failed to fetch');
        calls.push(`fix ${item.problemId}`);
      } else calls.push(item.kind);
    };
    const first = await box.flush(send, isFinal);
    expect(first).toEqual({ sent: 0, failed: 0, stopped: 'Failed to fetch' });
    expect(await box.pending()).toBe(2);
    expect((await box.items())[0]).toMatchObject({ tries: 1, item: { problemId: 42 } });
    online = true;
    expect(await box.flush(send, isFinal)).toEqual({ sent: 2, failed: 0, stopped: null });
    // The problem was made once; the second try went on from there.
    expect(calls).toEqual(['create', 'fix 42', 'end']);
  });

  it('keeps an item the server refused for good apart, with the reason, and sends the rest', async () => {
    const box = await fresh();
    await box.add(end(1));
    await box.add(end(2));
    const result = await box.flush(async (item) => {
      if ((item as { patrolId: string }).patrolId === 'p1') throw new ApiError(409, 'invalid_transition', 'result', '问题当前为“已销号”，不能“核查销号”');
    }, isFinal);
    expect(result).toEqual({ sent: 1, failed: 1, stopped: null });
    const failed = await box.failed();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 409, message: '问题当前为“已销号”，不能“核查销号”', item: { patrolId: 'p1' } });
    await box.dismissFailed(failed[0].seq);
    expect(await box.failed()).toEqual([]);
  });

  it('treats a lost session, a rate limit, a request in progress and server errors as "try again later"', () => {
    expect(isFinal(new ApiError(401, 'unauthorized', null, ''))).toBeNull();
    expect(isFinal(new ApiError(429, 'rate_limited', null, ''))).toBeNull();
    expect(isFinal(new ApiError(409, 'in_progress', null, ''))).toBeNull();
    expect(isFinal(new ApiError(503, 'unavailable', null, ''))).toBeNull();
    expect(isFinal(new TypeError('Failed to fetch'))).toBeNull();
    expect(isFinal(new ApiError(403, 'forbidden', 'problemId', '只能…'))).toEqual({ status: 403, message: '只能…' });
  });

  it('runs one flush at a time: a second call joins the first', async () => {
    const box = await fresh();
    for (let i = 1; i <= 3; i++) await box.add(end(i));
    let sent = 0;
    const send = async () => {
      await new Promise((r) => setTimeout(r, 5));
      sent++;
    };
    const [a, b] = await Promise.all([box.flush(send, isFinal), box.flush(send, isFinal)]);
    expect(a).toBe(b);
    expect(sent).toBe(3);
  });

  it('keeps saved things (today’s plan) across openings', async () => {
    const name = `outbox-test-${++dbCount}`;
    const box = await Outbox.open(name);
    await box.save('plan', { date: '2026-11-27', stops: [1, 2] });
    box.close();
    const again = await Outbox.open(name);
    expect(await again.load('plan')).toEqual({ date: '2026-11-27', stops: [1, 2] });
  });
});
