/**
 * `npm run gen:cube-types`: regenerates web/lib/cube/members.generated.ts and
 * web/lib/cube/definitions.generated.ts from a running Cube
 * (`npm start` or `npm run cube`; CUBE_API_URL, default http://localhost:4000/cubejs-api/v1).
 * `--check` exits 1 when the file is stale instead of writing it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signCubeToken } from '../cube/auth';
import { readCubeEnv } from '../cube/env';
import {
  DEFINITIONS_PATH,
  GENERATED_PATH,
  metaSchema,
  renderDefinitionsFile,
  renderMembersFile,
} from './lib/cube-types';

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
const meta = metaSchema.parse(await response.json());
const files = [
  [GENERATED_PATH, renderMembersFile(meta)],
  [DEFINITIONS_PATH, renderDefinitionsFile(meta)],
] as const;
let stale = false;
for (const [file, rendered] of files) {
  const target = path.resolve(import.meta.dirname, '..', file);
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (values.check) {
    if (current !== rendered) {
      console.error(`${file} is stale: run \`npm run gen:cube-types\` with Cube running.`);
      stale = true;
    } else console.log(`${file} is up to date.`);
  } else {
    fs.writeFileSync(target, rendered);
    console.log(`Wrote ${file} (${rendered.split('\n').length} lines).`);
  }
}
if (stale) process.exit(1);
