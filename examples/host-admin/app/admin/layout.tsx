import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { currentHostUser } from '../../lib/fake-host-auth';

/** The host's own refusal: no Acme session, no admin pages. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  if (!(await currentHostUser())) redirect('/sign-in');
  return children;
}
