import { useCallback, useEffect, useRef, useState } from 'react';
import { toShanghaiIso } from '../../server/domain/calendar.ts';
import { distanceKm } from '../../server/domain/geometry.ts';
import { keepsAfter, type TrackPoint } from '../../server/patrol/track.ts';
import { type CheckinBody, type Failed, Outbox, type OutboxItem, type ReportBody, type TrackPointIn } from './outbox.ts';
import { isFinal, sendItem } from './send.ts';

/**
 * The patrol under way on this phone (开始巡查 … 结束巡查): its track from the phone's position
 * (thinned as recorded), its check-ins and reports — all through the outbox, so that they are
 * recorded the same with or without network — and what waits to be sent.
 */

export interface ActivePatrol {
  id: string;
  startedAt: number;
  mode: 'walk' | 'ebike';
  /** Results of the stops checked in at, by stop key (`p<problem id>` or `s<site id>`). */
  done: Record<string, string>;
  meters: number;
  last: TrackPoint | null;
  reports: number;
  fixes: number;
}

export interface EndedPatrol {
  meters: number;
  minutes: number;
  checkins: number;
  reports: number;
  fixes: number;
}

/** Points are handed to the outbox in batches of this many, or after this long. */
const BATCH_POINTS = 12;
const BATCH_MS = 60_000;
/** How often the outbox is tried while items wait (besides when the network comes back). */
const RETRY_MS = 15_000;

let shared: Promise<Outbox> | null = null;
/** The phone's outbox, opened once per page. */
export const openOutbox = () => {
  shared ??= Outbox.open();
  return shared;
};

export const stopKey = (s: { problemId: number | null; siteId: string | null }) => (s.problemId !== null ? `p${s.problemId}` : `s${s.siteId}`);

const iso = (ms: number) => toShanghaiIso(ms);

