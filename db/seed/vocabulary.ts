// Words and catalogues the demo data is made of. Plain ASCII, no tabs or backslashes.

export const FIRST_NAMES = [
  'alex',
  'sam',
  'jordan',
  'taylor',
  'morgan',
  'casey',
  'riley',
  'jamie',
  'avery',
  'quinn',
  'maria',
  'lucas',
  'sofia',
  'liam',
  'emma',
  'noah',
  'mia',
  'leo',
  'yuki',
  'arjun',
  'priya',
  'chen',
  'fatima',
  'omar',
  'ines',
  'nina',
  'tomas',
  'elena',
  'kofi',
  'ana',
  'ivan',
  'sara',
] as const;

export const LAST_NAMES = [
  'smith',
  'garcia',
  'muller',
  'rossi',
  'kim',
  'nguyen',
  'silva',
  'kowalski',
  'johnson',
  'tanaka',
  'patel',
  'dubois',
  'jensen',
  'novak',
  'costa',
  'brown',
  'lee',
  'martin',
  'schmidt',
  'walker',
] as const;

export const EMAIL_DOMAINS = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'outlook.com',
  'yahoo.com',
  'icloud.com',
  'proton.me',
  'studio.io',
  'agency.co',
  'brandlab.com',
  'school.edu',
] as const;

export const PROJECT_ADJECTIVES = [
  'Spring',
  'Summer',
  'Holiday',
  'Launch',
  'Quarterly',
  'Weekly',
  'Bold',
  'Minimal',
  'Retro',
  'Neon',
  'Friendly',
  'Cinematic',
  'Quick',
  'Animated',
  'Product',
  'Brand',
] as const;

export const PROJECT_NOUNS = [
  'Promo',
  'Teaser',
  'Explainer',
  'Recap',
  'Tutorial',
  'Announcement',
  'Story',
  'Reel',
  'Ad',
  'Intro',
  'Demo',
  'Update',
  'Pitch',
  'Highlights',
  'Walkthrough',
  'Trailer',
] as const;

export const SCENE_NAMES = [
  'Intro',
  'Title card',
  'Hook',
  'Problem',
  'Solution',
  'Product shot',
  'Feature tour',
  'Testimonial',
  'Pricing',
  'Call to action',
  'Outro',
  'Logo reveal',
  'Transition',
  'Chart',
  'Lower third',
  'Credits',
] as const;

export const TEMPLATE_CATEGORIES = [
  'marketing',
  'social',
  'education',
  'product',
  'intro',
  'explainer',
  'testimonial',
  'event',
] as const;

export const TEMPLATE_STYLES = [
  'Clean',
  'Bold',
  'Corporate',
  'Playful',
  'Minimal',
  'Glitch',
  'Neon',
  'Paper',
  'Kinetic',
  'Gradient',
  'Retro',
  'Elegant',
  'Sketch',
  'Isometric',
  'Split-screen',
  'Typewriter',
] as const;

export const TEMPLATE_SUBJECTS = [
  'Product Launch',
  'Logo Sting',
  'Instagram Story',
  'YouTube Intro',
  'Course Lesson',
  'Feature Highlight',
  'Customer Quote',
  'Event Countdown',
  'Sale Announcement',
  'App Demo',
  'Data Story',
  'Podcast Clip',
  'Team Intro',
  'How-To',
  'Year in Review',
  'Webinar Promo',
  'Recipe Card',
  'Real Estate Tour',
  'Job Post',
  'Quote Card',
] as const;

export const CREDIT_PACKAGES = [
  { id: 'starter_100', credits: 100, priceCents: 999, weight: 0.52 },
  { id: 'creator_500', credits: 500, priceCents: 3_999, weight: 0.34 },
  { id: 'studio_2000', credits: 2_000, priceCents: 12_999, weight: 0.14 },
] as const;

export type CreditPackage = (typeof CREDIT_PACKAGES)[number];

