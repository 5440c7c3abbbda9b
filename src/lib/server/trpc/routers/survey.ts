import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { instrument } from '../../../instrument/survey';
import { answersSchema } from '../../../instrument/schema';
import { canonicalAnswers } from '../../../instrument/questions';
import { SurveyError } from '../../db/errors';
import { openWave } from '../../db/waves';
import { enforceLimit, limitedProcedure, router } from '../trpc';

const resumeCode = z
	.string({ error: 'Enter your resume code' })
	.trim()
	.min(1, { error: 'Enter your resume code' })
	.max(40, { error: 'That is not a resume code: it is too long' });

const asTRPCError = (error: unknown): never => {
	if (error instanceof SurveyError) {
		const code = error.kind === 'NO_OPEN_WAVE' ? 'PRECONDITION_FAILED' : error.kind === 'UNAVAILABLE' ? 'SERVICE_UNAVAILABLE' : error.kind;
		throw new TRPCError({ code, message: error.message });
	}
	throw error;
};

/** What `survey.saveDraft` accepts: valid answers so far, and the draft's code once it has one. */
export const saveDraftInput = z.strictObject({
	answers: answersSchema(instrument, { complete: false }),
	resumeCode: resumeCode.optional()
});

/** What `survey.submit` accepts (also the submit benchmark's floor). */
export const submitInput = z.strictObject({
	submissionId: z.uuid({ error: 'submissionId must be a UUID made by the form' }),
	answers: answersSchema(instrument, { complete: true }),
	/** The draft these answers came from, deleted once they are safely stored. */
	resumeCode: resumeCode.optional()
});

export const surveyRouter = router({
	/** The instrument as JSON, for the form, the codebook and external tools. */
	instrument: limitedProcedure('query').query(() => instrument),

	/** The wave now taking responses, or null when the survey is closed. */
	wave: limitedProcedure('query').query(({ ctx }) => openWave(ctx.survey.db)),

	saveDraft: limitedProcedure('saveDraft')
		.input(saveDraftInput)
		.mutation(({ ctx, input }) =>
			ctx.survey.drafts
				.save(canonicalAnswers(instrument, input.answers), input.resumeCode, {
					// A code that matches nothing counts as a resume: saving is no easier a way to probe codes.
					missed: () => enforceLimit(ctx, 'resume'),
					// New drafts are bounded per address (and in all, in the store), so storage cannot be flooded.
					creating: () =>
						enforceLimit(
							ctx,
							'newDraft',
							(wait) =>
								`Too many new sets of saved answers have been started from your network in the last hour, so these answers were not saved. They are still here: you can carry on and submit them, or save again in ${Math.ceil(wait / 60)} minutes. Nothing saved before is lost.`
						)
				})
				.catch(asTRPCError)
		),

	resume: limitedProcedure('resume')
		.input(z.strictObject({ resumeCode }))
		.mutation(({ ctx, input }) => ctx.survey.drafts.resume(input.resumeCode).catch(asTRPCError)),

	submit: limitedProcedure('submit')
		.input(submitInput)
		.mutation(async ({ ctx, input }) => {
			const receipt = await ctx.survey.responses.submit(input.submissionId, canonicalAnswers(instrument, input.answers)).catch(asTRPCError);
			if (input.resumeCode) await ctx.survey.drafts.discard(input.resumeCode).catch(() => undefined);
			return receipt;
		})
});
