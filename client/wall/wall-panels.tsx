import { useEffect, useRef, useState } from 'react';
import { toShanghaiIso } from '../../server/domain/calendar.ts';
import type { AreaRow, FeedItem, Hotspot } from '../api/client.ts';
import { ACTION_NAMES } from '../panels/problem-card.tsx';

/** The wall's list panels: the community ranking, the hotspots and the feed. */

const percent = (r: number) => `${(r * 100).toFixed(1)}%`;

/** 村居整改排名: every community; scrolls slowly when the list is longer than its box. */
export function CommunityRanking({ rows, rateClass }: { rows: AreaRow[]; rateClass: (r: number | null) => string }) {
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const [scrolls, setScrolls] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new rows change the list's height
  useEffect(() => {
    const check = () => setScrolls(!!box.current && !!list.current && list.current.scrollHeight > box.current.clientHeight + 2);
    check();
    const ro = new ResizeObserver(check);
    if (box.current) ro.observe(box.current);
    return () => ro.disconnect();
  }, [rows]);
  const item = (r: AreaRow, i: number, copy: boolean) => (
    <li key={`${copy ? 'c' : ''}${r.id}`} aria-hidden={copy || undefined}>
      <span className="wall-rank">{i + 1}</span>
      <span className="wall-name">{r.name}</span>
      <span className="wall-num">{r.total}</span>
      <span className={`wall-rate ${rateClass(r.rectificationRate)}`}>{r.rectificationRate === null ? '—' : percent(r.rectificationRate)}</span>
    </li>
  );
  return (
    <div ref={box} className={`wall-ranking${scrolls ? ' scrolling' : ''}`}>
      <ol ref={list} style={{ animationDuration: `${rows.length * 2.5}s` }}>
        {rows.map((r, i) => item(r, i, false))}
        {scrolls && rows.map((r, i) => item(r, i, true))}
      </ol>
    </div>
  );
}

/** 热点区域: the window's hotspots with their change against the window before (▲ more, ▼ fewer, 新 none before). */
export function HotspotList({ rows }: { rows: Hotspot[] }) {
  return (
    <ol className="wall-hotspots">
      {rows.slice(0, 5).map((h) => (
        <li key={h.rank} data-change={h.change ?? ''}>
          <span className="wall-rank">{h.rank}</span>
          <span className="wall-name">{h.name}</span>
          <span className="wall-num">{h.count}</span>
          <span className={`wall-change ${h.change === null ? '' : h.change > 0 ? 'up' : 'down'}`}>
            {h.change === null ? '新' : `${h.change > 0 ? '▲' : h.change < 0 ? '▼' : '–'}${Math.abs(Math.round(h.change * 100))}%`}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** 最新动态: the latest reports, closures and merges (time of day for today's, else the date too). */
export function FeedList({ items, now }: { items: FeedItem[]; now: number }) {
  const today = toShanghaiIso(now).slice(0, 10);
  return (
    <ul className="wall-feed">
      {items.slice(0, 8).map((e) => (
        <li key={e.eventId} className={`feed-${e.action}`}>
          <time>{e.at.slice(0, 10) === today ? e.at.slice(11, 16) : `${e.at.slice(5, 10)} ${e.at.slice(11, 16)}`}</time>
          <span className="wall-feed-action">{ACTION_NAMES[e.action] ?? e.action}</span>
          <span className="wall-name">
            {e.communityName} · {e.categoryName}
          </span>
        </li>
      ))}
    </ul>
  );
}
