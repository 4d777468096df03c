'use client';

import { useActionState } from 'react';
import { type CreateTokenState, createTokenAction } from './actions';
import { assistantConfigs } from './config';
import styles from './mcp.module.css';

const INITIAL: CreateTokenState = { status: 'idle' };

/** Creates a token and shows it once, inside each assistant's configuration. */
export function ConnectForm(props: { url: string; lifetimes: readonly number[] }) {
  const [state, action, pending] = useActionState(createTokenAction, INITIAL);
  return (
    <div className={styles.stack}>
      <form action={action} className={styles.form} data-testid="mcp-create-form">
        <label className={styles.field}>
          <span>Name</span>
          <input name="label" maxLength={80} placeholder="e.g. Claude on my laptop" />
        </label>
        <label className={styles.field}>
          <span>Expires after</span>
          <select name="days" defaultValue="7">
            {props.lifetimes.map((d) => (
              <option key={d} value={d}>
                {d === 1 ? '1 day' : `${d} days`}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" disabled={pending} data-testid="mcp-create">
          Create token
        </button>
      </form>
      {state.status === 'error' ? (
        <p className="notice" role="alert">
          {state.error}
        </p>
      ) : null}
      {state.status === 'created' ? (
        <div className={styles.stack} data-testid="mcp-created">
          <p>
            Your token (shown once; expires {new Date(state.expiresAt).toUTCString()}):{' '}
            <code data-testid="mcp-token" className={styles.token}>
              {state.token}
            </code>
          </p>
          {assistantConfigs(props.url, state.token).map((c) => (
            <div key={c.id} className={styles.config}>
              <p className={styles.configTitle}>
                {c.name} <span className={styles.muted}>— {c.where}</span>
              </p>
              <pre data-testid={`mcp-config-${c.id}`} className={styles.pre}>
                {c.text}
              </pre>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
