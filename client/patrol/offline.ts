/**
 * The patrol page's service worker (client/public/sw.js, scope /patrol): it keeps the app shell and
 * the page's reads so that the page opens without network. Not under Vite's dev server, whose
 * modules change with every edit.
 */

const enabled = () => import.meta.env.PROD && 'serviceWorker' in navigator;

export function registerPatrolWorker(): void {
  if (!enabled()) return;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/patrol' })
    .then(() => keepForOffline())
    .catch((e: unknown) => console.warn('service worker not registered', e));
}

/**
 * Asks the worker to keep what this page has loaded so far (scripts, styles, the town's data, my
 * tasks): on the first visit these came before the worker ran. Called once the page's data is in.
 */
export function keepForOffline(): void {
  if (!enabled()) return;
  void navigator.serviceWorker.ready.then((reg) => {
    const urls = performance.getEntriesByType('resource').map((e) => e.name);
    reg.active?.postMessage({ type: 'keep', urls });
  });
}
