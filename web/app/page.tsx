import { redirect } from 'next/navigation';
import { getSession } from '../lib/auth/server';

export default async function Home() {
  redirect((await getSession()) ? '/admin/analytics' : '/sign-in');
}
