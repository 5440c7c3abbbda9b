import { accountFor } from './account';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({ account: await accountFor(event) });
