/**
 * `npm run gen:cube-types`: regenerates web/lib/cube/members.generated.ts from a running Cube
 * (`npm start` or `npm run cube`; CUBE_API_URL, default http://localhost:4000/cubejs-api/v1).
 * `--check` exits 1 when the file is stale instead of writing it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signCubeToken } from '../cube/auth';
import { readCubeEnv } from '../cube/env';
import { GENERATED_PATH, metaSchema, renderMembersFile } from './lib/cube-types';

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false } },
  strict: true,
});
const settings = readCubeEnv();
const apiUrl = process.env.CUBE_API_URL ?? `http://localhost:${settings.port}/cubejs-api/v1`;
const token = signCubeToken(settings.apiSecret, { sub: 'gen-cube-types', role: 'admin' }, 60);
const response = await fetch(`${apiUrl}/meta`, { headers: { Authorization: token } });
if (!response.ok) {
  console.error(`GET ${apiUrl}/meta answered ${response.status}: ${await response.text()}`);
  process.exit(1);
}
const rendered = renderMembersFile(metaSchema.parse(await response.json()));
const target = path.resolve(import.meta.dirname, '..', GENERATED_PATH);
const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
if (values.check) {
  if (current !== rendered) {
    console.error(`${GENERATED_PATH} is stale: run \`npm run gen:cube-types\` with Cube running.`);
    process.exit(1);
  }
  console.log(`${GENERATED_PATH} is up to date.`);
} else {
  fs.writeFileSync(target, rendered);
  console.log(`Wrote ${GENERATED_PATH} (${rendered.split('\n').length} lines).`);
}
