/**
 * Fails the host's build (Next evaluates the entries while it collects pages) with one message
 * naming this package, the peer and the range, when React or Next.js is outside the ranges in
 * package.json's peerDependencies — rather than an obscure error deep in a hook. npm warns at
 * install time too, but a host may pass --legacy-peer-deps or ignore the warning.
 */
import { version as reactVersion } from 'react';

declare const __EMBED_NAME__: string;
declare const __EMBED_VERSION__: string;
declare const __EMBED_PEERS__: Record<string, string>;

/** Our ranges are whole majors, `>=A <B` (checked by the build), so a major comparison decides. */
function inRange(version: string, range: string): boolean {
  const [, low, high] = /^>=(\d+)(?:\.\d+)*\s+<(\d+)$/.exec(range) ?? [];
  const major = Number(version.split('.')[0]);
  return major >= Number(low) && major < Number(high);
}

export function checkPeer(peer: string, found: string): void {
  const range = __EMBED_PEERS__[peer];
  if (range === undefined || inRange(found, range)) return;
  throw new Error(
    `${__EMBED_NAME__}@${__EMBED_VERSION__} needs ${peer}@"${range}" (its peerDependencies), ` +
      `but this app has ${peer}@${found}. Install a version in that range.`,
  );
}

checkPeer('react', reactVersion);
