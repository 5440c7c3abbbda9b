// nhsuk-frontend's stylesheet, as published but without the rules for classes the app never uses
// (278 KB → under a third of that), so a survey step stays inside its page-weight budget. Served as a
// file rather than bundled: its old IE media hack trips the CSS minifier. Prerendered at build time.
import styles from 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css?raw';
import { classesIn, pruneCss } from '$lib/server/prune-css';

export const prerender = true;

const sources = Object.values(import.meta.glob('/src/**/*.{svelte,ts}', { query: '?raw', import: 'default', eager: true })) as string[];

export const GET = () => new Response(pruneCss(styles, classesIn(sources)), { headers: { 'content-type': 'text/css; charset=utf-8' } });
