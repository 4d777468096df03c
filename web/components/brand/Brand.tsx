import styles from './Brand.module.css';

/** The product mark and name: a link in the admin top bar, a heading-sized label on sign-in. */
export function Brand(props: { href?: string; large?: boolean }) {
  const content = (
    <>
      <span className={styles.mark} aria-hidden="true" />
      <span>Admin</span>
    </>
  );
  if (props.href)
    return (
      <a className={`${styles.brand} ${styles.grow}`} href={props.href}>
        {content}
      </a>
    );
  return <div className={`${styles.brand} ${props.large ? styles.large : ''}`}>{content}</div>;
}
