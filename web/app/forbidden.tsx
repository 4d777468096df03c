import Link from 'next/link';

/** 403 outside the admin shell (the admin area has its own, inside its layout). */
export default function Forbidden() {
  return (
    <main className="status-page" data-testid="forbidden">
      <p className="status-page__code">403</p>
      <h1 className="status-page__title">Admins only</h1>
      <p className="status-page__text">Your account doesn’t have access to this page.</p>
      <Link className="button" href="/sign-in">
        Switch account
      </Link>
    </main>
  );
}
