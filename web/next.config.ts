import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `forbidden()` renders app/forbidden.tsx with HTTP 403 for signed-in non-admins.
  experimental: { authInterrupts: true },
};

export default nextConfig;
