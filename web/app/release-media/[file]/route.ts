import { releaseMediaFile } from '../../../lib/release-media/media';

/** The demo's release videos and thumbnails (web/lib/release-media/media.ts); 404 otherwise. */
export async function GET(_request: Request, context: { params: Promise<{ file: string }> }) {
  const { file } = await context.params;
  const media = releaseMediaFile(file);
  if (!media) return new Response('Not found', { status: 404 });
  return new Response(media.body as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': media.contentType,
      'Content-Length': String(media.body.length),
      // The same bytes for as long as this build runs.
      'Cache-Control': 'public, max-age=86400',
    },
  });
}
