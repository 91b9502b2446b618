/** One server-sent event. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Reads server-sent events from a response body, as the HTML standard's event-stream
 * parser does: lines end in LF, CRLF or CR; `:` starts a comment (heartbeats); an empty
 * line dispatches. Written here because fetch streaming is all Node 20 offers and an
 * EventSource polyfill would be a dependency for forty lines.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
  /** Called for every chunk received, heartbeats included (a liveness signal). */
  onActivity?: () => void,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      onActivity?.();
      buffer += decoder.decode(value, { stream: true });
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buffer);
        // A CR at the very end may be half of a CRLF still in flight.
        if (!m || (m[0] === '\r' && m.index === buffer.length - 1)) break;
        const line = buffer.slice(0, m.index);
        buffer = buffer.slice(m.index + m[0].length);
        if (line === '') {
          if (data.length > 0)
            yield { event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id' && !value.includes('\0')) id = value;
      }
      if (buffer.length > 1_000_000) throw new Error('an event-stream line exceeds 1 MB');
    }
  } finally {
    reader.releaseLock();
  }
}
