// Size presets. Every count follows from the signup rate; the rest of the model is shared.

export type ScaleName = 'small' | 'medium' | 'large';

export type ScaleSpec = {
  /** Signups per day at the end of the history (the trend; weekends and noise vary it). */
  signupsPerDay: number;
  /** Templates in the catalogue. */
  templates: number;
};

export const SCALES: Record<ScaleName, ScaleSpec> = {
  small: { signupsPerDay: 2, templates: 40 },
  medium: { signupsPerDay: 30, templates: 80 },
  large: { signupsPerDay: 300, templates: 150 },
};

export const SCALE_NAMES = Object.keys(SCALES) as ScaleName[];

export function isScaleName(value: string): value is ScaleName {
  return Object.hasOwn(SCALES, value);
}
