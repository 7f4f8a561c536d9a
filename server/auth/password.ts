import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords: hashed with scrypt (node:crypto), stored as one self-describing string
 *   scrypt$N$r$p$<salt base64>$<hash base64>
 * so the cost can be raised later and old hashes still verify.
 */

/** scrypt cost: N = 2^15, r = 8, p = 1 (about 32 MiB and tens of ms a check). */
const COST = { N: 1 << 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...cost, maxmem: 128 * cost.N * cost.r * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches `stored`; false (never an exception) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || N > 1 << 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (salt.length === 0 || expected.length !== KEY_BYTES) return false;
  const key = await derive(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

export interface PasswordPolicy {
  minLength: number;
  /** How many of the four classes (lower, upper, digit, other) a password must mix. */
  minClasses: number;
}

/** 等保 level 2 practice: at least 8 characters from at least 3 of 4 classes. */
export const DEFAULT_POLICY: PasswordPolicy = { minLength: 8, minClasses: 3 };

/** Why a password breaks the policy, in Chinese for the user; null when it is acceptable. */
export function policyViolation(password: string, policy: PasswordPolicy = DEFAULT_POLICY): string | null {
  const length = [...password].length;
  if (length < policy.minLength) return `密码至少 ${policy.minLength} 位`;
  if (length > 128) return '密码不能超过 128 位';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < policy.minClasses) return `密码须包含小写字母、大写字母、数字、符号中的至少 ${policy.minClasses} 类`;
  return null;
}

/** A random password that meets the default policy (for first-start accounts): 16 characters, all four classes. */
export function randomPassword(): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '-_.!@#%+='];
  const all = sets.join('');
  const pick = (s: string) => s[randomBytes(1)[0] % s.length];
  for (;;) {
    const chars = Array.from({ length: 16 }, () => pick(all));
    const candidate = chars.join('');
    if (sets.every((s) => [...s].some((c) => candidate.includes(c)))) return candidate;
  }
}
