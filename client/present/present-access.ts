import type { Session } from '../api/client.ts';

/** Leaders and admins show decks (the API's own rule for reading them). */
export const canShow = (s: Session) => s.user?.role === 'admin' || s.user?.role === 'leader';
/** Admins write them. */
export const canEdit = (s: Session) => s.user?.role === 'admin';
