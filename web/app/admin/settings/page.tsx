import type { Metadata } from 'next';
import { Placeholder } from '../Placeholder';

export const metadata: Metadata = { title: 'Settings · Admin' };

export default function SettingsPage() {
  return <Placeholder title="Settings" description="Admin preferences and integrations." />;
}
