/**
 * The web app's compile-time member names must match the model: this regenerates
 * web/lib/cube/members.generated.ts from the running Cube's /meta and diffs it with the file.
 */
import fs from 'node:fs';
import { expect, inject, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import { GENERATED_PATH, metaSchema, renderMembersFile } from '../../scripts/lib/cube-types';

test('members.generated.ts is what /meta generates (run `npm run gen:cube-types` if not)', async () => {
  const { apiUrl, apiSecret } = inject('cube');
  const token = signCubeToken(apiSecret, { sub: 'test', role: 'admin' });
  const response = await fetch(`${apiUrl}/meta`, { headers: { Authorization: token } });
  expect(response.status).toBe(200);
  const rendered = renderMembersFile(metaSchema.parse(await response.json()));
  expect(fs.readFileSync(GENERATED_PATH, 'utf8')).toBe(rendered);
});
