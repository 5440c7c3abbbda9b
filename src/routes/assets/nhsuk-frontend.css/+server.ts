// nhsuk-frontend's stylesheet, served as published: bundling it fails because its old IE media hack
// trips the CSS minifier. Prerendered to a static file at build time.
import styles from 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css?raw';

export const prerender = true;

export const GET = () => new Response(styles, { headers: { 'content-type': 'text/css; charset=utf-8' } });
