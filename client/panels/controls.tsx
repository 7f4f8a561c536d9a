import type { ReactNode } from 'react';

export interface Choice<T extends string> {
  code: T;
  name: string;
}

/** A labelled drop-down over coded choices; `all` adds a first “everything” entry that gives null. */
export function Select<T extends string>(p: {
  label: string;
  value: T | null;
  choices: readonly Choice<T>[];
  all?: string;
  onChange: (value: T | null) => void;
}) {
  return (
    <select aria-label={p.label} value={p.value ?? ''} onChange={(e) => p.onChange((e.target.value || null) as T | null)}>
      {p.all !== undefined && <option value="">{p.all}</option>}
      {p.choices.map((c) => (
        <option key={c.code} value={c.code}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

/** The title row of a side panel with its close button. */
export function PanelHeader({ title, onClose }: { title: ReactNode; onClose: () => void }) {
  return (
    <header>
      <h2>{title}</h2>
      <button type="button" className="panel-close" onClick={onClose} aria-label="关闭">
        ×
      </button>
    </header>
  );
}
