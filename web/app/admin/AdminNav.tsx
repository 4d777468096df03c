'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import styles from './AdminNav.module.css';

export const ADMIN_TABS = [
  { href: '/admin/analytics', label: 'Analytics' },
  { href: '/admin/templates', label: 'Templates' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/settings', label: 'Settings' },
] as const;

export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav className={styles.tabs} aria-label="Admin sections">
      {ADMIN_TABS.map((tab) => {
        const active = pathname === tab.href || pathname.startsWith(`${tab.href}/`);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            className={styles.tab}
            aria-current={active ? 'page' : undefined}
            data-testid={`tab-${tab.label.toLowerCase()}`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
