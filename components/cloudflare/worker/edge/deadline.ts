/*
 * The origin deadline. fetch() has none: an origin that accepts the connection and never answers would hold the
 * viewer forever. The deadline bounds how long the Worker waits on the origin with nothing moving, never the whole
 * exchange, so a slow 64 MiB session recording upload is not cut while its bytes flow:
 * - waiting for the response headers: from the moment the request has been handed over (its body included), the
 *   origin has `timeoutMs` to answer;
 * - a large or streamed request body is watched as it goes: every chunk that moves re-arms the deadline, so an
 *   origin that stops reading mid-upload (or a viewer that stops sending) is caught too.
 * Past it, the viewer gets a 504 with a short message. Once the response headers have arrived the deadline is
 * cleared: the response body is not watched, because watching it means copying every response (a new Response
 * around a transformed body), which costs more per request than all the rest of the Worker.
 */

/** Request bodies up to this declared size go as they are: they are handed over within the first round trips. */
export const unwatchedBodyBytes = 64 * 1024;

/** One upstream exchange's deadline. */
interface Watch {
    readonly settle: (response: Response) => void;
    readonly timeoutMs: number;
    readonly message: string;
    timer: number | null;
}

function textResponse504(message: string): Response {
    return new Response(message + "\n", {
        status: 504,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
}

function onDeadline(watch: Watch): void {
    watch.timer = null;
    watch.settle(textResponse504(watch.message));
}

function rearm(watch: Watch): void {
    clearTimeout(watch.timer);
    watch.timer = setTimeout(onDeadline, watch.timeoutMs, watch);
}

/**
 * `body` piped through a stream that re-arms the deadline on every chunk and once more when it ends (the wait for the
 * headers starts then). A declared length is kept (FixedLengthStream), so the origin sees the same framing as
 * when the body is passed on as it came.
 */
function watchedBody(body: ReadableStream, contentLength: string | null, watch: Watch): ReadableStream {
    const watched = body.pipeThrough(
        new TransformStream({
            transform(chunk, controller) {
                rearm(watch);
                controller.enqueue(chunk);
            },
            flush() {
                rearm(watch);
            },
        }),
    );
    const length = contentLength === null ? NaN : Number(contentLength);
    if (!Number.isSafeInteger(length)) return watched;
    const framed = new FixedLengthStream(length);
    // A viewer that goes away mid-upload errors the framed stream, and with it the fetch (answered 502).
    watched.pipeTo(framed.writable).catch(() => {});
    return framed.readable;
}

/**
 * fetch(target, init) with the deadline; `init.body` is watched when it is large or of unknown length. Resolves with
 * the origin's response, a 504 when the deadline passes, or `onError(error)` when the fetch fails.
 */
export function fetchWithDeadline(
    target: string,
    init: RequestInit & { body: ReadableStream | null },
    contentLength: string | null,
    timeoutMs: number,
    message: string,
    onError: () => Response,
): Promise<Response> {
    return new Promise<Response>((settle) => {
        const watch: Watch = { settle, timeoutMs, message, timer: null };
        const body = init.body;
        if (body !== null && (contentLength === null || !(Number(contentLength) <= unwatchedBodyBytes))) {
            init.body = watchedBody(body, contentLength, watch);
        }
        rearm(watch);
        let pending: Promise<Response>;
        try {
            pending = fetch(target, init);
        } catch (error) {
            pending = Promise.reject(error);
        }
        pending.then(
            (response) => {
                clearTimeout(watch.timer);
                settle(response);
            },
            () => {
                clearTimeout(watch.timer);
                settle(onError());
            },
        );
    });
}
