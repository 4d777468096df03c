import path from 'node:path';
import type { NextConfig } from 'next';

// The embed lives outside this app's folder (../../web/embed) and resolves its packages from the
// repository's node_modules, so Turbopack and the output tracing start at the repository root.
const root = path.resolve(import.meta.dirname, '..', '..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root },
  outputFileTracingRoot: root,
};

export default nextConfig;
