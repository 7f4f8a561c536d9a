// The service worker of 创文一张图: the app shell and the patrol page's data keep working without
// network (a grid manager in a lane with no signal). Pages: network first, the cached page when
// offline. Hashed assets: cached for good. A few API reads the patrol page needs: network first,
// the last answer when offline. Nothing else is cached: no photos, tracks or personal information.
// What a patrol records offline waits in IndexedDB (client/patrol/outbox.ts), not here.

const CACHE = 'chuangwen-shell-v1';
const READS = [
  '/api/auth/session',
  '/api/meta',
  '/api/grids',
  '/api/communities',
  '/api/sites',
  '/api/basemap',
  '/api/units',
  '/api/tasks',
  '/api/stats/summary',
  '/api/stats/coverage',
];

const ASSET = /\/assets\/[\w.-]+\.(?:m?js|css|wasm|png|svg|woff2?)/g;

/** The patrol page, the hashed scripts and styles it names, and those its scripts name (the map's worker). */
async function keepShell() {
  const cache = await caches.open(CACHE);
  const page = await fetch('/patrol');
  if (!page.ok) throw new Error(`/patrol: HTTP ${page.status}`);
  const html = await page.clone().text();
  await cache.put('/patrol', page);
  const named = new Set(html.match(ASSET) ?? []);
  await cache.addAll([...named]);
  for (const url of [...named].filter((u) => u.endsWith('.js'))) {
    const script = await cache.match(url);
    for (const more of (await script.text()).match(ASSET) ?? []) named.add(more);
  }
  await cache.addAll([...named]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The network's answer, kept for later when it is a success; the kept one when the network fails. */
async function networkFirst(request, fallbackUrl) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = (await cache.match(request)) ?? (fallbackUrl ? await cache.match(fallbackUrl) : undefined);
    if (kept) return kept;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, '/patrol'));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (READS.includes(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

/** Whether the worker keeps a copy of this URL: the page's hashed assets and the reads above. */
function keeps(href) {
  const url = new URL(href, self.location.origin);
  return url.origin === self.location.origin && (url.pathname.startsWith('/assets/') || READS.includes(url.pathname));
}

self.addEventListener('message', (event) => {
  // Signing out forgets what this device kept of the API.
  if (event.data === 'signed-out') event.waitUntil(caches.delete(CACHE));
  // What the page loaded before the worker took it over (the first visit): kept now, for offline.
  if (event.data?.type === 'keep' && Array.isArray(event.data.urls)) {
    const urls = event.data.urls.filter(keeps);
    const keep = async (cache, url) => {
      if (!(await cache.match(url))) await cache.add(url).catch(() => undefined);
    };
    event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map((u) => keep(cache, u)))));
  }
});
