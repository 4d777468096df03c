import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="status-page">
      <p className="status-page__code">404</p>
      <h1 className="status-page__title">Page not found</h1>
      <p className="status-page__text">There is nothing at this address.</p>
      <Link className="button button--primary" href="/admin/analytics">
        Go to Analytics
      </Link>
    </main>
  );
}
