import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEvents } from '../src/sse.ts';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(enc.encode(chunk));
      c.close();
    },
  });
}

async function all(chunks: string[]) {
  const out = [];
  for await (const e of readEvents(streamOf(chunks))) out.push(e);
  return out;
}

test('events split across chunks, CRLF and CR line ends, comments and multi-line data', async () => {
  const events = await all([
    ': keep-alive\n\n',
    'id: 7\nevent: revo',
    'cation\ndata: {"seq":7}\r',
    '\n\r\nevent: ready\rdata: a\rdata: b\r\r',
    'data:no-space\n\n',
  ]);
  assert.deepEqual(events, [
    { event: 'revocation', data: '{"seq":7}', id: '7' },
    { event: 'ready', data: 'a\nb', id: '7' },
    { event: 'message', data: 'no-space', id: '7' },
  ]);
});

test('an event without data is not dispatched; a trailing partial event is dropped', async () => {
  assert.deepEqual(await all(['event: ready\n\n', 'data: x']), []);
});
