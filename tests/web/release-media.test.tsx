/**
 * Inline release media: the detail's thumbnail and video (lazy, with placeholders for missing or
 * broken URLs and a note that there are no captions), the files the app serves for the demo's
 * releases, and the Content-Security-Policy's media hosts.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { ReleaseMedia } from '../../web/embed/tab/sections/ReleaseMedia';
import { ConfigError, releaseMediaHosts } from '../../web/lib/env';
import { RELEASE_MEDIA_PATH, releaseMediaFile } from '../../web/lib/release-media/media';
import { contentSecurityPolicy } from '../../web/lib/security-headers';

const release = {
  version: '1.4.0',
  title: 'Faster exports',
  videoUrl: `${RELEASE_MEDIA_PATH}/v1-4-0.webm`,
  thumbnailUrl: `${RELEASE_MEDIA_PATH}/v1-4-0.svg`,
};

describe('ReleaseMedia', () => {
  afterEach(cleanup);

  test('shows the thumbnail with alt text and a video that loads nothing before it is played', () => {
    render(<ReleaseMedia release={release} />);
    const img = screen.getByTestId('release-thumbnail');
    expect(img.getAttribute('alt')).toBe('Thumbnail of release 1.4.0');
    expect(img.getAttribute('src')).toBe(release.thumbnailUrl);
    const video = screen.getByTestId('release-video');
    expect(video.getAttribute('preload')).toBe('none');
    expect(video.getAttribute('poster')).toBe(release.thumbnailUrl);
    expect(video.hasAttribute('controls')).toBe(true);
    expect(video.getAttribute('aria-label')).toBe('Video of release 1.4.0');
    const note = document.getElementById(String(video.getAttribute('aria-describedby')));
    expect(note?.textContent).toBe('Video (no captions available)');
  });

  test('missing URLs show placeholders saying so', () => {
    render(<ReleaseMedia release={{ ...release, videoUrl: null, thumbnailUrl: null }} />);
    expect(screen.getByTestId('release-thumbnail-placeholder').textContent).toBe('No thumbnail');
    expect(screen.getByTestId('release-video-placeholder').textContent).toBe('No video');
    expect(screen.queryByTestId('release-video')).toBeNull();
  });

  test('a URL that fails to load turns into a placeholder', () => {
    render(<ReleaseMedia release={release} />);
    fireEvent.error(screen.getByTestId('release-thumbnail'));
    fireEvent.error(screen.getByTestId('release-video'));
    expect(screen.getByTestId('release-thumbnail-placeholder').textContent).toBe(
      'Thumbnail could not be loaded',
    );
    expect(screen.getByTestId('release-video-placeholder').textContent).toBe(
      'Video could not be loaded',
    );
  });
});

describe('the demo media the app serves', () => {
  test('a release video is a WebM file', () => {
    const file = releaseMediaFile('v1-4-0.webm');
    expect(file?.contentType).toBe('video/webm');
    // The EBML magic number every WebM file starts with.
    expect([...(file?.body.slice(0, 4) ?? [])]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    // A whole file, not a header alone: the EBML header names the WebM doc type, and the
    // Segment (0x18538067) that holds the frames follows it.
    const bytes = [...(file?.body ?? [])];
    const text = new TextDecoder('latin1').decode(file?.body.slice(0, 64));
    expect(text).toContain('webm');
    const segment = bytes.findIndex(
      (b, i) =>
        b === 0x18 && bytes[i + 1] === 0x53 && bytes[i + 2] === 0x80 && bytes[i + 3] === 0x67,
    );
    expect(segment).toBeGreaterThan(4);
    expect(bytes.length - segment).toBeGreaterThan(100);
  });

  test('a release thumbnail is an SVG naming its version', () => {
    const file = releaseMediaFile('v1-12-3.svg');
    expect(file?.contentType).toBe('image/svg+xml');
    expect(new TextDecoder().decode(file?.body)).toContain('Release 1.12.3');
  });

  test.each(['v1-4-0.mp4', '../secrets.json', 'v1-4-0.svg.js', 'x.webm', ''])(
    '%j is not a demo media file',
    (name) => {
      expect(releaseMediaFile(name)).toBeNull();
    },
  );
});

describe('Content-Security-Policy media hosts', () => {
  const env = { CUBE_API_URL: 'http://localhost:4000/cubejs-api/v1' };

  test('by default media plays only from the app itself', () => {
    expect(contentSecurityPolicy(env)).toContain("media-src 'self';");
  });

  test('RELEASE_MEDIA_HOSTS adds its origins', () => {
    expect(
      contentSecurityPolicy({
        ...env,
        RELEASE_MEDIA_HOSTS: 'https://media.example.com, http://localhost:9000/',
      }),
    ).toContain("media-src 'self' https://media.example.com http://localhost:9000;");
  });

  test.each([
    'media.example.com',
    'https://media.example.com/videos',
    "'unsafe-inline'",
    'ftp://x',
  ])('refuses %j (not an origin)', (host) => {
    expect(() => releaseMediaHosts({ RELEASE_MEDIA_HOSTS: host })).toThrow(ConfigError);
  });
});
