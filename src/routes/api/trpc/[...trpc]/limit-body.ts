/** A copy of `request` whose body stream fails with `tooLarge()` once it passes `limit` bytes. The
 *  rest is read and dropped (never buffered) so the client hears the error instead of a reset
 *  connection; adapter-node's BODY_SIZE_LIMIT still caps how much is read at all. */
export function limitBody(request: Request, limit: number, tooLarge: () => Error): Request {
	if (!request.body) return request;
	const declared = Number(request.headers.get('content-length') ?? 0);
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
