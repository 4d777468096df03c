import type { Metadata } from 'next';
import { headers } from 'next/headers';
import panel from '../../../components/panel/WidgetPanel.module.css';
import { requireAdmin } from '../../../lib/auth/server';
import { listMcpTokens, MCP_TOKEN_LIFETIMES_DAYS, mcpTokenFile } from '../../../lib/mcp/tokens';
import page from '../page.module.css';
import { revokeTokenAction } from './actions';
import { ConnectForm } from './ConnectForm';
import styles from './mcp.module.css';

export const metadata: Metadata = { title: 'Connect an AI assistant · Admin' };
export const dynamic = 'force-dynamic';

/** The MCP endpoint as assistants reach it: MCP_PUBLIC_URL, else this request's origin. */
async function mcpUrl(): Promise<string> {
  if (process.env.MCP_PUBLIC_URL) return process.env.MCP_PUBLIC_URL;
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim() ?? 'http';
  return `${proto}://${host}/api/mcp`;
}

function status(r: { expiresAt: string; revokedAt: string | null }, nowMs: number): string {
  if (r.revokedAt) return 'revoked';
  return Date.parse(r.expiresAt) <= nowMs ? 'expired' : 'active';
}

/** Admins only (members get the 403 page): MCP tokens, their configuration, revocation. */
export default async function ConnectAssistantPage() {
  const session = await requireAdmin('/admin/mcp');
  const url = await mcpUrl();
  const tokens = await listMcpTokens(mcpTokenFile(), session.sub);
  const now = Date.now();
  return (
    <div className={page.page}>
      <div className={page.header}>
        <div>
          <h1 className={page.title}>Connect an AI assistant</h1>
          <p className={page.subtitle}>
            Claude, Cursor or VS Code can ask the analytics model the questions of this tab over the
            Model Context Protocol, with your admin access. Endpoint:{' '}
            <code data-testid="mcp-url">{url}</code>
          </p>
        </div>
      </div>
      <section className={`${panel.widget} ${styles.section}`}>
        <ConnectForm url={url} lifetimes={MCP_TOKEN_LIFETIMES_DAYS} />
      </section>
      <section className={`${panel.widget} ${styles.section}`}>
        <h2>Your tokens</h2>
        {tokens.length === 0 ? (
          <p className={styles.muted}>No tokens yet.</p>
        ) : (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Name</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-testid="mcp-token-row" data-token-id={t.id}>
                  <td>{t.label}</td>
                  <td>{new Date(t.createdAt).toUTCString()}</td>
                  <td>{new Date(t.expiresAt).toUTCString()}</td>
                  <td data-testid="mcp-token-status">{status(t, now)}</td>
                  <td>
                    {status(t, now) === 'active' ? (
                      <form action={revokeTokenAction}>
                        <input type="hidden" name="id" value={t.id} />
                        <button
                          type="submit"
                          className="button button--ghost button--small"
                          data-testid="mcp-revoke"
                        >
                          Revoke
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
