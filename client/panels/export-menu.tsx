import { useEffect, useRef, useState } from 'react';
import { MAX_PHOTO_ROWS } from '../../server/exchange/ledger.ts';

/** The files a 台账 export can be, as a clerk names them. */
const LEDGER_FORMATS = [
  { query: 'format=xlsx', name: 'Excel 台账（.xlsx）' },
  { query: 'format=csv', name: 'CSV（Excel/WPS 可直接打开）' },
  { query: 'format=kml&crs=gcj02', name: 'KML（奥维互动地图，GCJ-02）' },
  { query: 'format=kml', name: 'KML（WGS84）' },
  { query: 'format=shp', name: 'Shapefile（.zip，ArcGIS/QGIS）' },
  { query: 'format=geojson', name: 'GeoJSON' },
] as const;

export interface ExportMenuProps {
  /** A picture is being made. */
  exporting: boolean;
  onPicture: (scale: 1 | 2) => void;
  /** The map's filters as an API query (`?…`), for the 台账; null for those who may not export it (wall screens). */
  ledgerQuery: string | null;
  /** The rows the 台账 would have (the filters' total), once known. */
  ledgerRows: number | null;
}

/**
 * 导出: the map as a picture (1× or 2×), and the problems under the map's filters as a file to
 * hand in or open elsewhere — the server streams it and names it (盐东镇问题台账_2026-11-30.xlsx).
 */
export function ExportMenu({ exporting, onPicture, ledgerQuery, ledgerRows }: ExportMenuProps) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  // closes on a click elsewhere or Esc
  useEffect(() => {
    if (!open) return;
    const away = (e: Event) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('pointerdown', away);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('pointerdown', away);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);
  const filters = ledgerQuery?.replace(/^\?/, '') ?? '';
  const picture = (scale: 1 | 2) => {
    setOpen(false);
    onPicture(scale);
  };
  return (
    <div className="export-menu" ref={box}>
      <button
        type="button"
        className="export-button"
        aria-expanded={open}
        aria-haspopup="menu"
        disabled={exporting}
        onClick={() => setOpen(!open)}
        data-export-open
      >
        {exporting ? '正在导出…' : '导出'}
      </button>
      {open && (
        <div className="export-menu-list" role="menu">
          <p>地图图片（含标题、筛选、图例）</p>
          <button type="button" className="export-item" role="menuitem" data-export="1" onClick={() => picture(1)}>
            导出图片
          </button>
          <button type="button" className="export-item" role="menuitem" data-export="2" onClick={() => picture(2)}>
            高清图片（2×）
          </button>
          {ledgerQuery !== null && (
            <>
              <p>问题台账（当前筛选条件下的问题）</p>
              {LEDGER_FORMATS.map((f) => (
                <a
                  key={f.query}
                  className="export-item"
                  role="menuitem"
                  href={`/api/export/problems?${f.query}${filters ? `&${filters}` : ''}`}
                  download
                  data-ledger-export={f.query}
                  onClick={() => setOpen(false)}
                >
                  {f.name}
                </a>
              ))}
              {ledgerRows !== null && ledgerRows <= MAX_PHOTO_ROWS ? (
                <a
                  className="export-item"
                  role="menuitem"
                  href={`/api/export/problems?format=xlsx&photos=true${filters ? `&${filters}` : ''}`}
                  download
                  data-ledger-export="format=xlsx&photos=true"
                  onClick={() => setOpen(false)}
                >
                  Excel 台账（含整改前后照片）
                </a>
              ) : (
                <span className="export-item disabled" role="menuitem" aria-disabled="true" tabIndex={-1}>
                  Excel 台账含照片：最多 {MAX_PHOTO_ROWS} 条，请先筛选
                </span>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
