import { connection } from 'next/server';

/** Liveness probe for the launcher (`npm start` waits for 200 here). */
export async function GET() {
  await connection();
  return Response.json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } });
}
