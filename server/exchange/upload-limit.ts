/**
 * The largest file a clerk may upload to the import or the boundary check (a 台账 of a few hundred
 * thousand rows, a county's boundaries). The server refuses past it (413); the page says so first,
 * without sending it.
 */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** The page's words for a file over the limit, or null. */
export function tooLarge(bytes: number): string | null {
  return bytes > MAX_UPLOAD_BYTES ? `文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB（${(bytes / 1024 / 1024).toFixed(0)} MB）：请分批导入` : null;
}
