import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type * as maplibregl from 'maplibre-gl';
import { useCallback, useRef, useState } from 'react';
import { toShanghaiIso } from '../../server/domain/calendar.ts';
import { download, type ExportText, exportPng } from './export-png.ts';

/**
 * 导出图片: keeps the map and its overlay once drawn (`onMap`), and exports the view as a PNG at
 * 1× or 2× with the texts given, stamped with the time; a failure goes to `onError`.
 */
export function usePngExport(onError: (e: unknown) => void) {
  const drawn = useRef<{ map: maplibregl.Map; overlay: MapLibreOverlay } | null>(null);
  const onMap = useCallback((map: maplibregl.Map, overlay: MapLibreOverlay) => {
    drawn.current = { map, overlay };
  }, []);
  const [exporting, setExporting] = useState(false);
  const run = async (scale: 1 | 2, texts: Omit<ExportText, 'timestamp'>) => {
    if (!drawn.current) return;
    const { map, overlay } = drawn.current;
    setExporting(true);
    try {
      const stamp = toShanghaiIso(Date.now()).slice(0, 16).replace('T', ' ');
      const blob = await exportPng(map, overlay, scale, { ...texts, timestamp: stamp });
      download(blob, `创文一张图-${stamp.replace(/[-: ]/g, '')}${scale === 2 ? '@2x' : ''}.png`);
    } catch (e) {
      onError(e);
    } finally {
      setExporting(false);
    }
  };
  return { onMap, exporting, run };
}
