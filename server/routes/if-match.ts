import { badRequest, RequestError } from '../errors.ts';

/** Optimistic concurrency for edits: the writer sends back the ETag ("<version>") it read. */

export function staleVersion(current: number, noun: string): RequestError {
  return new RequestError(412, 'version_conflict', 'If-Match', `${noun}已被他人修改（当前版本 ${current}），请刷新后重试`);
}

/** The version the client saw (If-Match): 428 when missing, 400 when malformed, 412 when not `version`. */
export function checkVersion(ifMatch: string | undefined, version: number, noun: string): void {
  if (ifMatch === undefined) throw new RequestError(428, 'precondition_required', 'If-Match', `请在 If-Match 中带上${noun}的版本（ETag），以免覆盖他人的修改`);
  const tag = /^(W\/)?"([\x21\x23-\x7e]*)"$/.exec(ifMatch.trim());
  if (!tag) throw badRequest('If-Match', `If-Match 应为${noun}的 ETag，如 "3"`);
  // Strong comparison (RFC 9110 §13.1.1): only the ETag the server sent matches, not W/"4" nor "04".
  if (tag[1] !== undefined || tag[2] !== String(version)) throw staleVersion(version, noun);
}
