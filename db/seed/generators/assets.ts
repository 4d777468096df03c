import type { SeedContext } from '../context';
import { newId } from '../context';
import { logNormal, Weighted } from '../distributions';
import { ASSET_KINDS, ASSET_NAMES, CONTEXT_KEYS, PREFERENCE_KEYS } from '../vocabulary';

// Project memory: uploaded assets (a user's logo or b-roll is often reused in their other
// projects: the same url in several projects), style preferences and project context.

type AssetKind = (typeof ASSET_KINDS)[number];

export class ProjectMemory {
  private readonly kinds = new Weighted(ASSET_KINDS.map((k) => [k, k.weight] as const));
  // Uploaded assets, as a linked list per user (newest first).
  private readonly latestAsset: number[] = [];
  private readonly assetPrev: number[] = [];
  private readonly assetProject: number[] = [];
  private readonly assetValue: string[] = [];
  private readonly assetFile: string[] = [];

  constructor(private readonly ctx: SeedContext) {}

  private write(
    projectId: string,
    userId: string,
    type: 'uploaded_asset' | 'preference' | 'context',
    key: string,
    value: string,
    at: number,
  ): void {
    const id = newId(this.ctx, 'project_memory');
    this.ctx.out.project_memory
      .row()
      .text(id)
      .text(projectId)
      .text(userId)
      .text(type)
      .text(key)
      .jsonb(value)
      .timestamp(at);
  }

  /** An upload into a project: a new file, or one the user already used in another project. */
  upload(user: number, project: number, userId: string, projectId: string, at: number): void {
    const { rng } = this.ctx;
    let reuse = -1;
    if (rng.chance(0.35)) {
      for (let a = this.latestAsset[user] ?? -1, hops = 0; a >= 0 && hops < 6; hops++) {
        if (this.assetProject[a] !== project) {
          reuse = a;
          if (rng.chance(0.5)) break;
        }
        a = this.assetPrev[a] ?? -1;
      }
    }
    if (reuse < 0) {
      const kind: AssetKind = this.kinds.sample(rng);
      const asset = this.assetValue.length;
      const file = `${rng.pick(ASSET_NAMES)}-${rng.int(1, 99)}.${kind.ext}`;
      const url = `https://cdn.example.com/u/${userId.slice(0, 8)}/${newId(this.ctx, 'assets')}.${kind.ext}`;
      const size = Math.round(logNormal(rng, kind.medianBytes, 0.8));
      this.assetValue.push(
        `{"url": "${url}", "file_name": "${file}", "asset_type": "${kind.type}", "size_bytes": ${size}}`,
      );
      this.assetFile.push(file);
      this.assetProject.push(project);
      this.assetPrev.push(this.latestAsset[user] ?? -1);
      this.latestAsset[user] = asset;
      reuse = asset;
    }
    this.write(
      projectId,
      userId,
      'uploaded_asset',
      `asset:${this.assetFile[reuse]}`,
      this.assetValue[reuse] ?? '{}',
      at,
    );
  }

  preference(userId: string, projectId: string, at: number): void {
    const { rng } = this.ctx;
    const [key, values] = rng.pick(PREFERENCE_KEYS);
    this.write(projectId, userId, 'preference', key, `{"value": "${rng.pick(values)}"}`, at);
  }

  context(userId: string, projectId: string, at: number): void {
    const { rng } = this.ctx;
    const [key, values] = rng.pick(CONTEXT_KEYS);
    this.write(projectId, userId, 'context', key, `{"value": "${rng.pick(values)}"}`, at);
  }
}
