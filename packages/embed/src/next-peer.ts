/**
 * The Next.js half of the peer check (see peers.ts), in the server entry only: Next exposes its
 * version to code it compiles nowhere but its package.json, which the browser need not download.
 */
import nextPackage from 'next/package.json' with { type: 'json' };
import { checkPeer } from './peers';

checkPeer('next', nextPackage.version);
