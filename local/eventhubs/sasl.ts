// The SASL mechanisms the emulator offers. Event Hubs clients authenticate with a SAS token on $cbs after the
// connection opens, so SASL itself carries no credential; but the clients disagree on which mechanism names that:
// the JavaScript and Python clients ask for ANONYMOUS, while the .NET client (Azure.Messaging.EventHubs, which is
// what the Functions host's Event Hubs trigger runs on under `func start`) accepts only MSSBCBS and gives up on a
// server that offers nothing else. The service offers both; so do we. Neither grants anything: every link still
// needs a valid put-token on $cbs.
import type { Container } from 'rhea';

/** A server-side mechanism in rhea's shape: decided at the first step, no challenge. */
interface ServerMechanism {
  outcome: boolean | undefined;
  username: string | undefined;
  start(initialResponse: Buffer | undefined): void;
}

function tokenLater(name: string): ServerMechanism {
  return {
    outcome: undefined,
    username: undefined,
    start(initialResponse) {
      this.outcome = true;
      this.username = initialResponse && initialResponse.length > 0 ? initialResponse.toString('utf8') : name;
    },
  };
}

/** The mechanism names offered, in the order the server lists them. */
const OFFERED_MECHANISMS = ['MSSBCBS', 'ANONYMOUS'] as const;

/**
 * Makes `container` offer MSSBCBS and ANONYMOUS. A client that skips SASL altogether (the AMQP header without the
 * SASL layer) is still served, as rhea does by default when ANONYMOUS is on offer.
 */
export function offerCbsMechanisms(container: Container): void {
  const mechanisms = (container as unknown as { sasl_server_mechanisms: Record<string, () => ServerMechanism> })
    .sasl_server_mechanisms;
  for (const name of OFFERED_MECHANISMS) mechanisms[name] = () => tokenLater(name.toLowerCase());
}
