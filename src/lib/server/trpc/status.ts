import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';

/** The HTTP status of a procedure's refusal, by tRPC's own table (the one `/api/trpc` answers with),
 *  so pages, form actions and downloads answer a refusal as the API does. Null for a fault
 *  (INTERNAL_SERVER_ERROR, or not a TRPCError), which callers throw on or word as our fault. */
export const refusalStatus = (error: unknown): number | null =>
	error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR' ? getHTTPStatusCodeFromError(error) : null;
