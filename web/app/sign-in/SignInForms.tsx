'use client';

import { useActionState } from 'react';
import { type SignInState, signInAsDemo, signInWithPassword } from './actions';
import styles from './signin.module.css';

const initial: SignInState = { error: null };

export function DemoSignIn(props: { next: string; adminEmail: string; memberEmail: string }) {
  const [state, action, pending] = useActionState(signInAsDemo, initial);
  return (
    <form action={action} className={styles.form}>
      <input type="hidden" name="next" value={props.next} />
      <button
        type="submit"
        name="account"
        value="admin"
        className="button button--primary button--block"
        disabled={pending}
        data-testid="demo-sign-in-admin"
      >
        Sign in as demo admin
        <span className="button__hint">{props.adminEmail}</span>
      </button>
      <button
        type="submit"
        name="account"
        value="member"
        className="button button--block"
        disabled={pending}
        data-testid="demo-sign-in-member"
      >
        Sign in as demo member
        <span className="button__hint">{props.memberEmail} · not an admin</span>
      </button>
      {state.error ? (
        <p className={styles.error} role="alert">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}

export function PasswordSignIn(props: { next: string; defaultEmail: string }) {
  const [state, action, pending] = useActionState(signInWithPassword, initial);
  return (
    <form action={action} className={styles.form} data-testid="password-sign-in">
      <input type="hidden" name="next" value={props.next} />
      <label className={styles.field}>
        <span className={styles.label}>Email</span>
        <input
          className={styles.input}
          type="email"
          name="email"
          autoComplete="username"
          defaultValue={props.defaultEmail}
          required
        />
      </label>
      <label className={styles.field}>
        <span className={styles.label}>Password</span>
        <input
          className={styles.input}
          type="password"
          name="password"
          autoComplete="current-password"
          required
        />
      </label>
      <button type="submit" className="button button--primary button--block" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      {state.error ? (
        <p className={styles.error} role="alert">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
