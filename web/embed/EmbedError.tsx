import styles from './EmbedError.module.css';

/** The tab's one message for a host's configuration or token problem; the host page lives on. */
export function EmbedError(props: { message: string }) {
  return (
    <div className={styles.error} role="alert" data-testid="embed-error">
      <h2 className={styles.title}>Analytics cannot load</h2>
      <p>{props.message}</p>
    </div>
  );
}
