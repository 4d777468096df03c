import { demoMediaResponse } from '../../../../lib/demo-media';

/** The seeded catalogue's images (web/lib/demo-media.ts): generated, public, never changing. */
export async function GET(
  _request: Request,
  context: { params: Promise<{ kind: string; name: string }> },
) {
  const { kind, name } = await context.params;
  return demoMediaResponse(kind, name);
}
