import type { ReactNode } from 'react';
import { requireSession } from '../../lib/auth/server';
import { signOut } from '../sign-in/actions';
import { AdminNav } from './AdminNav';

/** The admin shell: brand, tab navigation, the signed-in user. Requires a session. */
export default async function AdminLayout(props: { children: ReactNode }) {
  const session = await requireSession('/admin/analytics');
  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar__inner">
          <a className="brand" href="/admin/analytics">
            <span className="brand__mark" aria-hidden="true" />
            <span>Admin</span>
          </a>
          <AdminNav />
          <div className="user" data-testid="current-user" data-role={session.role}>
            <span className="user__avatar" aria-hidden="true">
              {session.name.charAt(0).toUpperCase()}
            </span>
            <span className="user__text">
              <span className="user__email">{session.sub}</span>
              <span className={`role role--${session.role}`}>{session.role}</span>
            </span>
            <form action={signOut}>
              <button type="submit" className="button button--ghost button--small">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="content">{props.children}</main>
    </div>
  );
}
