import { describe, expect, it } from 'vitest';
import config from '../../vite.config.ts';

// `npm run dev` proxies the API to the server; client/api/*.ts are the client's own modules, which a
// proxy of every /api path sent to the API (404: the page stayed blank).
describe('the dev server’s API proxy', () => {
  const proxy = config.server?.proxy ?? {};
  const [key, target] = Object.entries(proxy)[0] ?? [];
  const proxied = (url: string) => key !== undefined && (key.startsWith('^') ? new RegExp(key).test(url) : url.startsWith(key));

  it('sends the API on and keeps the client’s modules', () => {
    for (const url of ['/api/problems?status=open', '/api/auth/login', '/api/events', '/api/photos/12/a.jpg']) expect(proxied(url), url).toBe(true);
    for (const url of ['/api/client.ts', '/api/live.ts?t=123', '/api/client.ts?import']) expect(proxied(url), url).toBe(false);
  });

  it('keeps the page’s Host, so that the API’s same-origin check passes', () => {
    expect(typeof target === 'object' && target.changeOrigin).toBe(false);
  });
});
