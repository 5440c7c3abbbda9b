// The answers in progress, kept in this tab's sessionStorage so a reload loses nothing.
import { browser } from '$app/environment';
import type { Answers, LearningItem } from '$lib/instrument';

interface FormState {
	answers: Answers;
	resumeCode: string | null;
	submissionId: string | null;
	completed: { receipt: string; submittedAt: string; wave: string; learning: LearningItem[] } | null;
}

const KEY = 'pgwn-survey';
const empty = (): FormState => ({ answers: {}, resumeCode: null, submissionId: null, completed: null });

function load(): FormState {
	if (!browser) return empty();
	try {
		return { ...empty(), ...JSON.parse(sessionStorage.getItem(KEY) ?? '{}') };
	} catch {
		return empty();
	}
}

export const form: FormState = $state(load());

export function persist() {
	if (browser) sessionStorage.setItem(KEY, JSON.stringify(form));
}

export function startAfresh() {
	Object.assign(form, empty());
	persist();
}
