// Configuration from the environment, validated once, with defaults that work on a fresh clone.
import { z } from 'zod';
import { thresholdText } from '$pipelines/disclosure/protect';
import { DEFAULT_CHECKPOINT_MB } from './db/database';
import { SETTLE_MS } from './db/store';

const seconds = z.coerce.number().int().positive();

const schema = z.object({
	DATABASE_PATH: z.string().min(1).default('data/survey.duckdb'),
	// How much WAL the embedded file gathers before DuckDB checkpoints, holding submissions meanwhile (database.ts).
	DATABASE_CHECKPOINT_MB: z.coerce.number().int().min(1).max(16_384).default(DEFAULT_CHECKPOINT_MB),
	// PostgreSQL as the store of record for several instances (README, Deployment); unset, the embedded file.
	DATABASE_URL: z.preprocess(
		(v) => (v === '' ? undefined : v),
		z
			.string()
			.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (or unset, for the embedded database file)')
			.optional()
	),
	DRAFT_TTL_SECONDS: seconds.default(14 * 24 * 3600),
	SURVEY_BODY_LIMIT: z.coerce
		.number()
		.int()
		.min(1024)
		.default(64 * 1024),
	DEFAULT_WAVE_ID: z
		.string()
		.regex(/^[A-Za-z0-9_-]{1,40}$/)
		.optional(),
	DEFAULT_WAVE_LABEL: z.string().min(1).max(80).optional(),
	// Planner and admin sign-in.
	SESSION_TTL_SECONDS: seconds.default(8 * 3600),
	LOGIN_ATTEMPTS: z.coerce.number().int().min(1).default(5),
	LOGIN_WINDOW_SECONDS: seconds.default(15 * 60),
	// Per client address, per minute. Many NHS staff share one trust address, so submitting and saving
	// are generous; resume and login are tight (see README for the resume-code arithmetic).
	RATE_SUBMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
	RATE_SAVE_DRAFT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
	RATE_RESUME_PER_MINUTE: z.coerce.number().int().min(1).default(30),
	RATE_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(30),
	// Public queries (the wave, the instrument, who is signed in): cheap, but not free when flooded.
	RATE_QUERY_PER_MINUTE: z.coerce.number().int().min(1).default(600),
	// Drafts: new ones per address per hour, and live ones in all, so storage stays bounded.
	RATE_NEW_DRAFTS_PER_HOUR: z.coerce.number().int().min(1).default(300),
	DRAFTS_MAX: z.coerce.number().int().min(1).default(200_000),
	// Planner dashboard: requests a planner may have waiting, how long one may wait, and how long one may run.
	DASHBOARD_QUEUE_PER_USER: z.coerce.number().int().min(1).max(50).default(3),
	DASHBOARD_WAIT_SECONDS: z.coerce.number().positive().default(30),
	DASHBOARD_JOB_SECONDS: z.coerce.number().positive().default(20),
	// Figures of this many recent views are kept per snapshot (analytics/figure-cache.ts); 0 keeps none.
	DASHBOARD_CACHE_ENTRIES: z.coerce.number().int().min(0).max(100_000).default(500),
	// Behind a reverse proxy: who may say which address a request came from (see README, Deployment).
	// adapter-node reads ADDRESS_HEADER and XFF_DEPTH too; they are validated here to fail at start.
	TRUSTED_PROXIES: z.string().min(1).default('loopback'),
	ADDRESS_HEADER: z
		.string()
		.default('')
		.transform((h) => h.toLowerCase()),
	XFF_DEPTH: z.coerce.number().int().min(1).default(1),
	// Batch pipeline (pipelines/): schedule, where it writes, and whether the server runs the schedule itself.
	PIPELINE_CRON: z.string().min(9).default('0 2 * * *'),
	PIPELINE_TIMEZONE: z.string().min(1).default('Europe/London'),
	PIPELINE_OUT: z.string().min(1).default('data/reports'),
	// The threshold for the dashboard and every batch run alike (settings.ts, thresholdInForce).
	PIPELINE_THRESHOLD: thresholdText.optional(),
	PIPELINE_SCHEDULE_IN_SERVER: z
		.enum(['true', 'false'])
		.default('false')
		.transform((v) => v === 'true'),
	// PDFs of the reports through Chromium (CHROMIUM_PATH); "off" skips them (most tests).
	PIPELINE_PDF: z.enum(['on', 'off']).default('on'),
	// Disclosure control (docs/disclosure.md). The dashboard's figures move only in snapshots: at most
	// one per DASHBOARD_SNAPSHOT_SECONDS, and only once DASHBOARD_SNAPSHOT_MIN_RESPONSES new responses
	// have arrived, so no single submission can be isolated by polling.
	DASHBOARD_SNAPSHOT_SECONDS: z.coerce.number().int().min(0).default(3600),
	DASHBOARD_SNAPSHOT_MIN_RESPONSES: z.coerce.number().int().min(1).default(10),
	// A snapshot holds the responses submitted until this long before it: every one of them is then
	// committed (a submission is timestamped milliseconds before its commit). Tests shorten it.
	DASHBOARD_SNAPSHOT_SETTLE_MS: z.coerce.number().int().min(100).max(60_000).default(SETTLE_MS),
	// The cell key method. "off" leaves NHS Digital's rounding alone, which differencing defeats: it
	// exists only so the attack suite can prove its attacks work.
	DISCLOSURE_CELL_KEY: z.enum(['on', 'off']).default('on')
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const parsed = schema.safeParse(env);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
		throw new Error(`Configuration is not valid: ${problems}`);
	}
	return parsed.data;
}
