// The survey's server-rendered forms: the draft cookie, and the form actions, which call the same
// survey procedures as the HTTP API (tRPC's server-side caller) so every rule has one implementation.
import { createHash } from 'node:crypto';
import { fail, redirect, type Cookies, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { refusalStatus } from './trpc/status';
import { ZodError } from 'zod';
import { instrument } from '../instrument/survey';
import { fieldErrorsOf } from '../instrument/schema';
import { pruneHidden } from '../instrument/questions';
import { answersFromForm, errorLinks, firstIncompleteSection, stepSchema, type SummaryError } from '../instrument/form';
import type { Answers, Section } from '../instrument/types';
import { normaliseResumeCode } from './db/codes';
import { callerFor } from './trpc/caller';
import { servedOverHttps } from './security-headers.js';
import { survey } from './survey';

/** The answers in progress: a random resume code (80 bits), stored in the database only as a hash,
 *  like every resume code. It names no one and expires with the draft. */
export const DRAFT_COOKIE = 'pgwn_draft';
/** After sending: the submission id, so this browser can show its receipt and learning list again. */
export const SENT_COOKIE = 'pgwn_sent';
const SENT_MAX_AGE = 24 * 3600;

const cookieOptions = (event: RequestEvent, maxAge: number) =>
	({ path: '/', httpOnly: true, sameSite: 'lax', secure: servedOverHttps(event.url), maxAge }) as const;

const formatted = (normalised: string) => normalised.replace(/(.{4})(?!$)/g, '$1-');

/** The draft's resume code from the cookie, if it holds one. */
export function draftCode(cookies: Cookies): string | null {
	const normalised = normaliseResumeCode(cookies.get(DRAFT_COOKIE) ?? '');
	return normalised ? formatted(normalised) : null;
}

async function setDraftCookie(event: RequestEvent, code: string) {
	const { config } = await survey();
	event.cookies.set(DRAFT_COOKIE, code, cookieOptions(event, config.DRAFT_TTL_SECONDS));
}

/** The answers saved so far for this browser ({} when there are none or they expired). */
export async function draftAnswers(cookies: Cookies): Promise<{ code: string | null; answers: Answers; expiresAt: string | null }> {
	const code = draftCode(cookies);
	if (!code) return { code: null, answers: {}, expiresAt: null };
	try {
		const draft = await (await survey()).drafts.resume(code);
		return { code, ...draft };
	} catch {
		return { code: null, answers: {}, expiresAt: null };
	}
}

/** One submission id per draft, so a second click, a resubmitted page or another tab stores one response. */
export function submissionIdFor(code: string): string {
	const h = createHash('sha256')
		.update(`submission:${normaliseResumeCode(code)}`)
		.digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What went wrong in a procedure call, in the respondent's words. */
export function problemOf(error: unknown): { message: string; fieldErrors: Record<string, string[]> } {
	if (error instanceof TRPCError) {
		if (error.cause instanceof ZodError) return { message: 'Some answers need correcting.', fieldErrors: fieldErrorsOf(error.cause) };
		if (error.code !== 'INTERNAL_SERVER_ERROR') return { message: error.message, fieldErrors: {} };
	}
	console.error('Survey form action failed:', error);
	return { message: 'Something went wrong on our side and nothing was saved. Please try again in a moment.', fieldErrors: {} };
}

export interface StepFailure {
	values: Answers;
	fieldErrors: Record<string, string[]>;
	errors: SummaryError[];
}

const failure = (
	status: number,
	values: Answers,
	problem: { message: string; fieldErrors: Record<string, string[]> },
	onPage: string | null
) => {
	const errors = errorLinks(instrument, problem.fieldErrors, onPage);
	return fail(status, {
		values,
		fieldErrors: problem.fieldErrors,
		errors: errors.length ? errors : [{ href: '#survey-form', message: problem.message }]
	});
};

/** A refusal's status as the API gives it; a fault is worded as ours (problemOf) and answered 500. */
const statusOf = (error: unknown) => refusalStatus(error) ?? 500;

/** Saves the answers through `survey.saveDraft` and keeps the draft cookie pointing at them. */
async function saveDraft(event: RequestEvent, code: string | null, answers: Answers) {
	const { caller, resHeaders } = await callerFor(event);
	try {
		const saved = await caller.survey.saveDraft({ answers, resumeCode: code ?? undefined });
		await setDraftCookie(event, saved.resumeCode ?? code!);
		return null;
	} catch (error) {
		const retry = resHeaders.get('retry-after');
		if (retry) event.setHeaders({ 'retry-after': retry });
		return { status: statusOf(error), problem: problemOf(error) };
	}
}

/** A step's form: `next` checks the step and moves on (or back to the check page); `save` keeps the
 *  answers so far and shows the resume code. Answers to questions the skip logic now hides are dropped. */
export async function stepAction(event: RequestEvent, section: Section, intent: 'next' | 'save') {
	const form = await event.request.formData();
	const posted = answersFromForm(section, form);
	const { code, answers: saved } = await draftAnswers(event.cookies);
	const others = Object.fromEntries(Object.entries(saved).filter(([id]) => !section.questions.some((q) => q.id === id)));
	const answers = pruneHidden(instrument, { ...others, ...posted });
	if (intent === 'next') {
		const checked = stepSchema(instrument, section).safeParse(answers);
		if (!checked.success) return failure(400, posted, { message: '', fieldErrors: fieldErrorsOf(checked.error) }, section.id);
	}
	const failed = await saveDraft(event, code, answers);
	if (failed) return failure(failed.status, posted, failed.problem, section.id);
	if (intent === 'save') redirect(303, '/survey/saved');
	const index = instrument.sections.indexOf(section);
	const next = form.get('return') === 'check' || index === instrument.sections.length - 1 ? 'check' : instrument.sections[index + 1].id;
	redirect(303, `/survey/${next}`);
}

/** "Send my answers": submits the draft with the submission id the form carries, once. */
export async function submitAction(event: RequestEvent) {
	const form = await event.request.formData();
	const posted = form.get('submissionId');
	const { code, answers } = await draftAnswers(event.cookies);
	if (!code) {
		// Sent already (Back from the confirmation, a second click, another tab): say so.
		const sent = typeof posted === 'string' ? await (await survey()).responses.find(posted) : null;
		if (sent) {
			event.cookies.set(SENT_COOKIE, sent.submissionId, cookieOptions(event, SENT_MAX_AGE));
			redirect(303, '/survey/complete?again=1');
		}
		return fail(400, {
			errors: [{ href: `/survey/${instrument.sections[0].id}`, message: 'There are no answers to send yet. Start the survey' }]
		});
	}
	const submissionId = typeof posted === 'string' && posted ? posted : submissionIdFor(code);
	const { caller, resHeaders } = await callerFor(event);
	try {
		await caller.survey.submit({ submissionId, answers: pruneHidden(instrument, answers), resumeCode: code });
	} catch (error) {
		const retry = resHeaders.get('retry-after');
		if (retry) event.setHeaders({ 'retry-after': retry });
		const problem = problemOf(error);
		const errors = errorLinks(instrument, problem.fieldErrors, null, 'check');
		return fail(statusOf(error), { errors: errors.length ? errors : [{ href: '#survey-form', message: problem.message }] });
	}
	event.cookies.delete(DRAFT_COOKIE, { path: '/' });
	event.cookies.set(SENT_COOKIE, submissionId, cookieOptions(event, SENT_MAX_AGE));
	redirect(303, '/survey/complete');
}

/** "Continue with a resume code": finds the draft through `survey.resume` (rate limited) and carries on
 *  at the first step with a question still to answer. */
export async function resumeAction(event: RequestEvent) {
	const value = (await event.request.formData()).get('resumeCode');
	const typed = typeof value === 'string' ? value : '';
	const { caller, resHeaders } = await callerFor(event);
	let answers: Answers;
	try {
		({ answers } = await caller.survey.resume({ resumeCode: typed }));
	} catch (error) {
		const retry = resHeaders.get('retry-after');
		if (retry) event.setHeaders({ 'retry-after': retry });
		const { message, fieldErrors } = problemOf(error);
		return fail(statusOf(error), { value: typed.slice(0, 40), error: fieldErrors.resumeCode?.[0] ?? message });
	}
	await setDraftCookie(event, formatted(normaliseResumeCode(typed)!));
	redirect(303, `/survey/${firstIncompleteSection(instrument, answers)?.id ?? 'check'}`);
}

/** The respondent's own sent response, from the cookie set when it was sent. */
export async function sentResponse(cookies: Cookies) {
	const id = cookies.get(SENT_COOKIE);
	return id ? (await survey()).responses.find(id) : null;
}
