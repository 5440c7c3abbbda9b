import { survey } from '../survey';

/** Per-request context. Deliberately holds nothing about the caller: the survey is anonymous. */
export async function createContext() {
	return { survey: await survey() };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
