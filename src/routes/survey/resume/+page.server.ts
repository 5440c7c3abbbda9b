import { resumeAction } from '$lib/server/survey-form';
import type { Actions } from './$types';

export const actions: Actions = { default: resumeAction };
