/**
 * Masking of personal information (a reporter's name and phone) for every answer but the
 * audited reveal. Pure functions, shared with the client.
 */

/** `13812345678` → `138****5678`; other lengths keep at most the first 3 and last 4 digits and hide at least half. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s|-/g, '');
  if (digits.length === 0) return '';
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  const keep = Math.floor(digits.length / 4);
  return `${digits.slice(0, keep)}${'*'.repeat(digits.length - 2 * keep)}${digits.slice(digits.length - keep)}`;
}

/** `张建国` → `张**`: the surname stays, each other character becomes `*`. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
