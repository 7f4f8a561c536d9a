import { useEffect, useRef, useState } from 'react';
import { toShanghaiIso } from '../../server/domain/calendar.ts';
import type { FeedItem, Hotspot, Scores } from '../api/client.ts';
import { ACTION_NAMES } from '../panels/problem-card.tsx';

/** The wall's list panels: the villages' assessment ranking, the hotspots and the feed. */

/**
 * 村居考核排名: every village by this month's assessment score, its place on the 红榜 or 黑榜 and a
 * veto (否决) marked; scrolls slowly when the list is longer than its box.
 */
export function CommunityRanking({ ranking }: { ranking: Scores | null }) {
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const [scrolls, setScrolls] = useState(false);
  const rows = ranking?.scores ?? [];
  // biome-ignore lint/correctness/useExhaustiveDependencies: new rows change the list's height
  useEffect(() => {
    const check = () => setScrolls(!!box.current && !!list.current && list.current.scrollHeight > box.current.clientHeight + 2);
    check();
    const ro = new ResizeObserver(check);
    if (box.current) ro.observe(box.current);
    return () => ro.disconnect();
  }, [rows]);
  const board = (id: string) => (ranking?.red.includes(id) ? 'red' : ranking?.black.includes(id) ? 'black' : '');
  const item = (r: Scores['scores'][number], copy: boolean) => (
    <li key={`${copy ? 'c' : ''}${r.area}`} aria-hidden={copy || undefined} data-board={board(r.area)} data-area={r.area}>
      <span className="wall-rank">{r.rank}</span>
      <span className="wall-name">{r.name}</span>
      {r.vetoes.length > 0 && (
        <span className="wall-veto" title={r.vetoes.map((v) => v.name).join('；')}>
          否决
        </span>
      )}
      <span className={`wall-rate ${board(r.area) === 'red' ? 'good' : board(r.area) === 'black' ? 'bad' : ''}`}>{r.score.toFixed(1)}</span>
    </li>
  );
  return (
    <div ref={box} className={`wall-ranking${scrolls ? ' scrolling' : ''}`}>
      <ol ref={list} style={{ animationDuration: `${rows.length * 2.5}s` }}>
        {rows.map((r) => item(r, false))}
        {scrolls && rows.map((r) => item(r, true))}
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
