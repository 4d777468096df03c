import { loadNative } from './cube-modules';

export type NativeProbe = { loads: true } | { loads: false; reason: string };

/**
 * Whether Cube's Rust module (`@cubejs-backend/native`) is usable here. Its postinstall downloads
 * `index.node` from GitHub releases and swallows the failure, so the only honest test is to load it.
 * `CUBE_ENGINE=native-free` forces the JS engine even where the module loads (tests of this engine).
 */
export function probeNativeModule(env: NodeJS.ProcessEnv = process.env): NativeProbe {
  if (env.CUBE_ENGINE === 'native-free') {
    return { loads: false, reason: 'CUBE_ENGINE=native-free was set' };
  }
  try {
    loadNative();
    return { loads: true };
  } catch (error) {
    return { loads: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
