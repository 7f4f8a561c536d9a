import { describe, expect, it } from 'vitest';
import { hashPassword, policyViolation, randomPassword, verifyPassword } from '../../server/auth/password.ts';

describe('password hashing', () => {
  it('verifies the right password and refuses others, with a fresh salt each time', async () => {
    const a = await hashPassword('Lizao-2026');
    const b = await hashPassword('Lizao-2026');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Lizao-2026', a)).toBe(true);
    expect(await verifyPassword('lizao-2026', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treats malformed stored hashes as a mismatch, not an error', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$1$1$$', 'scrypt$99999999$8$1$c2FsdA==$a2V5', 'bcrypt$x$y$z$a$b']) {
      expect(await verifyPassword('whatever', bad), bad).toBe(false);
    }
  });
});

describe('password policy', () => {
  it('asks for 8 characters from 3 of 4 classes', () => {
    expect(policyViolation('Ab1!')).toContain('至少 8 位');
    expect(policyViolation('abcdefgh1')).toContain('至少 3 类');
    expect(policyViolation('abcdefG1')).toBeNull();
    expect(policyViolation('abcdef1!')).toBeNull();
    expect(policyViolation('网格员Abc12345')).toBeNull(); // non-ASCII counts as “other”
    expect(policyViolation('x'.repeat(129))).toContain('128');
  });

  it('makes random passwords that meet it', () => {
    for (let i = 0; i < 50; i++) expect(policyViolation(randomPassword())).toBeNull();
  });
});
