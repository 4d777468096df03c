import { AdminAnalytics } from '@admin-analytics/embed/server';
import jwt from 'jsonwebtoken';
import { analyticsConfig } from '../../../lib/analytics';

/**
 * What a host sees when it gets the embed's configuration wrong (the e2e visits each): the
 * tab's one message, inside Acme's page. `?fault=no-url|throws|garbage|expired|no-provider`.
 */
const FAULTS = {
  'no-url': () => ({ ...analyticsConfig(), cubeApiUrl: '' }),
  'no-provider': () => ({ cubeApiUrl: analyticsConfig().cubeApiUrl }),
  throws: () => ({
    ...analyticsConfig(),
    getToken: async () => {
      throw new Error('Acme session store is unreachable');
    },
  }),
  garbage: () => ({ ...analyticsConfig(), getToken: async () => ({ jwt: 'not-the-contract' }) }),
  expired: () => ({
    ...analyticsConfig(),
    getToken: async () => {
      const exp = Math.floor(Date.now() / 1000) - 60;
      const claims = { sub: 'acme:old', role: 'admin', iat: exp - 600, exp };
      return {
        token: jwt.sign(claims, process.env.CUBEJS_API_SECRET ?? 'unset'),
        expiresAt: new Date(exp * 1000).toISOString(),
      };
    },
  }),
} as const;

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function Misconfigured(props: { searchParams: Search }) {
  const fault = (await props.searchParams).fault;
  const make = FAULTS[fault as keyof typeof FAULTS] ?? FAULTS['no-url'];
  return (
    <div>
      <p data-testid="acme-alive">Acme page content above the tab</p>
      <AdminAnalytics config={make()} />
    </div>
  );
}
