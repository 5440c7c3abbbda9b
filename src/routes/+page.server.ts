import type { PageServerLoad } from './$types';
import { survey } from '$lib/server/survey';
import { openWave } from '$lib/server/db/waves';

export const load: PageServerLoad = async () => ({ wave: await openWave((await survey()).db) });
