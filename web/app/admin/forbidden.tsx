import { signOut } from '../sign-in/actions';
import styles from '../status-page.module.css';

/** 403 inside the admin shell: signed in, but not an admin. */
export default function AdminForbidden() {
  return (
    <div className={`${styles.page} ${styles.inline}`} data-testid="forbidden">
      <p className={styles.code}>403</p>
      <h1 className={styles.title}>Admins only</h1>
      <p className={styles.text}>
        Analytics is available to accounts with the <strong>admin</strong> role. Your account
        doesn’t have it.
      </p>
      <form action={signOut}>
        <button type="submit" className="button button--primary">
          Sign in with another account
        </button>
      </form>
    </div>
  );
}
