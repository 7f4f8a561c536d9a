const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How a deadline reads in a list, and its tone: late (red), within two days (amber), or calm. */
export function countdown(deadline: string | null, now: number): { text: string; tone: 'late' | 'soon' | 'calm' } {
  if (deadline === null) return { text: '无期限', tone: 'calm' };
  const left = Date.parse(deadline) - now;
  if (left < 0) {
    const days = Math.ceil(-left / DAY_MS);
    return { text: -left < DAY_MS ? `已逾期 ${Math.ceil(-left / HOUR_MS)} 小时` : `已逾期 ${days} 天`, tone: 'late' };
  }
  if (left < DAY_MS) return { text: `剩 ${Math.max(1, Math.floor(left / HOUR_MS))} 小时`, tone: 'soon' };
  const days = Math.floor(left / DAY_MS);
  return { text: `剩 ${days} 天（${deadline.slice(5, 16).replace('T', ' ')} 前）`, tone: days <= 2 ? 'soon' : 'calm' };
}
