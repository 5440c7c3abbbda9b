/** A copy of `request` whose body stream fails with `tooLarge()` once it passes `limit` bytes. The
 *  rest is read and dropped (never buffered) so the client hears the error instead of a reset
 *  connection; adapter-node's BODY_SIZE_LIMIT still caps how much is read at all. */
export function limitBody(request: Request, limit: number, tooLarge: () => Error): Request {
	if (!request.body) return request;
	const length = request.headers.get('content-length');
	const declared = Number(length ?? 0);
	// Node's HTTP parser holds a body to its declared length, so a declared length within the limit
	// needs no counting stream (one fewer stream and Request per submission).
	if (length !== null && declared <= limit) return request;
	let seen = 0;
	const reader = request.body.getReader();
	const drainThenFail = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
		while (!(await reader.read()).done);
		controller.error(tooLarge());
	};
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (declared > limit) return drainThenFail(controller);
			const { done, value } = await reader.read();
			if (done) return controller.close();
			seen += value.byteLength;
			if (seen > limit) return drainThenFail(controller);
			controller.enqueue(value);
		},
		cancel: (reason) => reader.cancel(reason)
	});
	return new Request(request.url, { method: request.method, headers: request.headers, body, duplex: 'half' } as RequestInit);
}
