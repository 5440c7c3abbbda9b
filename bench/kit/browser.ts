import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from '../../pipelines/reports/pdf';

/** Chromium, headless, started as the reports' PDFs start it (CHROMIUM_PATH, or Debian's). */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM, args: CHROMIUM_ARGS });
}
