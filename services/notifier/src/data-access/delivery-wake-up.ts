import { Client } from 'pg';
import { pgClientConfig, quoteIdentifier, type Logger } from '@marketbill/platform';

/** The NOTIFY channel on which a schema's delivery table announces new rows (at commit). */
export function deliveryChannel(schema: string): string {
  return `${schema}_delivery`;
}

export interface DeliveryWakeUp {
  close(): Promise<void>;
}

/**
 * Listens for new deliveries on a dedicated connection (LISTEN needs a session of its own; the ORM
 * pool hands connections out per query) and calls `onWake` for each notification. A lost session
 * is reopened after a pause; meanwhile the sender's poll still finds the work.
 */
export function listenForDeliveries(options: { databaseUrl: string; schema: string; logger: Logger; onWake: () => void; applicationName: string }): DeliveryWakeUp {
  const channel = quoteIdentifier(deliveryChannel(options.schema));
  let client: Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function open(): Promise<void> {
    const c = new Client(pgClientConfig(options.databaseUrl, options.applicationName));
    c.on('notification', () => options.onWake());
    c.on('error', (error) => {
      options.logger.warn({ err: error }, 'delivery listener session failed');
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      schedule();
    });
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
      if (closed) {
        await c.end();
        return;
      }
      client = c;
      options.onWake(); // whatever arrived while no one listened
    } catch (error) {
      options.logger.warn({ err: error }, 'delivery listener could not connect');
      await c.end().catch(() => undefined);
      schedule();
    }
  }

  function schedule(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, 2_000);
    retry.unref();
  }

  void open();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
