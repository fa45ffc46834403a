// A small JSON client on node:http with one kept-alive socket: what a till
// does, and cheap, so the load generator leaves the CPU to the server.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class HttpClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly #host: string;
  readonly #port: number;
  readonly #localAddress: string | undefined;
  /** Sent with every request (e.g. the Authorization header); settable. */
  headers: Record<string, string> = {};

  /**
   * `localAddress`: the loopback address to connect from (e.g. 127.42.0.7),
   * so per-IP limits kept in a shared Redis count the bench apart from other
   * clients of the machine's 127.0.0.1.
   */
  constructor(baseUrl: string, localAddress?: string) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#localAddress = localAddress;
  }

  send(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.#agent,
          host: this.#host,
          port: this.#port,
          ...(this.#localAddress && { localAddress: this.#localAddress }),
          method,
          path,
          headers: {
            ...this.headers,
            ...headers,
            ...(payload !== undefined && {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(payload)),
            }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
