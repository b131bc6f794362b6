// The image's HEALTHCHECK: whichever Warren app the container runs, GET /health on its HTTP port
// answers 200. The gateway listens on PORT (3000), the standalone runtime on
// WARREN__RUNTIME__METRICS_PORT (9464), the scheduler on WARREN__SCHEDULER__METRICS_PORT (9465);
// a container runs one of them, so the first port that answers decides. WARREN_HEALTHCHECK_URL
// names the URL instead. Plain Node (the image has no curl), exit 0 healthy, 1 not.
'use strict';

const explicit = process.env.WARREN_HEALTHCHECK_URL;
const ports = [
  process.env.PORT ?? '3000',
  process.env.WARREN__RUNTIME__METRICS_PORT ?? '9464',
  process.env.WARREN__SCHEDULER__METRICS_PORT ?? '9465',
];
const urls = explicit ? [explicit] : [...new Set(ports)].map((port) => `http://127.0.0.1:${port}/health`);

async function check() {
  for (const url of urls) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      return res.ok;
    } catch {
      // Nothing listens there (another app of the image): try the next port.
    }
  }
  return false;
}

check().then((ok) => process.exit(ok ? 0 : 1), () => process.exit(1));
