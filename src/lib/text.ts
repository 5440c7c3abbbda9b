/** Bidi overrides and isolates (which can make text read backwards) and C0 control characters. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
export const INVISIBLE_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Text safe to publish: invisible controls removed. Free text is stored verbatim; this is for output. */
export const withoutControls = (text: string) => text.replace(INVISIBLE_CONTROLS, '');

export const hasControls = (text: string) => new RegExp(INVISIBLE_CONTROLS.source).test(text);

/** How every page and report writes a wave: its id 2026-27 as 2026/27 (the waves' stored labels agree). */
export const waveLabel = (id: string) => id.replace('-', '/');
