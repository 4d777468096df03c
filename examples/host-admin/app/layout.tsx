import type { ReactNode } from 'react';
import '@admin-analytics/embed/theme.css';
import styles from './layout.module.css';

export const metadata = { title: 'Acme Admin' };

/** The host's own frame: its header and navigation; the analytics tab is one page in it. */
export default function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className={styles.body}>
        <header className={styles.header} data-testid="acme-header">
          <strong>Acme Admin</strong>
          <nav>
            <a href="/admin/analytics">Analytics</a>
          </nav>
        </header>
        <main className={styles.main}>{children}</main>
      </body>
    </html>
  );
}
