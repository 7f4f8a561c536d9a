import exifr from 'exifr';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Created, type Meta, type User } from '../api/client.ts';
import { PanelHeader } from './controls.tsx';

export interface ReportFormProps {
  meta: Meta;
  user: User;
  /** Where the problem is: picked on the map, or read from a photo. */
  point: [number, number] | null;
  onPoint: (p: [number, number]) => void;
  onClose: () => void;
  /** Opens a problem's card (the new one, a possible duplicate). */
  onOpen: (id: number) => void;
  /** Called after a problem was created, so that the map and figures reload. */
  onCreated: () => void;
}

/** A key for one report: the same key on a retry after a lost answer makes the server answer it once. */
const newKey = () => `report-${crypto.randomUUID()}`;

/** Where a photo was taken, from its EXIF GPS (WGS84, as phones record it), or null. */
async function photoPoint(file: File): Promise<[number, number] | null> {
  try {
    const gps = await exifr.gps(file);
    return gps && Number.isFinite(gps.longitude) && Number.isFinite(gps.latitude) ? [gps.longitude, gps.latitude] : null;
  } catch {
    return null;
  }
}

/**
 * 上报问题: the place (a click on the map, or a photo's GPS), what and where, the source, an
 * optional reporter, and "before" photos with a preview. Answers with possible duplicates and a
 * recurrence (反弹) when the server finds them; an admin can merge the new report into a duplicate.
 */
