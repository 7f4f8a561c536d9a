import type * as maplibregl from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { download } from '../map/export-png.ts';
import { BIN_RADIUS_M, type BinScale } from './bins.ts';
import { binLegend, cssColor } from './legend.ts';
import { lapseData, type MapData, type PresentTown } from './scene-load.ts';
import { Legend } from './slide.tsx';
import { SlideMap } from './slide-map.tsx';

/** How long each month stays on screen (and in the video). */
export const MONTH_MS = 1200;
const VIDEO = { width: 1280, height: 720 };
const FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";

/** The video's frame: the map, the month, the scale. */
function drawFrame(ctx: CanvasRenderingContext2D, map: HTMLCanvasElement, month: string, title: string, scale: BinScale) {
  const { width, height } = VIDEO;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  // the map, covering the frame
  const s = Math.max(width / map.width, height / map.height);
  ctx.drawImage(map, (width - map.width * s) / 2, (height - map.height * s) / 2, map.width * s, map.height * s);
  ctx.fillStyle = 'rgba(255,255,255,0.92)';
  ctx.fillRect(0, 0, width, 84);
  ctx.fillStyle = '#14325c';
  ctx.font = `700 40px ${FONT}`;
  ctx.fillText(month, 32, 56);
  ctx.font = `600 28px ${FONT}`;
  ctx.fillStyle = '#1f2937';
  ctx.fillText(title, 300, 54);
  // the scale, bottom left
  const y = height - 60;
  ctx.fillStyle = 'rgba(255,255,255,0.92)';
  ctx.fillRect(0, y - 10, width, 70);
  ctx.font = `24px ${FONT}`;
  let x = 32;
  for (const step of scale.steps) {
    ctx.fillStyle = cssColor(step.color);
    ctx.fillRect(x, y + 8, 28, 28);
    ctx.fillStyle = '#1f2937';
    ctx.fillText(step.label, x + 36, y + 32);
    x += 56 + ctx.measureText(step.label).width;
  }
  ctx.fillText(`每个蜂窝（边长 ${BIN_RADIUS_M} 米）内问题数`, x + 20, y + 32);
}

/**
 * A WebM recorder of a canvas painted from the map once each month is drawn (copying a WebGL
 * canvas on every animation frame would stall a software-rendered map); the video holds each
 * picture for as long as it was shown.
 */
function startRecording(map: maplibregl.Map): { paint: (month: string, title: string, scale: BinScale) => void; stop: () => Promise<Blob> } {
  const canvas = document.createElement('canvas');
  canvas.width = VIDEO.width;
  canvas.height = VIDEO.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  if (!type) throw new Error('此浏览器不能录制 WebM 视频');
  const chunks: Blob[] = [];
  // Started at the first picture, so the video's first frame is a month; frames are taken when
  // asked for (a new month) and twice a second meanwhile, so each picture lasts as it was shown.
  let recorder: MediaRecorder | null = null;
  let track: CanvasCaptureMediaStreamTrack | null = null;
  let keep = 0;
  return {
    paint: (month, title, scale) => {
      drawFrame(ctx, map.getCanvas(), month, title, scale);
      if (!recorder) {
        const stream = canvas.captureStream(0);
        track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
        recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 4_000_000 });
        recorder.ondataavailable = (e) => {
          if (e.data.size > 0) chunks.push(e.data);
        };
        recorder.start(1000);
        keep = window.setInterval(() => track?.requestFrame(), 500);
      }
      track?.requestFrame();
    },
    stop: () =>
      new Promise<Blob>((resolve) => {
        window.clearInterval(keep);
        if (!recorder) return resolve(new Blob([], { type: 'video/webm' }));
        recorder.onstop = () => resolve(new Blob(chunks, { type: 'video/webm' }));
        recorder.stop();
      }),
  };
}

/**
 * 逐月变化: the scene's map month after month for the twelve months to its period, the problems
 * counted in hexagons on one scale fixed over the year (a month's colour means the same count in
 * every month). Plays once; 导出视频 records it as WebM for halls where live WebGL is not trusted.
 */
export function TimeLapse({ town, theme, scene, onClose }: { town: PresentTown; theme: 'light' | 'dark'; scene: SceneValue; onClose: () => void }) {
  const [lapse, setLapse] = useState<{ months: MapData[]; scale: BinScale } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [month, setMonth] = useState(0);
  const [playing, setPlaying] = useState(true);
  const [drawn, setDrawn] = useState(-1);
  const [recording, setRecording] = useState(false);
  const map = useRef<maplibregl.Map | null>(null);
  const recorder = useRef<ReturnType<typeof startRecording> | null>(null);
  const monthRef = useRef(month);
  monthRef.current = month;
  // Hexagons over the scene's view, whatever its own map draws.
  const shown = useMemo<SceneValue>(() => ({ ...scene, map: { ...scene.map, mode: 'heat' }, compareWith: null }), [scene]);

  useEffect(() => {
    lapseData(scene, town)
      .then(setLapse)
      .catch((e: unknown) => setFailed(e instanceof Error ? e.message : String(e)));
  }, [scene, town]);

  // The next month once this one is drawn and has stayed its time; a recording ends after the last.
  useEffect(() => {
    if (!lapse || !playing || drawn !== month) return;
    const t = setTimeout(() => {
      if (month + 1 < lapse.months.length) setMonth(month + 1);
      else {
        setPlaying(false);
        const r = recorder.current;
        recorder.current = null;
        if (r)
          void r.stop().then((blob) => {
            setRecording(false);
            download(blob, `${town.meta.town.name}问题分布逐月变化.webm`);
          });
      }
    }, MONTH_MS);
    return () => clearTimeout(t);
  }, [lapse, playing, drawn, month, town]);

  const record = useCallback(() => {
    if (!lapse || !map.current) return;
    setMonth(0);
    setPlaying(true);
    setRecording(true);
    recorder.current = startRecording(map.current);
  }, [lapse]);

  // Each month into the video once it is drawn.
  useEffect(() => {
    if (recording && lapse && drawn >= 0 && drawn === month)
      recorder.current?.paint(lapse.months[month].label, `${town.meta.town.name}问题分布逐月变化`, lapse.scale);
  }, [recording, lapse, drawn, month, town]);

  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !recording) {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [onClose, recording]);

  const current = lapse?.months[month];
  return (
    <div className="lapse" data-month={month} data-drawn={drawn} data-playing={playing} data-recording={recording}>
      {lapse && current ? (
        <>
          <SlideMap
            town={town}
            theme={theme}
            scene={shown}
            data={current}
            scale={lapse.scale}
            onMap={(m) => {
              map.current = m;
            }}
            onDrawn={() => setDrawn(monthRef.current)}
          />
          <div className="lapse-month">{current.label}</div>
          <Legend spec={binLegend(lapse.scale, '全年')} className="lapse-legend" />
        </>
      ) : (
        <div className="present-message">{failed ? `加载失败：${failed}` : '正在加载各月数据…'}</div>
      )}
      <nav className="lapse-bar">
        <button
          type="button"
          disabled={!lapse || recording}
          onClick={() => {
            setMonth(0);
            setPlaying(true);
          }}
        >
          重新播放
        </button>
        <button type="button" disabled={!lapse || recording} onClick={record} data-record>
          {recording ? '正在录制…' : '导出视频（WebM）'}
        </button>
        <button type="button" disabled={recording} onClick={onClose}>
          返回（Esc）
        </button>
      </nav>
    </div>
  );
}
