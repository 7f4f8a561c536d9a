/** What a patrol's check-in at a stop can record (the names the phone and the answers show). */
export const CHECKIN_RESULTS = {
  ok: '已整改 / 无问题',
  not_fixed: '未整改',
  found: '新发现',
  verified: '核查通过（销号）',
  sent_back: '核查退回',
  self_fixed: '当场整改',
} as const;
export type CheckinResult = keyof typeof CHECKIN_RESULTS;
