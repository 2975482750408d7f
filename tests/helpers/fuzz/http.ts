import net from 'node:net';

/** A request written byte for byte: nothing is normalised, so headers and bodies can be wrong on purpose. */
export interface RawRequest {
  method: string;
  /** Request target as sent (already percent-encoded, or not, as the mutation wants). */
  target: string;
  headers: [string, string][];
  body?: Buffer;
  /** Content-Length to declare; defaults to the body's length. Larger than the body: a truncated body. */
  contentLength?: number;
}

export interface RawResponse {
  /** 0 when the connection closed without a complete answer. */
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  ms: number;
  /** Why no answer came: 'timeout', 'closed', or a socket error code. */
  error?: string;
  /** The head came but the connection ended before the whole body. */
  incomplete?: boolean;
}

/**
 * Sends one request on a new connection (Connection: close) and reads the whole answer. When the declared
 * Content-Length is larger than the body, the write side is half-closed after the body: the server sees the
 * client stop sending, as with a client that died mid-upload.
 */
export function send(host: string, port: number, req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponse(Buffer.concat(chunks));
      const ms = performance.now() - started;
      if (!parsed) resolve({ status: 0, headers: {}, body: Buffer.alloc(0), ms, error: error ?? 'closed' });
      else
        resolve({
          status: parsed.status,
          headers: parsed.headers,
          body: parsed.body,
          ms,
          ...(parsed.complete || !('content-length' in parsed.headers || 'transfer-encoding' in parsed.headers)
            ? {}
            : { incomplete: true, error: error ?? 'closed' }),
        });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // A complete answer ends the exchange even if the server keeps the socket open.
      if (parseResponse(Buffer.concat(chunks))?.complete) finish();
    });
    socket.on('end', () => finish());
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    socket.on('connect', () => {
      const body = req.body ?? Buffer.alloc(0);
      const lines = [`${req.method} ${req.target} HTTP/1.1`, `Host: ${host}:${port}`, 'Connection: close'];
      for (const [k, v] of req.headers) lines.push(`${k}: ${v}`);
      if (req.body !== undefined || req.contentLength !== undefined) lines.push(`Content-Length: ${req.contentLength ?? body.length}`);
      socket.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]));
      if (req.contentLength !== undefined && req.contentLength > body.length) socket.end();
    });
  });
}

/** Status, lower-cased headers and the (de-chunked) body of an HTTP/1.1 answer, or null while incomplete. */
export function parseResponse(buf: Buffer): { status: number; headers: Record<string, string>; body: Buffer; complete: boolean } | null {
  // Interim answers (100 Continue to Expect: 100-continue) come before the real one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(buf.subarray(0, 16).toString('latin1')) && buf.indexOf('\r\n\r\n') >= 0) buf = buf.subarray(buf.indexOf('\r\n\r\n') + 4);
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!m) return null;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const rest = buf.subarray(end + 4);
  const status = Number(m[1]);
  if (status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), complete: true };
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = rest.indexOf('\r\n', at);
      if (eol < 0) return { status: Number(m[1]), headers, body: Buffer.concat(parts), complete: false };
      const size = parseInt(rest.subarray(at, eol).toString('latin1'), 16);
      if (size === 0) return { status: Number(m[1]), headers, body: Buffer.concat(parts), complete: true };
      if (rest.length < eol + 2 + size) return { status: Number(m[1]), headers, body: Buffer.concat(parts), complete: false };
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  return {
    status: Number(m[1]),
    headers,
    body: length === undefined ? rest : rest.subarray(0, length),
    complete: length !== undefined && rest.length >= length,
  };
}
