import type { Metadata } from 'next';
import Link from 'next/link';
import { Brand } from '../../components/brand/Brand';
import { accounts } from '../../lib/auth/accounts';
import { getSession } from '../../lib/auth/server';
import { safeReturnPath } from '../../lib/auth/session';
import { demoLoginEnabled } from '../../lib/env';
import type { SearchParamsProps } from '../../lib/routing';
import { signOut } from './actions';
import { DemoSignIn, PasswordSignIn } from './SignInForms';
import styles from './signin.module.css';

export const metadata: Metadata = { title: 'Sign in · Admin' };

export default async function SignInPage(props: SearchParamsProps) {
  const search = await props.searchParams;
  const next = safeReturnPath(typeof search.next === 'string' ? search.next : undefined);
  const session = await getSession();
  const all = accounts();
  const admin = all.find((a) => a.role === 'admin');
  const member = all.find((a) => a.role !== 'admin');
  const demo = demoLoginEnabled();
  const passwordAccounts = all.filter((a) => a.password !== null);

  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <Brand large />
        <h1 className={styles.title}>Sign in</h1>
        {session ? (
          <div className={styles.current}>
            <p>
              Signed in as <strong>{session.sub}</strong> ({session.role}).
            </p>
            <div className={styles.row}>
              <Link className="button button--primary" href={next}>
                Continue
              </Link>
              <form action={signOut}>
                <button type="submit" className="button">
                  Sign out
                </button>
              </form>
            </div>
          </div>
        ) : null}
        {demo && admin && member ? (
          <>
            <p className={styles.lead}>Demo mode: pick an account, no password needed.</p>
            <DemoSignIn next={next} adminEmail={admin.email} memberEmail={member.email} />
          </>
        ) : null}
        {passwordAccounts.length > 0 ? (
          <>
            {demo ? <div className={styles.divider}>or with a password</div> : null}
            <PasswordSignIn next={next} defaultEmail={passwordAccounts[0]?.email ?? ''} />
          </>
        ) : null}
        {!demo && passwordAccounts.length === 0 ? (
          <p className="notice" role="status">
            No sign-in method is configured. Set <code>DEMO_LOGIN=1</code> for one-click demo
            accounts, or <code>ADMIN_EMAIL</code> and <code>ADMIN_PASSWORD</code>.
          </p>
        ) : null}
      </div>
    </main>
  );
}
