import { type Dispatch, type SetStateAction, useEffect, useRef, useState } from 'react';

/** An answer and the key it answers. */
export interface Keyed<T> {
  key: string;
  value: T;
}

/**
 * Loads `load(key)` whenever `key` changes (null: nothing to load) and keeps the latest answer
 * with its key, so a caller can tell a current answer from a stale one (`loaded?.key === key`).
 * An answer that arrives after its key changed is dropped; a failure goes to `onError`. The setter
 * replaces the answer (e.g. after a change made here).
 */
export function useKeyedLoad<T>(
  key: string | null,
  load: (key: string) => Promise<T>,
  onError: (e: unknown) => void,
): [Keyed<T> | null, Dispatch<SetStateAction<Keyed<T> | null>>] {
  const [loaded, setLoaded] = useState<Keyed<T> | null>(null);
  // The latest functions, without making them effect dependencies (callers pass new closures each render).
  const loadRef = useRef(load);
  loadRef.current = load;
  const errorRef = useRef(onError);
  errorRef.current = onError;
  useEffect(() => {
    if (key === null) return;
    let current = true;
    loadRef
      .current(key)
      .then((value) => current && setLoaded({ key, value }))
      .catch((e: unknown) => current && errorRef.current(e));
    return () => {
      current = false;
    };
  }, [key]);
  return [loaded, setLoaded];
}
