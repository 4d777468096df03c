import type { Metadata, Viewport } from 'next';
import '../embed/theme.css';
import './globals.css';

export const metadata: Metadata = {
  title: 'Admin',
  description: 'Admin area: analytics on the Cube semantic layer',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f6f7f9' },
    { media: '(prefers-color-scheme: dark)', color: '#0d0f14' },
  ],
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