/** LLM models: provider, when they were available (fraction of history), traffic weight. */
export const MODELS = [
  {
    provider: 'anthropic',
    model: 'claude-3-5-sonnet',
    from: 0,
    to: 0.55,
    weight: 0.4,
    latency: 1.0,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4',
    from: 0.5,
    to: 1,
    weight: 0.42,
    latency: 1.05,
  },
  { provider: 'anthropic', model: 'claude-3-5-haiku', from: 0, to: 1, weight: 0.1, latency: 0.45 },
  { provider: 'openai', model: 'gpt-4o', from: 0, to: 1, weight: 0.22, latency: 0.9 },
  { provider: 'openai', model: 'gpt-4o-mini', from: 0, to: 1, weight: 0.12, latency: 0.4 },
  { provider: 'openai', model: 'gpt-4.1', from: 0.72, to: 1, weight: 0.1, latency: 0.95 },
  { provider: 'google', model: 'gemini-1.5-pro', from: 0, to: 0.6, weight: 0.08, latency: 1.1 },
  { provider: 'google', model: 'gemini-2.5-pro', from: 0.6, to: 1, weight: 0.08, latency: 1.3 },
  { provider: 'google', model: 'gemini-2.0-flash', from: 0.35, to: 1, weight: 0.06, latency: 0.35 },
] as const;

export type ModelSpec = (typeof MODELS)[number];

export const LLM_ERROR_TYPES = [
  ['rate_limited', 0.3],
  ['timeout', 0.22],
  ['overloaded', 0.18],
  ['server_error', 0.14],
  ['invalid_response', 0.1],
  ['context_length_exceeded', 0.06],
] as const;

/** Everyday export failures (outside incidents), with relative frequency. */
export const EXPORT_ERRORS = [
  ['Render timed out after 600 s', 0.22],
  ['Chromium crashed while capturing frame', 0.16],
  ['ffmpeg exited with code 1: Invalid data found when processing input', 0.14],
  ['Asset could not be downloaded: 404 Not Found', 0.14],
  ['Out of memory while encoding video (exit code 137)', 0.12],
  ['Font could not be loaded: Inter-Bold.woff2', 0.08],
  ['Upload to storage failed: connection reset by peer', 0.08],
  ['Audio track could not be decoded', 0.06],
] as const;

/** Incident causes: while one lasts, most failures carry its message. */
export const INCIDENT_ERRORS = [
  'Render worker unavailable: no capacity in render pool',
  'Upload to storage failed: 503 Slow Down',
  'Out of memory while encoding video (exit code 137)',
  'Render timed out after 600 s',
  'Chromium crashed while capturing frame',
  'License check failed for font service: 502 Bad Gateway',
] as const;

export const PREFERENCE_KEYS = [
  ['preferred_style', ['minimal', 'bold', 'playful', 'corporate', 'cinematic']],
  ['aspect_ratio', ['16:9', '9:16', '1:1', '4:5']],
  ['brand_colors', ['#1e40af,#f59e0b', '#111827,#10b981', '#7c3aed,#f472b6', '#0f766e,#fde68a']],
  ['voice', ['friendly', 'professional', 'energetic', 'calm']],
  ['music_mood', ['upbeat', 'ambient', 'none', 'corporate', 'lofi']],
  ['font_family', ['Inter', 'Poppins', 'Roboto', 'Playfair Display', 'Space Grotesk']],
] as const;

export const CONTEXT_KEYS = [
  [
    'project_goal',
    ['launch announcement', 'explain the product', 'grow followers', 'train new hires'],
  ],
  ['target_audience', ['small business owners', 'developers', 'students', 'marketers', 'parents']],
  ['brand_name', ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay']],
  ['call_to_action', ['sign up today', 'visit our site', 'book a demo', 'shop the sale']],
] as const;

export const ASSET_KINDS = [
  { type: 'image', ext: 'png', weight: 0.5, medianBytes: 900_000 },
  { type: 'logo', ext: 'svg', weight: 0.2, medianBytes: 40_000 },
  { type: 'video', ext: 'mp4', weight: 0.18, medianBytes: 24_000_000 },
  { type: 'audio', ext: 'mp3', weight: 0.12, medianBytes: 4_000_000 },
] as const;

export const ASSET_NAMES = [
  'logo',
  'hero',
  'product',
  'team',
  'background',
  'screenshot',
  'voiceover',
  'jingle',
  'broll',
  'banner',
  'headshot',
  'icon',
  'pattern',
  'texture',
] as const;

export const RELEASE_TITLES = [
  'Faster exports',
  'New template gallery',
  '4k export',
  'Brand kits',
  'Smarter scene edits',
  'Voiceover generation',
  'Team workspaces',
  'GIF export',
  'Undo history',
  'Auto captions',
  'Stock asset search',
  'Timeline view',
  'Better error messages',
  'Webm export',
  'Keyboard shortcuts',
  'Dark mode',
  'Project sharing',
  'Scene duplication',
  'Music library',
  'Aspect ratio presets',
  'Performance improvements',
  'Bug fixes and polish',
] as const;
