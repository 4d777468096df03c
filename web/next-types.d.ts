// Next's ambient types (CSS imports, images) without depending on the generated,
// git-ignored next-env.d.ts, so `tsc -p web/tsconfig.json` works on a fresh checkout.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
