/**
 * When a new problem may repeat another (pure rules; server/analytics/nearby.ts finds them).
 * - A possible duplicate: an open (not closed) problem of the same category within the category's
 *   radius, 30 m unless set here (a mobile stall moves further; litter is very local).
 * - A recurrence (反弹): a problem of the same category within 50 m of one closed in the last 90 days.
 */
export const DEFAULT_DUPLICATE_RADIUS_M = 30;
const DUPLICATE_RADIUS_M: Record<string, number> = { street_vendor: 50, parking_motor: 40, littering: 20 };

export function duplicateRadiusM(category: string): number {
  return DUPLICATE_RADIUS_M[category] ?? DEFAULT_DUPLICATE_RADIUS_M;
}

export const RECURRENCE_RADIUS_M = 50;
export const RECURRENCE_WINDOW_MS = 90 * 86_400_000;

/** Whether a problem closed at `closedAt` counts for a recurrence of one reported at `now`. */
export function withinRecurrenceWindow(closedAt: number, now: number): boolean {
  return closedAt <= now && now - closedAt <= RECURRENCE_WINDOW_MS;
}
