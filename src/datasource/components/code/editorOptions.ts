/** The checks wait this long after the last keystroke: errors as you type, not on every key. */
export const LINT_DELAY_MS = 300;

/** Fewer rendered rows keep a keystroke's work within a frame; the list filters as you type. */
export const COMPLETION_OPTIONS = { activateOnTypingDelay: 0, maxRenderedOptions: 40, icons: false } as const;
