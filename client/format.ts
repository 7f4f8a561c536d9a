/** An API instant (Shanghai ISO text) as people read it: `2026-11-30 14:05`; `none` when there is none. */
export function minuteText(iso: string | null | undefined, none = ''): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : none;
}
