/**
 * The demo's release media, served by the app itself (no internet at run time): every demo
 * release's video is the one generated clip, and its thumbnail an SVG naming its version. The
 * seed (db/seed/generators/releases.ts) stores URLs under RELEASE_MEDIA_PATH.
 */
import { RELEASE_CLIP_WEBM_BASE64 } from './clip.generated';

export { RELEASE_MEDIA_PATH } from './path';

/** A demo release's slug (`v1-3-0` for 1.3.0) and the kind of media its file name asks for. */
const FILE = /^(v\d{1,3}-\d{1,3}-\d{1,3})\.(webm|svg)$/;

export type ReleaseMediaFile = {
  readonly body: Uint8Array;
  readonly contentType: string;
};

let clip: Uint8Array | undefined;

function thumbnailSvg(slug: string): string {
  const version = slug.slice(1).replaceAll('-', '.');
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180">',
    '<rect width="320" height="180" fill="#1e293b"/>',
    '<rect x="20" y="70" width="40" height="40" fill="#38bdf8"/>',
    `<text x="160" y="100" fill="#f8fafc" font-family="sans-serif" font-size="28" text-anchor="middle">Release ${version}</text>`,
    '</svg>',
  ].join('');
}

/** The file a demo media URL names, or null (the route answers 404). */
export function releaseMediaFile(name: string): ReleaseMediaFile | null {
  const match = FILE.exec(name);
  if (!match) return null;
  const [, slug = '', kind] = match;
  if (kind === 'webm') {
    clip ??= Uint8Array.from(Buffer.from(RELEASE_CLIP_WEBM_BASE64, 'base64'));
    return { body: clip, contentType: 'video/webm' };
  }
  return {
    body: new TextEncoder().encode(thumbnailSvg(slug)),
    contentType: 'image/svg+xml',
  };
}
