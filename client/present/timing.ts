import { useEffect } from 'react';

/** The User Timing measure of scene `n` (1-based): from the key to the first frame showing it drawn. */
export const sceneTiming = (n: number) => `scene ${n} drawn`;

/** Measures (User Timing, seen in the browser's performance tools) from the move asked for to the frame painted with the scene drawn. */
export function useSceneTiming(drawn: number, askedAt: React.RefObject<number>) {
  useEffect(() => {
    if (drawn < 0) return;
    const start = askedAt.current;
    // the frame after the next one: the one that shows the scene
    let id = requestAnimationFrame(() => {
      id = requestAnimationFrame(() => performance.measure(sceneTiming(drawn + 1), { start, end: performance.now() }));
    });
    return () => cancelAnimationFrame(id);
  }, [drawn, askedAt]);
}
