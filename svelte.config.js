import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// Code the batch and the web app share (cube, disclosure, stages, charts) has one home, pipelines/;
		// the app imports it as $pipelines/…, never by climbing out of src/.
		alias: { $pipelines: 'pipelines' },
		csp: {
			// nhsuk-frontend needs no inline script; SvelteKit's own bootstrap gets a hash.
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				// No web font from elsewhere: NHS.UK's Frutiger is served to nhs.uk sites only (the stylesheet
				// route drops it), so pages use its fallback, Arial.
				'font-src': ['self'],
				'connect-src': ['self'],
				'frame-ancestors': ['none'],
				'form-action': ['self'],
				'base-uri': ['self']
			}
		}
	}
};

export default config;
