// nhsuk-frontend's stylesheet, as published but without the rules for classes the app never uses
// (278 KB → under a third of that), so a survey step stays inside its page-weight budget. Served as a
// file rather than bundled: its old IE media hack trips the CSS minifier. Prerendered at build time.
import styles from 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css?raw';
import { classesIn, pruneCss } from '$lib/server/prune-css';

export const prerender = true;

const sources = Object.values(import.meta.glob('/src/**/*.{svelte,ts}', { query: '?raw', import: 'default', eager: true })) as string[];

// NHS.UK's Frutiger is licensed to NHS.UK's own sites and served only to them (and this app sends no
// referrer): off nhs.uk each page load logged four failed font requests. The stylesheet's own
// fallback, Arial, is what the pages showed anyway, so the @font-face rules go.
const withoutWebFonts = (css: string) => css.replace(/@font-face\{[^}]*\}/g, '');

export const GET = () =>
	new Response(withoutWebFonts(pruneCss(styles, classesIn(sources))), { headers: { 'content-type': 'text/css; charset=utf-8' } });
