'use client';

import { useState } from 'react';
import type { Release } from '../../../lib/analytics/sections/releases';
import styles from './ReleaseMedia.module.css';

/**
 * A release's thumbnail and video, inline in its detail. Rendered only while the detail is open,
 * and the video asks for nothing before it is played (`preload="none"`; the thumbnail is its
 * poster), so closed details download no media. A missing or broken URL shows a placeholder
 * saying so. The demo's videos carry no captions track, and the player says that too.
 */
export function ReleaseMedia(props: {
  release: Pick<Release, 'version' | 'title' | 'videoUrl' | 'thumbnailUrl'>;
}) {
  const r = props.release;
  const name = `release ${r.version || r.title || ''}`.trim();
  const [thumbnailBroken, setThumbnailBroken] = useState(false);
  const [videoBroken, setVideoBroken] = useState(false);
  const poster = r.thumbnailUrl && !thumbnailBroken ? r.thumbnailUrl : undefined;
  return (
    <div className={styles.media} data-testid="release-media">
      <figure className={styles.item}>
        {r.thumbnailUrl && !thumbnailBroken ? (
          // biome-ignore lint/performance/noImgElement: a release's own thumbnail from the configured media hosts; next/image would proxy it through the app
          <img
            className={styles.frame}
            src={r.thumbnailUrl}
            alt={`Thumbnail of ${name}`}
            width={320}
            height={180}
            loading="lazy"
            onError={() => setThumbnailBroken(true)}
            data-testid="release-thumbnail"
          />
        ) : (
          <Placeholder testId="release-thumbnail-placeholder">
            {r.thumbnailUrl ? 'Thumbnail could not be loaded' : 'No thumbnail'}
          </Placeholder>
        )}
        <figcaption className={styles.caption}>Thumbnail</figcaption>
      </figure>
      <figure className={styles.item}>
        {r.videoUrl && !videoBroken ? (
          // biome-ignore lint/a11y/useMediaCaption: the demo's videos have no captions track; the caption below says so.
          <video
            className={styles.frame}
            src={r.videoUrl}
            poster={poster}
            controls
            preload="none"
            width={320}
            height={180}
            aria-label={`Video of ${name}`}
            aria-describedby={`release-video-note-${r.version}`}
            onError={() => setVideoBroken(true)}
            data-testid="release-video"
          />
        ) : (
          <Placeholder testId="release-video-placeholder">
            {r.videoUrl ? 'Video could not be loaded' : 'No video'}
          </Placeholder>
        )}
        <figcaption className={styles.caption} id={`release-video-note-${r.version}`}>
          {r.videoUrl && !videoBroken ? 'Video (no captions available)' : 'Video'}
        </figcaption>
      </figure>
    </div>
  );
}

function Placeholder(props: { testId: string; children: string }) {
  return (
    <div
      className={styles.placeholder}
      role="img"
      aria-label={props.children}
      data-testid={props.testId}
    >
      {props.children}
    </div>
  );
}
