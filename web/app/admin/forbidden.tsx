import { signOut } from '../sign-in/actions';

/** 403 inside the admin shell: signed in, but not an admin. */
export default function AdminForbidden() {
  return (
    <div className="status-page status-page--inline" data-testid="forbidden">
      <p className="status-page__code">403</p>
      <h1 className="status-page__title">Admins only</h1>
      <p className="status-page__text">
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
