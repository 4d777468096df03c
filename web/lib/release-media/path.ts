/** Where the app serves the demo's release media; the seed stores URLs under it. */
export const RELEASE_MEDIA_PATH = '/release-media';
