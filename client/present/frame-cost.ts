/**
 * How long this machine takes to draw a slide's map, measured once per map (a forced redraw read
 * back from the GPU). A camera flight is smooth only if a frame of every map on the slide takes
 * less than SMOOTH_FRAME_MS (20 frames a second); a laptop's GPU draws one in a few milliseconds,
 * a software renderer in hundreds — there the show cuts instead of stuttering.
 */
const SMOOTH_FRAME_MS = 50;

let slowest = 0;

/** Notes the time one map took to draw a frame. */
export function noteFrameMs(ms: number): void {
  slowest = Math.max(slowest, ms);
}

/** Whether a slide with `maps` maps can fly smoothly here (unknown until a map has been measured: no). */
export function fliesSmoothly(maps: number): boolean {
  return slowest > 0 && slowest * maps <= SMOOTH_FRAME_MS;
}
