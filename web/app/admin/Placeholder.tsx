import Link from 'next/link';

/** A tab that exists in the navigation but is not part of Phase 1. */
export function Placeholder(props: { title: string; description: string }) {
  return (
    <div className="dashboard">
      <div className="page-header">
        <div>
          <h1 className="page-title">{props.title}</h1>
          <p className="page-subtitle">{props.description}</p>
        </div>
      </div>
      <section className="widget placeholder" data-testid="placeholder">
        <p className="placeholder__title">Coming later</p>
        <p className="placeholder__text">
          This section is not part of the Phase 1 analytics release. The numbers live in the{' '}
          <Link href="/admin/analytics">Analytics</Link> tab.
        </p>
      </section>
    </div>
  );
}
