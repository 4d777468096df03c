import type { Metadata } from 'next';
import { Placeholder } from '../Placeholder';

export const metadata: Metadata = { title: 'Users · Admin' };

export default function UsersPage() {
  return <Placeholder title="Users" description="Accounts, roles and credits." />;
}
