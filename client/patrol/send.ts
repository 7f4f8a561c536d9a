import { ApiError, api, call } from '../api/client.ts';
import type { IsFinal, Sender } from './outbox.ts';

/**
 * How the outbox's items reach the server, each step safe to repeat: a report is made with its
 * Idempotency-Key, its photos are named by their content, and the 当场整改 check-in has its own key.
 */
export const sendItem: Sender = async (item, progress) => {
  switch (item.kind) {
    case 'start':
      await call('POST /api/patrols', { body: item.body });
      return;
    case 'track':
      await call('POST /api/patrols/:id/track', { params: { id: item.patrolId }, body: { points: item.points } });
      return;
    case 'checkin': {
      let photoId = item.photoId;
      if (item.photo && !photoId && item.body.problemId !== undefined) {
        photoId = (await api.uploadPhoto(item.body.problemId, item.photoKind ?? 'after', item.photo)).id;
        await progress({ photoId });
      }
      await call('POST /api/patrols/:id/checkins', {
        params: { id: item.patrolId },
        body: { ...item.body, ...(photoId ? { photos: [photoId] } : {}) },
        headers: { 'idempotency-key': item.key },
      });
      return;
    }
    case 'report': {
      let problemId = item.problemId;
      if (problemId === undefined) {
        const made = await call('POST /api/problems', { body: item.body, headers: { 'idempotency-key': item.key } });
        problemId = made.problem.properties.id;
        await progress({ problemId });
      }
      if (item.before && !item.beforeId) await progress({ beforeId: (await api.uploadPhoto(problemId, 'before', item.before)).id });
      let afterId = item.afterId;
      if (item.after && !afterId) {
        afterId = (await api.uploadPhoto(problemId, 'after', item.after)).id;
        await progress({ afterId });
      }
      if (item.fixKey && afterId) {
        await call('POST /api/patrols/:id/checkins', {
          params: { id: item.patrolId },
          body: { problemId, result: 'self_fixed', photos: [afterId], lon: item.body.lon, lat: item.body.lat },
          headers: { 'idempotency-key': item.fixKey },
        });
      }
      return;
    }
    case 'end':
      await call('POST /api/patrols/:id/end', { params: { id: item.patrolId }, body: { at: item.at } });
      return;
  }
};

/**
 * The server's final word: a 4xx that sending again cannot change. A lost session (401: sign in and
 * it goes), a rate limit (429) and a request still being handled (409 in_progress) are not final.
 */
export const isFinal: IsFinal = (e) => {
  if (!(e instanceof ApiError)) return null;
  if (e.status < 400 || e.status >= 500 || e.status === 401 || e.status === 408 || e.status === 429) return null;
  if (e.status === 409 && e.code === 'in_progress') return null;
  return { status: e.status, message: e.message };
};
