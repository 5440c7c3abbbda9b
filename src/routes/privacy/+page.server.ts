import { survey } from '$lib/server/survey';
import { thresholdInForce } from '$pipelines/settings';
import type { PageServerLoad } from './$types';

const duration = (seconds: number) => {
	const days = seconds / 86_400;
	if (Number.isInteger(days)) return `${days} ${days === 1 ? 'day' : 'days'}`;
	const hours = Math.round(seconds / 3600);
	return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
};

/** Expiry times and the threshold as the server applies them, so the notice never disagrees with them. */
export const load: PageServerLoad = async () => {
	const { config } = await survey();
	return {
		draftExpiry: duration(config.DRAFT_TTL_SECONDS),
		sessionExpiry: duration(config.SESSION_TTL_SECONDS),
		threshold: thresholdInForce()
	};
};
