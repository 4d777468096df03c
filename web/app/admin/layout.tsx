import Link from 'next/link';
import type { ReactNode } from 'react';
import { Brand } from '../../components/brand/Brand';
import { requireSession } from '../../lib/auth/server';
import { signOut } from '../sign-in/actions';
import { AdminNav } from './AdminNav';
import styles from './layout.module.css';

/** The admin shell: brand, tab navigation, the signed-in user. Requires a session. */
export default async function AdminLayout(props: { children: ReactNode }) {
  const session = await requireSession('/admin/analytics');
  return (
    <div className={styles.shell}>
      <header className={styles.topbar}>
        <div className={styles.inner}>
          <Brand href="/admin/analytics" />
          <AdminNav />
          {session.role === 'admin' ? (
            <Link href="/admin/mcp" className={styles.mcpLink} data-testid="link-mcp">
              Connect an AI assistant
            </Link>
          ) : null}
          <div className={styles.user} data-testid="current-user" data-role={session.role}>
            <span className={styles.avatar} aria-hidden="true">
              {session.name.charAt(0).toUpperCase()}
            </span>
            <span className={styles.text}>
              <span className={styles.email}>{session.sub}</span>
              <span className={`${styles.role} ${session.role === 'admin' ? styles.admin : ''}`}>
                {session.role}
              </span>
            </span>
            <form action={signOut}>
              <button type="submit" className="button button--ghost button--small">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className={styles.content}>{props.children}</main>
    </div>
  );
}
