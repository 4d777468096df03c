/** The `/api/cube-token` response: a short-lived Cube JWT and where to use it. */
import { z } from 'zod';

export const cubeTokenResponseSchema = z.object({
  token: z.string().min(1).describe('HS256 JWT { sub, role: "admin" } for Cube'),
  apiUrl: z.url().describe('Cube REST base URL, e.g. http://localhost:4000/cubejs-api/v1'),
  expiresAt: z.iso.datetime().describe('ISO instant the token expires'),
});
export type CubeTokenResponse = z.infer<typeof cubeTokenResponseSchema>;

export const CUBE_TOKEN_ENDPOINT = '/api/cube-token';
export const CUBE_TOKEN_TTL_SECONDS = 600;
