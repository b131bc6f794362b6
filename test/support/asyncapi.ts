import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
// ajv and ajv-formats come with @asyncapi/parser (its own schema validation uses them).
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The public wire contract (the session contract and the raw actor protocol), parsed, with a validator per message. */
export interface WireContract {
  document: AsyncAPIDocumentInterface;
  /** Errors of a body (and AMQP headers) against the schemas of message `warren.session.<kind>`; [] when valid. */
  check(kind: string, payload: unknown, headers?: unknown): string[];
  /** The same for any message of the document by its name (`warren.reply.ok`, `warren.actor.message`, …). */
  checkMessage(name: string, payload: unknown, headers?: unknown): string[];
}

/** Parses docs/asyncapi.yaml (failing on any error diagnostic) and compiles its message schemas. */
export async function loadWireContract(): Promise<WireContract> {
  const source = readFileSync(join(__dirname, '..', '..', 'docs', 'asyncapi.yaml'), 'utf8');
  const { document, diagnostics } = await new Parser().parse(source);
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  if (errors.length > 0 || !document) {
    throw new Error(`docs/asyncapi.yaml is invalid:\n${errors.map((d) => `${d.path.join('.')}: ${d.message}`).join('\n')}`);
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map<string, { payload: ValidateFunction; headers: ValidateFunction }>();
  for (const message of document.components().messages().all()) {
    validators.set(message.name() as string, {
      payload: ajv.compile(message.payload()?.json() as object),
      // Replies carry no headers of their own: any object.
      headers: ajv.compile((message.headers()?.json() as object | undefined) ?? { type: 'object' }),
    });
  }
  const checkMessage = (name: string, payload: unknown, headers: unknown = {}): string[] => {
    const v = validators.get(name);
    if (!v) throw new Error(`no message ${name} in docs/asyncapi.yaml`);
    const out: string[] = [];
    if (!v.payload(payload)) out.push(...(v.payload.errors ?? []).map((e) => `payload${e.instancePath} ${e.message}`));
    if (!v.headers(headers)) out.push(...(v.headers.errors ?? []).map((e) => `headers${e.instancePath} ${e.message}`));
    return out;
  };
  return {
    document,
    check: (kind, payload, headers = {}) => checkMessage(`warren.session.${kind}`, payload, headers),
    checkMessage,
  };
}
