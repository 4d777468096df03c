/**
 * The demo's media: small generated images the seeded catalogue points at (`/demo-media/…`), so
 * thumbnails show offline and in tests without a CDN. A deterministic SVG per name: a tinted
 * square with a simple shape, different enough between items to tell rows apart.
 */
import { z } from 'zod';

export const demoMediaKindSchema = z.enum(['templates', 'changelog']);
/** A seeded id or slug and `.svg`; nothing that could escape the route. */
const nameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}\.svg$/);

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619) >>> 0;
  return h;
}

/** The SVG of one demo image, or null when the kind or name is not a demo image's. */
export function demoMediaSvg(kind: string, name: string): string | null {
  if (!demoMediaKindSchema.safeParse(kind).success || !nameSchema.safeParse(name).success) {
    return null;
  }
  const h = hash(`${kind}/${name}`);
  const hue = h % 360;
  const accent = (hue + 40 + ((h >>> 9) % 80)) % 360;
  const shape = (h >>> 17) % 3;
  const mark =
    shape === 0
      ? `<circle cx="32" cy="34" r="14" fill="hsl(${accent} 70% 55%)"/>`
      : shape === 1
        ? `<rect x="18" y="20" width="28" height="28" rx="6" fill="hsl(${accent} 70% 55%)"/>`
        : `<path d="M32 16 L50 48 H14 Z" fill="hsl(${accent} 70% 55%)"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" fill="hsl(${hue} 60% 88%)"/>${mark}</svg>`
  );
}

/** The route's answer: the image (cached for a day, it never changes) or a plain 404. */
export function demoMediaResponse(kind: string, name: string): Response {
  const svg = demoMediaSvg(kind, name);
  if (svg === null) return new Response('Not found', { status: 404 });
  return new Response(svg, {
    headers: {
      'Content-Type': 'image/svg+xml',
      'Cache-Control': 'public, max-age=86400, immutable',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
