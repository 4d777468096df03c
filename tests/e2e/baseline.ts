/**
 * Screenshots against the committed baselines in tests/e2e/baselines/ (pixelmatch). A mismatch
 * leaves the actual image and a diff image under .data/visual/ and is reported with its share of
 * differing pixels; `UPDATE_SCREENSHOTS=1` writes the baselines instead (only those that differ,
 * so unchanged images keep their bytes).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BASELINES_DIR = path.join(ROOT, 'tests', 'e2e', 'baselines');
const OUT_DIR = path.join(ROOT, '.data', 'visual');
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';

/**
 * pixelmatch's colour distance per pixel (0–1) above which a pixel differs; anti-aliased pixels
 * are not counted. A chart drawn twice, a missing image or a moved label changes far more than
 * MAX_DIFF_SHARE of the pixels; text rendering noise between runs changes none.
 */
const PIXEL_THRESHOLD = 0.1;
const MAX_DIFF_SHARE = 0.001;

export type BaselineCheck = {
  name: string;
  /** Differing pixels / all pixels (null: sizes differ or no baseline). */
  diffShare: number | null;
  /** Why it does not match (files named), or null. */
  problem: string | null;
};

const percent = (share: number) => `${(share * 100).toFixed(3)} %`;

export async function checkBaseline(name: string, png: Buffer): Promise<BaselineCheck> {
  const baselineFile = path.join(BASELINES_DIR, `${name}.png`);
  const actualFile = path.join(OUT_DIR, `${name}.actual.png`);
  const diffFile = path.join(OUT_DIR, `${name}.diff.png`);
  await fs.rm(actualFile, { force: true });
  await fs.rm(diffFile, { force: true });
  const baselineBytes = await fs.readFile(baselineFile).catch(() => null);
  const actual = PNG.sync.read(png);
  let diffShare: number | null = null;
  let problem: string | null = null;
  if (!baselineBytes) {
    problem = `no baseline ${path.relative(ROOT, baselineFile)}`;
  } else {
    const baseline = PNG.sync.read(baselineBytes);
    if (baseline.width !== actual.width || baseline.height !== actual.height) {
      problem = `size ${actual.width}×${actual.height}, baseline ${baseline.width}×${baseline.height}`;
    } else {
      const diff = new PNG({ width: actual.width, height: actual.height });
      const differing = pixelmatch(
        baseline.data,
        actual.data,
        diff.data,
        actual.width,
        actual.height,
        { threshold: PIXEL_THRESHOLD },
      );
      diffShare = differing / (actual.width * actual.height);
      if (diffShare > MAX_DIFF_SHARE) {
        problem = `${differing} pixels (${percent(diffShare)}) differ, more than ${percent(MAX_DIFF_SHARE)}`;
        if (!UPDATE) {
          await fs.mkdir(OUT_DIR, { recursive: true });
          await fs.writeFile(diffFile, PNG.sync.write(diff));
        }
      }
    }
  }
  if (problem === null) return { name, diffShare, problem };
  if (UPDATE) {
    await fs.mkdir(BASELINES_DIR, { recursive: true });
    await fs.writeFile(baselineFile, png);
    console.log(`[visual] baseline ${name}.png written (${problem})`);
    return { name, diffShare, problem: null };
  }
  await fs.mkdir(OUT_DIR, { recursive: true });
  await fs.writeFile(actualFile, png);
  const files = [actualFile, ...(diffShare === null ? [] : [diffFile])]
    .map((f) => path.relative(ROOT, f))
    .join(' and ');
  return {
    name,
    diffShare,
    problem: `${name}: ${problem}; see ${files} (UPDATE_SCREENSHOTS=1 accepts it as the baseline)`,
  };
}

/** The baselines on disk, by name. */
export async function baselineNames(): Promise<string[]> {
  const files = await fs.readdir(BASELINES_DIR).catch(() => []);
  return files.filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -'.png'.length));
}
