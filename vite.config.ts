import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: { fs: { allow: ['data'] } },
	test: {
		include: ['tests/**/*.test.ts'],
		reporters: ['default', './tests/plain-summary-reporter.ts'],
		// Integration and browser tests start real servers and Chromium: keep the 2 cores from thrashing.
		fileParallelism: false,
		testTimeout: 60_000,
		hookTimeout: 120_000
	}
});