export function usePatrolRecord() {
  const [active, setActive] = useState<ActivePatrol | null>(null);
  const [ended, setEnded] = useState<EndedPatrol | null>(null);
  const [pending, setPending] = useState(0);
  const [failed, setFailed] = useState<Failed[]>([]);
  const [gpsError, setGpsError] = useState<string | null>(null);
  const activeRef = useRef<ActivePatrol | null>(null);
  const buffer = useRef<TrackPointIn[]>([]);
  const lastBatch = useRef(Date.now());

  const update = useCallback(async (next: ActivePatrol | null) => {
    activeRef.current = next;
    setActive(next);
    const box = await openOutbox();
    if (next) await box.save('active', next);
    else await box.forget('active');
  }, []);

  const refresh = useCallback(async () => {
    const box = await openOutbox();
    setPending(await box.pending());
    setFailed(await box.failed());
  }, []);

  const flush = useCallback(async () => {
    const box = await openOutbox();
    if (navigator.onLine === false) return refresh();
    await box.flush(sendItem, isFinal).catch(() => undefined);
    await refresh();
  }, [refresh]);

  // The patrol under way survives a reload (and a reload without network).
  useEffect(() => {
    let gone = false;
    let unsubscribe: (() => void) | null = null;
    openOutbox().then(async (box) => {
      const saved = await box.load<ActivePatrol>('active');
      if (gone) return;
      if (saved) {
        activeRef.current = saved;
        setActive(saved);
      }
      unsubscribe = box.subscribe(() => void refresh());
      await refresh();
      void flush();
    });
    const online = () => void flush();
    window.addEventListener('online', online);
    const timer = setInterval(() => void flush(), RETRY_MS);
    return () => {
      gone = true;
      unsubscribe?.();
      window.removeEventListener('online', online);
      clearInterval(timer);
    };
  }, [flush, refresh]);

  /** Puts an item in the outbox and tries to send at once. */
  const enqueue = useCallback(
    async (item: OutboxItem) => {
      await (await openOutbox()).add(item);
      void flush();
    },
    [flush],
  );

  const handOverTrack = useCallback(async () => {
    const a = activeRef.current;
    if (!a || buffer.current.length === 0) return;
    const points = buffer.current;
    buffer.current = [];
    lastBatch.current = Date.now();
    await enqueue({ kind: 'track', patrolId: a.id, points });
  }, [enqueue]);

  // The track: the phone's positions while the patrol is under way, thinned (≥ 10 m, ≥ 5 s).
  const activeId = active?.id ?? null;
  useEffect(() => {
    if (!activeId || !navigator.geolocation) return;
    const watch = navigator.geolocation.watchPosition(
      (pos) => {
        setGpsError(null);
        const a = activeRef.current;
        if (!a) return;
        const p: TrackPoint = {
          at: pos.timestamp || Date.now(),
          lon: Math.round(pos.coords.longitude * 1e7) / 1e7,
          lat: Math.round(pos.coords.latitude * 1e7) / 1e7,
        };
        if (!keepsAfter(a.last, p)) return;
        const meters = a.last ? a.meters + distanceKm([a.last.lon, a.last.lat], [p.lon, p.lat]) * 1000 : a.meters;
        void update({ ...a, last: p, meters });
        buffer.current.push({ lon: p.lon, lat: p.lat, at: new Date(p.at).toISOString() });
        if (buffer.current.length >= BATCH_POINTS || Date.now() - lastBatch.current >= BATCH_MS) void handOverTrack();
      },
      (e) => setGpsError(e.code === e.PERMISSION_DENIED ? '未允许定位：轨迹不会记录' : '暂时无法定位，轨迹会在定位恢复后继续'),
      { enableHighAccuracy: true, maximumAge: 5000 },
    );
    return () => navigator.geolocation.clearWatch(watch);
  }, [activeId, update, handOverTrack]);

  const start = useCallback(
    async (options: { mode: 'walk' | 'ebike'; gridIds?: string[]; at?: TrackPoint | null }) => {
      const now = Date.now();
      const a: ActivePatrol = { id: crypto.randomUUID(), startedAt: now, mode: options.mode, done: {}, meters: 0, last: null, reports: 0, fixes: 0 };
      setEnded(null);
      await update(a);
      await enqueue({ kind: 'start', patrolId: a.id, body: { id: a.id, mode: options.mode, startedAt: new Date(now).toISOString() } });
    },
    [update, enqueue],
  );

  const checkin = useCallback(
    async (key: string, body: Omit<CheckinBody, 'at'>, photo?: { blob: Blob; kind: 'before' | 'after' }) => {
      const a = activeRef.current;
      if (!a) return;
      await handOverTrack();
      const at = iso(Date.now());
      const where = a.last ? { lon: a.last.lon, lat: a.last.lat } : {};
      await enqueue({
        kind: 'checkin',
        patrolId: a.id,
        key: crypto.randomUUID(),
        body: { ...where, ...body, at },
        ...(photo ? { photo: photo.blob, photoKind: photo.kind } : {}),
      });
      await update({ ...a, done: { ...a.done, [key]: body.result } });
    },
    [update, handOverTrack, enqueue],
  );

  const report = useCallback(
    async (body: Omit<ReportBody, 'patrolId' | 'source'>, photos: { before?: Blob; after?: Blob; fixed: boolean }) => {
      const a = activeRef.current;
      if (!a) return;
      await handOverTrack();
      await enqueue({
        kind: 'report',
        patrolId: a.id,
        key: crypto.randomUUID(),
        body: { ...body, source: 'grid_patrol', patrolId: a.id },
        before: photos.before,
        after: photos.after,
        ...(photos.fixed ? { fixKey: crypto.randomUUID() } : {}),
      });
      await update({ ...a, reports: a.reports + 1, fixes: a.fixes + (photos.fixed ? 1 : 0) });
    },
    [update, handOverTrack, enqueue],
  );

  const end = useCallback(async () => {
    const a = activeRef.current;
    if (!a) return;
    await handOverTrack();
    const now = Date.now();
    await enqueue({ kind: 'end', patrolId: a.id, at: new Date(now).toISOString() });
    setEnded({
      meters: Math.round(a.meters),
      minutes: Math.round((now - a.startedAt) / 60_000),
      checkins: Object.keys(a.done).length,
      reports: a.reports,
      fixes: a.fixes,
    });
    await update(null);
  }, [update, handOverTrack, enqueue]);

  const dismiss = useCallback(
    async (seq: number) => {
      await (await openOutbox()).dismissFailed(seq);
      await refresh();
    },
    [refresh],
  );

  return { active, ended, pending, failed, gpsError, start, checkin, report, end, dismiss, flush };
}
