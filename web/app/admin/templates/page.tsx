import type { Metadata } from 'next';
import { Placeholder } from '../Placeholder';

export const metadata: Metadata = { title: 'Templates · Admin' };

export default function TemplatesPage() {
  return <Placeholder title="Templates" description="Manage the template library." />;
}
