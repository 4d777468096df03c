import Link from 'next/link';
import panel from '../../components/panel/WidgetPanel.module.css';
import styles from './Placeholder.module.css';
import page from './page.module.css';

/** A tab that exists in the navigation but is not part of Phase 1. */
export function Placeholder(props: { title: string; description: string }) {
  return (
    <div className={page.page}>
      <div className={page.header}>
        <div>
          <h1 className={page.title}>{props.title}</h1>
          <p className={page.subtitle}>{props.description}</p>
        </div>
      </div>
      <section className={`${panel.widget} ${styles.placeholder}`} data-testid="placeholder">
        <p className={styles.title}>Coming later</p>
        <p className={styles.text}>
          This section is not part of the Phase 1 analytics release. The numbers live in the{' '}
          <Link href="/admin/analytics">Analytics</Link> tab.
        </p>
      </section>
    </div>
  );
}
