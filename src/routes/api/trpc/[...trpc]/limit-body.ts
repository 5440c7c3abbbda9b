/** A copy of `request` whose body stream fails with `tooLarge()` once it passes `limit` bytes, so a
 *  large payload is refused while it streams in, without buffering it first. */
export function limitBody(request: Request, limit: number, tooLarge: () => Error): Request {
	if (!request.body) return request;
	const declared = Number(request.headers.get('content-length') ?? 0);
	let seen = 0;
	const reader = request.body.getReader();
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (declared > limit) {
				await reader.cancel();
				return controller.error(tooLarge());
			}
			const { done, value } = await reader.read();
			if (done) return controller.close();
			seen += value.byteLength;
			if (seen > limit) {
				await reader.cancel();
				return controller.error(tooLarge());
			}
			controller.enqueue(value);
		},
		cancel: (reason) => reader.cancel(reason)
	});
	return new Request(request.url, { method: request.method, headers: request.headers, body, duplex: 'half' } as RequestInit);
}
