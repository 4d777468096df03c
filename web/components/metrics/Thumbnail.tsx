'use client';

import { useCallback, useState } from 'react';
import styles from './Thumbnail.module.css';

const HUES = [231, 199, 160, 142, 38, 14, 340, 280];

function hueFor(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return HUES[h % HUES.length] ?? 231;
}

/** A tiny square image; a tinted monogram when the URL is missing or fails to load. */
export function Thumbnail(props: { src: string | null; name: string; size?: number }) {
  const [failed, setFailed] = useState(false);
  // An image in the server's HTML can fail before React hydrates it, when no onError listens
  // yet: a broken image is complete with no pixels, so it is caught as soon as React attaches.
  const catchEarlyFailure = useCallback((img: HTMLImageElement | null) => {
    if (img?.complete && img.naturalWidth === 0) setFailed(true);
  }, []);
  const size = props.size ?? 32;
  if (!props.src || failed) {
    const letter = props.name.trim().charAt(0).toUpperCase() || '?';
    return (
      <span
        className={`${styles.thumb} ${styles.placeholder}`}
        data-testid="thumbnail-placeholder"
        style={{ width: size, height: size, ['--thumb-hue' as string]: String(hueFor(props.name)) }}
        aria-hidden="true"
      >
        {letter}
      </span>
    );
  }
  return (
    // biome-ignore lint/performance/noImgElement: tiny remote thumbnails from arbitrary hosts; next/image would need every host configured
    <img
      className={styles.thumb}
      src={props.src}
      alt=""
      width={size}
      height={size}
      decoding="async"
      referrerPolicy="no-referrer"
      ref={catchEarlyFailure}
      onError={() => setFailed(true)}
    />
  );
}
