'use client';

export default function RouteError(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="status-page" role="alert">
      <p className="status-page__code">Error</p>
      <h1 className="status-page__title">Something went wrong</h1>
      <p className="status-page__text">{props.error.message || 'Unexpected error.'}</p>
      <button type="button" className="button button--primary" onClick={props.reset}>
        Try again
      </button>
    </main>
  );
}
