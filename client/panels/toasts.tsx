import { useCallback, useState } from 'react';

export interface Toast {
  key: string;
  text: string;
}

/** Short messages in a corner (live changes, reloads that failed): the last four, each for 5 s; a key replaces its older message. */
export function useToasts(): [Toast[], (key: string, text: string) => void] {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const notify = useCallback((key: string, text: string) => {
    setToasts((t) => [...t.filter((x) => x.key !== key).slice(-3), { key, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.key !== key)), 5000);
  }, []);
  return [toasts, notify];
}

export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <ul className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <li key={t.key}>{t.text}</li>
      ))}
    </ul>
  );
}
