import { describe, expect, it } from 'vitest';
import { computeDeadline } from '../../server/domain/calendar.ts';
import { parseDate, parseDeadline, parseDegrees, parsePosition, parseStatus, titleYear } from '../../server/exchange/cell-parse.ts';

const at = (iso: string) => Date.parse(iso);
const value = <T>(p: { ok: true; value: T } | { ok: false; reason: string }) => (p.ok ? p.value : `✗ ${p.reason}`);

describe('reading a 台账’s cells', () => {
  it('dates as clerks type them, Excel serials and Excel dates, in Shanghai time', () => {
    const day = at('2025-03-05T00:00:00+08:00');
    for (const text of ['2025-03-05', '2025/3/5', '2025.3.5', '2025年3月5日', '2025年3月5号', '20250305', ' 2025 / 03 / 05 '])
      expect(value(parseDate(text)), text).toBe(day);
    expect(value(parseDate('2025-3-5 14:30'))).toBe(at('2025-03-05T14:30:00+08:00'));
    expect(value(parseDate('2025年3月5日 9时5分'))).toBe(at('2025-03-05T09:05:00+08:00'));
    // Excel: 45721 is 2025-03-05; the fraction is the time of day
    expect(value(parseDate(45721))).toBe(day);
    expect(value(parseDate(45721.5))).toBe(at('2025-03-05T12:00:00+08:00'));
    // a date cell read from a sheet: its UTC fields are what Excel shows
    expect(value(parseDate(new Date(Date.UTC(2025, 2, 5, 8, 0))))).toBe(at('2025-03-05T08:00:00+08:00'));
    // 3月5日: the year from the title
    expect(value(parseDate('3月5日', 2025))).toBe(day);
    expect(value(parseDate('3.5', 2025))).toBe(day);
    expect(value(parseDate('3月5日'))).toMatch(/缺少年份/);
    for (const bad of ['2025-02-30', '2025-13-01', '明天', '', '12', '2025-03-05 25:00']) expect(value(parseDate(bad)), bad).toMatch(/^✗/);
    expect(value(parseDate(5))).toMatch(/不是 2000–2099 年的 Excel 日期/);
    expect(titleYear('盐东镇2025年3月创文问题整改台账')).toBe(2025);
    expect(titleYear('创文问题台账（2024-12）')).toBe(2024);
    expect(titleYear('问题台账')).toBeNull();
  });

  it('coordinates: decimals, 度分秒, both in one cell in either order; a pair outside China is refused', () => {
    expect(value(parseDegrees('120.3652'))).toBe(120.3652);
    expect(value(parseDegrees(120.3652))).toBe(120.3652);
    expect(value(parseDegrees('120°21′54.72″E'))).toBeCloseTo(120.3652, 6);
    expect(value(parseDegrees(`120°21'54.72"`))).toBeCloseTo(120.3652, 6);
    expect(value(parseDegrees('东经120度21分54.72秒'))).toBeCloseTo(120.3652, 6);
    expect(value(parseDegrees('33°21′N'))).toBeCloseTo(33.35, 9);
    expect(value(parseDegrees('120°61′'))).toMatch(/度分秒无效/);
    expect(value(parseDegrees('东门口'))).toMatch(/无法识别/);
    expect(value(parsePosition(undefined, undefined, '120.3652,33.3512'))).toEqual([120.3652, 33.3512]);
    expect(value(parsePosition(undefined, undefined, '33.3512，120.3652'))).toEqual([120.3652, 33.3512]);
    expect(value(parsePosition(undefined, undefined, '33.3512 120.3652'))).toEqual([120.3652, 33.3512]);
    const dms = value(parsePosition(undefined, undefined, '120°21′54.72″E 33°21′4.32″N')) as number[];
    expect(dms[0]).toBeCloseTo(120.3652, 6);
    expect(dms[1]).toBeCloseTo(33.3512, 6);
    expect(value(parsePosition('120.3652', '33.3512'))).toEqual([120.3652, 33.3512]);
    // the columns swapped by the clerk: put right
    expect(value(parsePosition(33.3512, 120.3652))).toEqual([120.3652, 33.3512]);
    expect(value(parsePosition('2.35', '48.85'))).toMatch(/不在中国范围内/);
    expect(value(parsePosition('', '33.35'))).toMatch(/^✗ 经度：坐标为空/);
  });

  it('整改时限: dates (due by the end of the day), rules and spans from the report', () => {
    const reported = at('2025-03-07T15:00:00+08:00'); // a Friday
    expect(value(parseDeadline('2025-03-10', reported, 2025))).toBe(at('2025-03-10T23:59:59+08:00'));
    expect(value(parseDeadline('2025-03-10 12:00', reported, 2025))).toBe(at('2025-03-10T12:00:00+08:00'));
    expect(value(parseDeadline(45726, reported, 2025))).toBe(at('2025-03-10T23:59:59+08:00'));
    // a date cell with a time keeps it (the 台账 this product exports)
    expect(value(parseDeadline(new Date(Date.UTC(2025, 2, 10, 15, 30)), reported, 2025))).toBe(at('2025-03-10T15:30:00+08:00'));
    expect(value(parseDeadline(new Date(Date.UTC(2025, 2, 10)), reported, 2025))).toBe(at('2025-03-10T23:59:59+08:00'));
    // 立行立改: the next working day (Monday), as the catalogue counts working days
    expect(value(parseDeadline('立行立改', reported, 2025))).toBe(computeDeadline(reported, { unit: 'workdays', value: 1 }));
    expect(value(parseDeadline('立行立改', reported, 2025))).toBe(at('2025-03-10T15:00:00+08:00'));
    expect(value(parseDeadline('长期坚持', reported, 2025))).toBeNull();
    expect(value(parseDeadline('', reported, 2025))).toBeNull();
    expect(value(parseDeadline('3天', reported, 2025))).toBe(at('2025-03-10T15:00:00+08:00'));
    expect(value(parseDeadline('24小时', reported, 2025))).toBe(at('2025-03-08T15:00:00+08:00'));
    expect(value(parseDeadline('2个工作日', reported, 2025))).toBe(at('2025-03-11T15:00:00+08:00'));
    expect(value(parseDeadline('尽快', reported, 2025))).toMatch(/^✗ 整改时限：/);
  });

  it('整改情况 in words to a status; other words are named', () => {
    expect(value(parseStatus('已整改'))).toBe('closed');
    expect(value(parseStatus(' 已 销号 '))).toBe('closed');
    expect(value(parseStatus('整改中'))).toBe('in_progress');
    expect(value(parseStatus('未整改'))).toBe('open');
    expect(value(parseStatus('待核查'))).toBe('awaiting_verification');
    expect(value(parseStatus('新发现'))).toBe('reported');
    expect(value(parseStatus('看情况'))).toBe('✗ 无法识别的整改情况：看情况');
  });
});
