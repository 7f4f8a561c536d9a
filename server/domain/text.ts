import { badRequest } from '../errors.ts';

/**
 * Free text as it is stored and shown (descriptions, addresses, notes, names). What a person types
 * stays; what only a machine could have sent goes or is refused, naming the field:
 * - a lone surrogate (not a character at all): refused;
 * - control characters (C0, C1, escape sequences), bidirectional overrides and isolates, and other
 *   invisible format characters: removed (the zero-width joiner stays, for emoji);
 * - line and paragraph separators (U+2028/2029) and CR LF: a line break where lines are allowed,
 *   a space elsewhere; tabs: a space;
 * - text left empty, or made only of spaces and invisible characters: refused (an optional field: left out).
 */
export function cleanText(value: string, field: string, label: string, opts: { multiline?: boolean; optional?: boolean } = {}): string {
  if (/\p{Cs}/u.test(value)) throw badRequest(field, `${label}含有无效字符，请重新输入`, 'invalid_text');
  const lines = value.replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n');
  const cleaned = lines
    .replace(/\t/g, ' ')
    .replace(/[\p{Cc}\p{Cf}]/gu, (c) => (c === '\n' ? (opts.multiline ? '\n' : ' ') : c === '\u200d' ? c : ''))
    .replace(/[ \u3000]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (cleaned.replace(/[\s\u200d]/gu, '') === '') {
    // Nothing visible: an optional field is left out, a required one refused.
    if (opts.optional) return '';
    throw badRequest(field, `${label}不能为空`, 'invalid_parameter');
  }
  return cleaned;
}
