import { useEffect, useState } from 'react';
import { type Action, actions, type Status } from '../../server/domain/lifecycle.ts';
import { decideTransition } from '../../server/domain/workflow.ts';
import { ApiError, api, type Photo, type ProblemDetail, type User } from '../api/client.ts';

/** The actions a user may take on a problem now (role and status; what each needs is asked for below). */
export function offeredActions(user: User, p: ProblemDetail): Action[] {
  const complete = { note: '——', afterPhotos: ['x'], unitId: 'x' };
  return actions.filter((a) => decideTransition(user, { ...p, status: p.status as Status }, a.code, complete).ok).map((a) => a.code);
}

const NAMES = Object.fromEntries(actions.map((a) => [a.code, a.name])) as Record<Action, string>;

/** Before and after photos side by side. */
export function PhotoStrip({ photos }: { photos: Photo[] }) {
  if (photos.length === 0) return null;
  const column = (kind: Photo['kind'], title: string) => (
    <div className="photo-column" data-photos={kind}>
      <h4>{title}</h4>
      {photos
        .filter((p) => p.kind === kind)
        .map((p) => (
          <a key={p.id} href={p.url} target="_blank" rel="noreferrer">
            <img src={p.thumbUrl} alt={title} loading="lazy" />
          </a>
        ))}
    </div>
  );
  return (
    <div className="photo-strip">
      {column('before', '整改前')}
      {column('after', '整改后')}
    </div>
  );
}

/**
 * The lifecycle buttons the user's role and the problem's status allow, each with what it needs:
 * a unit to assign to, a reason to reject, an "after" photo to submit. The server decides again.
 */
export function ProblemActions({ user, problem: p, onChanged }: { user: User; problem: ProblemDetail; onChanged: (p: ProblemDetail) => void }) {
  const offered = offeredActions(user, p);
  const [action, setAction] = useState<Action | null>(null);
  const [note, setNote] = useState('');
  const [unitId, setUnitId] = useState('');
  const [units, setUnits] = useState<{ id: string; name: string }[]>([]);
  // Photos picked stay on the device until the action is confirmed: cancelling attaches nothing.
  const [picked, setPicked] = useState<{ file: File; preview: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (action === 'assign' && units.length === 0) api.units().then(setUnits, (e: unknown) => setError(String(e)));
  }, [action, units.length]);

  if (offered.length === 0) return null;
  const reset = () => {
    setAction(null);
    setNote('');
    for (const x of picked) URL.revokeObjectURL(x.preview);
    setPicked([]);
    setError(null);
  };
  const pick = (files: FileList | null) => {
    if (!files) return;
    setPicked((list) => [...list, ...Array.from(files, (file) => ({ file, preview: URL.createObjectURL(file) }))]);
  };
  const submit = async () => {
    if (!action) return;
    setBusy(true);
    try {
      // Uploaded on confirmation only; the server names a photo by its content, so a retry re-uses it.
      const kind: Photo['kind'] = action === 'submit' ? 'after' : 'before';
      const photos: string[] = [];
      for (const x of picked) photos.push((await api.uploadPhoto(p.id, kind, x.file)).id);
      const next = await api.transition(p.id, p.version, {
        action,
        note: note.trim() || undefined,
        photos,
        ...(action === 'assign' ? { unitId } : {}),
      });
      reset();
      onChanged(next);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="problem-actions" aria-label="处置">
      <div className="action-buttons">
        {offered.map((a) => (
          <button
            key={a}
            type="button"
            className="action-button"
            data-action={a}
            aria-pressed={action === a}
            onClick={() => (action === a ? reset() : setAction(a))}
          >
            {NAMES[a]}
          </button>
        ))}
      </div>
      {action && (
        <div className="action-form">
          {action === 'assign' && (
            <select aria-label="责任单位" value={unitId} onChange={(e) => setUnitId(e.target.value)}>
              <option value="">选择责任单位</option>
              {units.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
          {(action === 'submit' || action === 'start') && (
            <label className="upload">
              {action === 'submit' ? '整改后照片（至少一张）' : '整改前照片（可选）'}
              <input type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => pick(e.target.files)} />
            </label>
          )}
          {picked.length > 0 && (
            <div className="upload-preview">
              {picked.map((x) => (
                <img key={x.preview} src={x.preview} alt="待上传" />
              ))}
            </div>
          )}
          <textarea
            aria-label="说明"
            placeholder={action === 'reject' ? '退回原因（必填）' : '说明（可选）'}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <button type="button" className="primary" disabled={busy} onClick={submit}>
            确定{NAMES[action]}
          </button>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
