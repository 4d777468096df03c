import Link from 'next/link';
import styles from './status-page.module.css';

export default function NotFound() {
  return (
    <main className={styles.page}>
      <p className={styles.code}>404</p>
      <h1 className={styles.title}>Page not found</h1>
      <p className={styles.text}>There is nothing at this address.</p>
      <Link className="button button--primary" href="/admin/analytics">
        Go to Analytics
      </Link>
    </main>
  );
}
