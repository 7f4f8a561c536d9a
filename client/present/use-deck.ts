import { useEffect, useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { call } from '../api/client.ts';
import { loadPresentTown, type PresentTown } from './scene-load.ts';

/** A deck as `/api/decks/:id` gives it. */
export type Deck = Answer<'GET /api/decks/:id'>;

/** A deck and the town it shows, loaded once; a failure is the page's message. */
export function useDeck(id: number): { deck: Deck | null; town: PresentTown | null; error: string | null; setDeck: (d: Deck) => void } {
  const [deck, setDeck] = useState<Deck | null>(null);
  const [town, setTown] = useState<PresentTown | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([call('GET /api/decks/:id', { params: { id } }), loadPresentTown()])
      .then(([d, t]) => {
        setDeck(d);
        setTown(t);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [id]);
  return { deck, town, error, setDeck };
}

/** The channel a show and its presenter view talk on (same browser, same deck). */
export const channelName = (deckId: number) => `cw-present-${deckId}`;

/** What the show and the presenter view tell each other. */
export type ShowMessage =
  | { type: 'state'; index: number; black: boolean; startedAt: number }
  | { type: 'go'; index: number }
  | { type: 'black'; black: boolean }
  | { type: 'hello' };
