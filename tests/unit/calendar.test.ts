import { describe, expect, it } from 'vitest';
import { computeDeadline, isWorkday, makeCalendar, shanghaiDate, startOfShanghaiWeek, toShanghaiIso } from '../../server/domain/calendar.ts';

const at = (s: string) => Date.parse(s);

describe('working days', () => {
  it('treats weekends as rest days and weekdays as working days', () => {
    expect(isWorkday('2026-11-27')).toBe(true); // Friday
    expect(isWorkday('2026-11-28')).toBe(false); // Saturday
    expect(isWorkday('2026-11-29')).toBe(false); // Sunday
  });

  it('treats public holidays as rest days and make-up workdays (调休) as working days', () => {
    expect(isWorkday('2026-10-05')).toBe(false); // Monday in the National Day holiday
    expect(isWorkday('2026-10-10')).toBe(true); // Saturday make-up workday
    expect(isWorkday('2026-09-20')).toBe(true); // Sunday make-up workday
  });

  it('follows the calendar it is given', () => {
    const cal = makeCalendar(['2030-01-02'], ['2030-01-05']);
    expect(isWorkday('2030-01-02', cal)).toBe(false);
    expect(isWorkday('2030-01-05', cal)).toBe(true);
  });
});

describe('computeDeadline', () => {
  it('adds clock hours for an hour limit', () => {
    expect(computeDeadline(at('2026-11-27T17:00:00+08:00'), { unit: 'hours', value: 2 })).toBe(at('2026-11-27T19:00:00+08:00'));
  });

  it('skips the weekend: Friday 15:00 plus one working day is Monday 15:00', () => {
    expect(toShanghaiIso(computeDeadline(at('2026-11-27T15:00:00+08:00'), { unit: 'workdays', value: 1 }))).toBe('2026-11-30T15:00:00+08:00');
  });

  it('skips a public holiday: 30 September plus one working day is 8 October', () => {
    expect(toShanghaiIso(computeDeadline(at('2026-09-30T10:00:00+08:00'), { unit: 'workdays', value: 1 }))).toBe('2026-10-08T10:00:00+08:00');
  });

  it('counts a make-up Saturday: Friday 9 October plus one working day is Saturday 10 October', () => {
    expect(toShanghaiIso(computeDeadline(at('2026-10-09T09:30:00+08:00'), { unit: 'workdays', value: 1 }))).toBe('2026-10-10T09:30:00+08:00');
  });

  it('counts from the next working day for a report made on a rest day', () => {
    expect(toShanghaiIso(computeDeadline(at('2026-11-28T11:00:00+08:00'), { unit: 'workdays', value: 2 }))).toBe('2026-12-01T11:00:00+08:00');
  });

  it('spans the Spring Festival with its two make-up Saturdays', () => {
    // Reported Friday 13 Feb 2026; 14 Feb (Sat) is a make-up workday, 15–23 Feb the holiday.
    expect(toShanghaiIso(computeDeadline(at('2026-02-13T10:00:00+08:00'), { unit: 'workdays', value: 2 }))).toBe('2026-02-24T10:00:00+08:00');
  });
});

describe('Asia/Shanghai days', () => {
  it('takes the calendar date at +08:00, not UTC', () => {
    expect(shanghaiDate(at('2026-11-27T17:30:00Z'))).toBe('2026-11-28');
  });

  it('starts weeks on Monday', () => {
    expect(toShanghaiIso(startOfShanghaiWeek(at('2026-11-29T23:00:00+08:00')))).toBe('2026-11-23T00:00:00+08:00');
    expect(toShanghaiIso(startOfShanghaiWeek(at('2026-11-30T00:00:00+08:00')))).toBe('2026-11-30T00:00:00+08:00');
  });
});

describe('toShanghaiIso', () => {
  it('agrees with Date for instants across years, days and second boundaries', () => {
    for (const ms of [
      0,
      1,
      999,
      1000,
      Date.parse('2026-11-27T15:59:59.999Z'),
      Date.parse('2026-12-31T16:00:00Z'),
      Date.parse('2024-02-29T23:59:59Z'),
      4102444799000,
    ]) {
      expect(toShanghaiIso(ms)).toBe(`${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`);
    }
  });
});
