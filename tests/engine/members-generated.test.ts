/**
 * The web app's compile-time member names must match the model: this regenerates
 * web/lib/cube/members.generated.ts (and definitions.generated.ts, the model's descriptions the
 * tab shows) from the running Cube's /meta and diffs them with the files.
 */
import fs from 'node:fs';
import { expect, inject, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import {
  DEFINITIONS_PATH,
  GENERATED_PATH,
  metaSchema,
  renderDefinitionsFile,
  renderMembersFile,
} from '../../scripts/lib/cube-types';

test('members.generated.ts and definitions.generated.ts are what /meta generates (run `npm run gen:cube-types` if not)', async () => {
  const { apiUrl, apiSecret } = inject('cube');
  const token = signCubeToken(apiSecret, { sub: 'test', role: 'admin' });
  const response = await fetch(`${apiUrl}/meta`, { headers: { Authorization: token } });
  expect(response.status).toBe(200);
  const meta = metaSchema.parse(await response.json());
  expect(fs.readFileSync(GENERATED_PATH, 'utf8')).toBe(renderMembersFile(meta));
  // The definitions the tab shows next to each widget's title are the model's descriptions.
  expect(fs.readFileSync(DEFINITIONS_PATH, 'utf8')).toBe(renderDefinitionsFile(meta));
});
