import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * A tiny DNS server over UDP on 127.0.0.1, so tests exercise real c-ares resolution with no
 * network. It answers A and AAAA from `zone`; a name not in the zone gets NXDOMAIN, a name
 * in `silent` gets no answer at all (a timeout). Every query is recorded.
 */
export interface Zone {
  [name: string]: { A?: string[]; AAAA?: string[] };
}

const TYPE = { A: 1, AAAA: 28 } as const;
const NXDOMAIN = 3;

export interface Query {
  name: string;
  type: 'A' | 'AAAA' | number;
}

export async function startFakeDns(zone: Zone, silent: string[] = []) {
  const queries: Query[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    const q = parseQuery(msg);
    const type = q.qtype === TYPE.A ? 'A' : q.qtype === TYPE.AAAA ? 'AAAA' : q.qtype;
    queries.push({ name: q.name, type });
    if (silent.includes(q.name)) return;
    const entry = zone[q.name];
    const addresses = entry && typeof type === 'string' ? (entry[type] ?? []) : [];
    socket.send(
      answer(msg, q.questionEnd, entry ? 0 : NXDOMAIN, q.qtype, addresses),
      from.port,
      from.address,
    );
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}

/** The query's name (lower case, no trailing dot), type, and where its question section ends. */
function parseQuery(msg: Buffer) {
  const labels: string[] = [];
  let at = 12; // the header: id, flags, four counts
  for (let len = msg.readUInt8(at); len > 0; len = msg.readUInt8(at)) {
    labels.push(msg.toString('latin1', at + 1, at + 1 + len));
    at += 1 + len;
  }
  at += 1; // the root label
  return { name: labels.join('.').toLowerCase(), qtype: msg.readUInt16BE(at), questionEnd: at + 4 };
}

/** A response: the query's id and question, then one record per address (name as a pointer). */
function answer(query: Buffer, questionEnd: number, rcode: number, qtype: number, addresses: string[]) {
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8180 | rcode, 2); // response, recursion desired and available
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(addresses.length, 6); // answers
  const records = addresses.map((address) => {
    const rdata = qtype === TYPE.A ? ipv4Bytes(address) : ipv6Bytes(address);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name at offset 12
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(60, 6); // TTL
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...records]);
}

function ipv4Bytes(address: string) {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string) {
  const [head = '', tail = ''] = address.split('::');
  const part = (s: string) => (s ? s.split(':') : []);
  const groups = [...part(head), ...part(tail)];
  const full = address.includes('::')
    ? [...part(head), ...Array(8 - groups.length).fill('0'), ...part(tail)]
    : groups;
  const out = Buffer.alloc(16);
  for (const [i, g] of full.entries()) out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  return out;
}
