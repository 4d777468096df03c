import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { HOST_SESSION_COOKIE, sessionCookieValue } from '../../lib/fake-host-auth';

async function signIn(form: FormData) {
  'use server';
  const email = String(form.get('email') ?? '').trim();
  if (!email) redirect('/sign-in');
  (await cookies()).set(HOST_SESSION_COOKIE, sessionCookieValue(email), {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
  });
  redirect('/admin/analytics');
}

/** The host's stub sign-in (see lib/fake-host-auth.ts). */
export default function SignIn() {
  return (
    <form action={signIn} data-testid="acme-sign-in">
      <h1>Sign in to Acme</h1>
      <input name="email" type="email" defaultValue="ops@acme.test" aria-label="Email" />
      <button type="submit">Sign in</button>
    </form>
  );
}
