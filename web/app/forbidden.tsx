import Link from 'next/link';
import styles from './status-page.module.css';

/** 403 outside the admin shell (the admin area has its own, inside its layout). */
export default function Forbidden() {
  return (
    <main className={styles.page} data-testid="forbidden">
      <p className={styles.code}>403</p>
      <h1 className={styles.title}>Admins only</h1>
      <p className={styles.text}>Your account doesn’t have access to this page.</p>
      <Link className="button" href="/sign-in">
        Switch account
      </Link>
    </main>
  );
}
