import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The client lives in client/; `npm run build` writes client/dist, which the API serves at /.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 3000 },
  // The API is proxied; the client's own modules under client/api/ (api/client.ts, …) are not. The
  // Host header is kept, so that the API's same-origin check (CSRF) sees the page's own origin.
  server: {
    proxy: { '^/api/(?!.*\\.tsx?(\\?.*)?$)': { target: `http://127.0.0.1:${process.env.PORT ?? 8080}`, changeOrigin: false } },
  },
});
