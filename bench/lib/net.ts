import type { AddressInfo } from 'node:net';
import net from 'node:net';

/** The benchmarks only ever talk over loopback. */
export const LOOPBACK = '127.0.0.1';

/** A TCP port free on 127.0.0.1 at the time of the call. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `http://127.0.0.1:<port>` of a server listening on loopback. */
export function loopbackOrigin(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') throw new Error(`expected a TCP address, got ${String(address)}`);
  if (address.address !== LOOPBACK) throw new Error(`server listens on ${address.address}, expected ${LOOPBACK}`);
  return `http://${LOOPBACK}:${address.port}`;
}
