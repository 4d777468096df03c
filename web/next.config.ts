import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `forbidden()` renders app/forbidden.tsx with HTTP 403 for signed-in non-admins.
  experimental: { authInterrupts: true },
  // Against framing (clickjacking the sign-in page), MIME sniffing and referrer leaks. The
  // Content-Security-Policy names Cube's run-time origin, so web/proxy.ts sets it per request.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
