import type { Session } from '../api/client.ts';
import { DeckListPage } from './deck-list-page.tsx';
import { EditorPage } from './editor-page.tsx';
import { HandoutPage } from './handout-page.tsx';
import { PresenterPage } from './presenter-page.tsx';
import { ShowPage } from './show-page.tsx';

/** The page of a /present path: the list, a show, its presenter view, the editor or the handout. */
export function PresentRoute({ session, path, onSignedOut }: { session: Session; path: string; onSignedOut: (notice?: string) => void }) {
  const m = /^\/present(?:\/(\d{1,9})(?:\/(edit|presenter|handout))?)?\/?$/.exec(path);
  if (!m) return <div className="present-message">没有这个页面</div>;
  if (!m[1]) return <DeckListPage session={session} onSignedOut={onSignedOut} />;
  const id = Number(m[1]);
  if (m[2] === 'edit') return <EditorPage session={session} deckId={id} />;
  if (m[2] === 'presenter') return <PresenterPage session={session} deckId={id} />;
  if (m[2] === 'handout') return <HandoutPage session={session} deckId={id} />;
  return <ShowPage session={session} deckId={id} />;
}