export function ReportForm({ meta, user, point, onPoint, onClose, onOpen, onCreated }: ReportFormProps) {
  const [category, setCategory] = useState('');
  const [source, setSource] = useState(user.role === 'grid_manager' ? 'grid_patrol' : 'inspection');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [reporterName, setReporterName] = useState('');
  const [reporterPhone, setReporterPhone] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [photoNote, setPhotoNote] = useState<string | null>(null);
  const [key, setKey] = useState(newKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [created, setCreated] = useState<(Created & { photoError: string | null }) | null>(null);

  const previews = useMemo(() => files.map((f) => URL.createObjectURL(f)), [files]);
  useEffect(
    () => () => {
      for (const u of previews) URL.revokeObjectURL(u);
    },
    [previews],
  );

  const addPhotos = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const chosen = [...list];
    setFiles((f) => [...f, ...chosen].slice(0, 9));
    if (point) return;
    for (const f of chosen) {
      const at = await photoPoint(f);
      if (at) {
        onPoint(at);
        setPhotoNote('已按照片的拍摄位置定位，可在地图上点击修改');
        return;
      }
    }
    setPhotoNote('照片中没有拍摄位置，请在地图上点击问题位置');
  };

  // 使用我的位置: the phone's own fix (WGS84), for a grid manager standing at the problem.
  const [locating, setLocating] = useState(false);
  const locate = () => {
    if (!('geolocation' in navigator)) return setPhotoNote('此设备不支持定位，请在地图上点击问题位置');
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        onPoint([pos.coords.longitude, pos.coords.latitude]);
        setPhotoNote(`已按当前位置定位（精度约 ${Math.round(pos.coords.accuracy)} 米），可在地图上点击修改`);
      },
      (e) => {
        setLocating(false);
        setPhotoNote(e.code === e.PERMISSION_DENIED ? '未允许定位，请在地图上点击问题位置' : '暂时无法定位，请在地图上点击问题位置');
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  };

  const submit = async () => {
    if (!point) return setError({ field: 'lon', message: '请先在地图上点击问题位置，或选择带定位的照片' });
    if (!category) return setError({ field: 'category', message: '请选择问题类型' });
    if (!description.trim()) return setError({ field: 'description', message: '请填写问题描述' });
    setBusy(true);
    setError(null);
    try {
      const answer = await api.report(
        {
          lon: point[0],
          lat: point[1],
          category,
          source,
          description: description.trim(),
          ...(address.trim() ? { address: address.trim() } : {}),
          ...(source === 'public_report' && reporterName.trim() ? { reporter: { name: reporterName.trim(), phone: reporterPhone.trim() } } : {}),
        },
        key,
      );
      let photoError: string | null = null;
      for (const f of files) {
        try {
          await api.uploadPhoto(answer.problem.id, 'before', f);
        } catch (e) {
          photoError = `照片“${f.name}”未能上传：${e instanceof ApiError ? e.message : String(e)}`;
        }
      }
      setCreated({ ...answer, photoError });
      onCreated();
    } catch (e) {
      if (e instanceof ApiError) {
        // The server answered: nothing was created, so a corrected report is a new request.
        setKey(newKey());
        setError({ field: e.field, message: e.message });
      } else {
        // No answer: the same key on the retry, so that the report is not made twice.
        setError({ field: null, message: '网络异常，请重试（重试不会重复上报）' });
      }
    } finally {
      setBusy(false);
    }
  };

  const mergeInto = async (into: number) => {
    if (!created) return;
    try {
      await api.merge(created.problem.id, created.problem.version, into);
      onCreated();
      onOpen(into);
    } catch (e) {
      setError({ field: 'into', message: e instanceof ApiError ? e.message : String(e) });
    }
  };

  if (created) {
    const p = created.problem;
    return (
      <aside className="side-panel report-form" aria-label="上报问题" data-created={p.id}>
        <PanelHeader title="已上报" onClose={onClose} />
        <p>
          编号 {p.id} · {p.categoryName}
          <br />
          {p.communityName} {p.gridName} · 期限 {p.deadline?.slice(0, 10) ?? '—'}
        </p>
        {created.photoError && (
          <p className="form-error" role="alert">
            {created.photoError}
          </p>
        )}
        {created.recurrenceOf && (
          <p className="notice" data-field="recurrence">
            疑似反弹：{created.recurrenceOf.distanceM} 米内的同类问题{' '}
            <button type="button" className="link-button" onClick={() => onOpen(created.recurrenceOf?.id ?? p.id)}>
              编号 {created.recurrenceOf.id}
            </button>{' '}
            90 天内刚销号
          </p>
        )}
        {created.possibleDuplicates.length > 0 && (
          <div className="notice" data-field="duplicates">
            附近有未销号的同类问题，可能重复：
            <ul>
              {created.possibleDuplicates.map((d) => (
                <li key={d.id}>
                  <button type="button" className="link-button" onClick={() => onOpen(d.id)}>
                    编号 {d.id}
                  </button>{' '}
                  {d.distanceM} 米
                  {user.role === 'admin' && (
                    <button type="button" className="link-button" onClick={() => mergeInto(d.id)}>
                      合并到此
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <div className="form-buttons">
          <button type="button" className="primary" onClick={() => onOpen(p.id)}>
            查看问题
          </button>
          <button
            type="button"
            onClick={() => {
              setCreated(null);
              setDescription('');
              setAddress('');
              setFiles([]);
              setPhotoNote(null);
              setKey(newKey());
            }}
          >
            继续上报
          </button>
        </div>
      </aside>
    );
  }

  const invalid = (field: string) => error?.field === field || (field === 'lon' && error?.field === 'lat');
  return (
    <aside className="side-panel report-form" aria-label="上报问题">
      <PanelHeader title="上报问题" onClose={onClose} />
      <p className={`pick-hint${invalid('lon') ? ' alert' : ''}`} data-field="point">
        {point ? `位置：${point[0].toFixed(5)}, ${point[1].toFixed(5)}（点击地图可修改）` : '请在地图上点击问题位置'}
      </p>
      <button type="button" className="locate-button" data-locate disabled={locating} onClick={locate}>
        {locating ? '正在定位…' : '使用我的位置'}
      </button>
      {photoNote && <p className="muted">{photoNote}</p>}
      <label>
        问题类型
        <select name="category" value={category} aria-invalid={invalid('category')} onChange={(e) => setCategory(e.target.value)}>
          <option value="">请选择</option>
          {meta.categories.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        问题描述
        <textarea
          name="description"
          maxLength={500}
          value={description}
          aria-invalid={invalid('description')}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <label>
        地址（可选）
        <input name="address" maxLength={200} placeholder="默认按位置生成" value={address} onChange={(e) => setAddress(e.target.value)} />
      </label>
      <label>
        来源
        <select name="source" value={source} onChange={(e) => setSource(e.target.value)}>
          {meta.sources.map((s) => (
            <option key={s.code} value={s.code}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {source === 'public_report' && (
        <fieldset className="reporter">
          <legend>举报人（仅管理员可见完整信息）</legend>
          <input name="reporterName" placeholder="姓名" maxLength={32} value={reporterName} onChange={(e) => setReporterName(e.target.value)} />
          <input
            name="reporterPhone"
            placeholder="电话"
            inputMode="tel"
            maxLength={20}
            value={reporterPhone}
            aria-invalid={invalid('reporter')}
            onChange={(e) => setReporterPhone(e.target.value)}
          />
        </fieldset>
      )}
      <label className="upload">
        整改前照片（可选，带定位的照片可自动定位）
        <input type="file" name="photos" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => addPhotos(e.target.files)} />
      </label>
      {previews.length > 0 && (
        <div className="upload-preview">
          {previews.map((u, i) => (
            <img key={u} src={u} alt={files[i]?.name ?? '照片'} />
          ))}
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <button type="button" className="primary" disabled={busy} onClick={submit}>
        {busy ? '正在上报…' : '上报'}
      </button>
    </aside>
  );
}
