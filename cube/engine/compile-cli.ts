/** `npm run cube` compiles Cube's launcher first (see compiled-entry.ts), then runs the output. */
import { compileCubeEntry } from './compiled-entry';

await compileCubeEntry();
