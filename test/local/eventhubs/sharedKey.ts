// Builds SAS tokens the way the client does, for tests that speak AMQP directly.
import { createHmac } from 'node:crypto';
import { DEV_SAS_KEY } from '../../../local/eventhubs/index.ts';

export const SharedKeyCredential = {
  token(audience: string, key = DEV_SAS_KEY.key, expirySeconds = Math.floor(Date.now() / 1000) + 3600): string {
    const sr = encodeURIComponent(audience);
    const sig = createHmac('sha256', key).update(`${sr}\n${expirySeconds}`).digest('base64');
    return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${expirySeconds}&skn=${DEV_SAS_KEY.keyName}`;
  },
};
