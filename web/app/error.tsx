'use client';

import styles from './status-page.module.css';

export default function RouteError(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className={styles.page} role="alert">
      <p className={styles.code}>Error</p>
      <h1 className={styles.title}>Something went wrong</h1>
      <p className={styles.text}>{props.error.message || 'Unexpected error.'}</p>
      <button type="button" className="button button--primary" onClick={props.reset}>
        Try again
      </button>
    </main>
  );
}
