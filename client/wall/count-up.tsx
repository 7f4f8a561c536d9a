import { useEffect, useRef, useState } from 'react';

/**
 * A numeral that counts from its last value to a new one (0.8 s, easing out), so a change on the
 * wall is seen from across the room. `data-value` always holds the exact value; the text ends on it.
 */
export function CountUp({ value, format, className }: { value: number; format: (n: number) => string; className?: string }) {
  const [shown, setShown] = useState(value);
  const from = useRef(value);
  useEffect(() => {
    const start = performance.now();
    const begin = from.current;
    if (begin === value) return;
    let frame = 0;
    const step = (now: number) => {
      const t = Math.min(1, (now - start) / 800);
      const eased = 1 - (1 - t) ** 3;
      const v = t === 1 ? value : begin + (value - begin) * eased;
      from.current = v;
      setShown(v);
      if (t < 1) frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
  }, [value]);
  return (
    <span className={className} data-value={value}>
      {format(shown)}
    </span>
  );
}
