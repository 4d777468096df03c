import { describe, expect, test } from 'vitest';
import { demoMediaResponse, demoMediaSvg } from '../../web/lib/demo-media';

describe('the demo app serves the seeded catalogue its images', () => {
  test('a seeded name gets a small SVG, the same every time, different between names', async () => {
    const a = demoMediaSvg('templates', 'tpl_0001.svg');
    expect(a).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="64" height="64"/);
    expect(demoMediaSvg('templates', 'tpl_0001.svg')).toBe(a);
    expect(demoMediaSvg('templates', 'tpl_0002.svg')).not.toBe(a);
    const response = demoMediaResponse('changelog', 'v1-2-0.svg');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(await response.text()).toContain('<svg');
  });

  test.each([
    ['users', 'a.svg'],
    ['templates', '../secrets.svg'],
    ['templates', 'a.png'],
    ['templates', `${'a'.repeat(81)}.svg`],
    ['templates', 'a b.svg'],
  ])('%s/%s is not a demo image: 404', async (kind, name) => {
    expect(demoMediaSvg(kind, name)).toBeNull();
    expect(demoMediaResponse(kind, name).status).toBe(404);
  });
});
