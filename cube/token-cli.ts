/** `npm run token [-- --role admin --sub you --ttl 600]`: a Cube JWT for local curl and Playground use. */
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_TTL_SECONDS, securityContextSchema, signCubeToken } from './auth';
import { readCubeEnv } from './env';

const usage = 'usage: npm run token -- [--role admin|member] [--sub NAME] [--ttl SECONDS]';

try {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'admin' },
      sub: { type: 'string', default: 'local-admin' },
      ttl: { type: 'string', default: String(DEFAULT_TOKEN_TTL_SECONDS) },
    },
    strict: true,
  });
  const role = securityContextSchema.shape.role.parse(values.role);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0)
    throw new Error(`--ttl must be a positive whole number of seconds`);
  console.log(signCubeToken(readCubeEnv().apiSecret, { sub: values.sub, role }, ttl));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exit(2);
}
