import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { loadExternalProcessor, type ProcessingRequest, type ProcessingResponse } from '@semcache/proto';

export type Phase = 'request_headers' | 'request_body' | 'response_headers' | 'response_body';

export interface RecordedStream {
  /** Each message's phase and end_of_stream, in order. */
  messages: { phase: Phase; endOfStream: boolean; bodyBytes: number; headerFields: ('value' | 'raw_value')[] }[];
  /** How the client ended the stream, in order: 'half-close' (its end of the call), 'reset' (cancelled). */
  events: ('half-close' | 'reset')[];
}

/** The reply to one message; null means "continue unchanged" (a reply of the same phase). */
export type Answer = (phase: Phase, msg: ProcessingRequest) => ProcessingResponse | null;

const phaseOf = (msg: ProcessingRequest): Phase =>
  (['request_headers', 'request_body', 'response_headers', 'response_body'] as const).find((p) => msg[p] !== undefined)!;

export interface RecordingProcessor {
  port: number;
  streams: RecordedStream[];
  /** How the processor answers; change it between requests. */
  answer: Answer;
  close(): Promise<void>;
}

/**
 * A bare grpc-js ext_proc server with no cache behind it: it records what its client (real Envoy or the
 * testkit's EnvoyClient) sends and answers as the test says, so both clients can be held to the same reply.
 */
export async function startRecordingProcessor(): Promise<RecordingProcessor> {
  // Envoy sends a BUFFERED body in one message, up to its 8 MiB buffer as shipped: past grpc-js's 4 MiB default.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 16 * 2 ** 20 });
  const rec: RecordingProcessor = { port: 0, streams: [], answer: () => null, close: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
  server.addService(loadExternalProcessor().service, {
    Process: (call: grpc.ServerDuplexStream<ProcessingRequest, ProcessingResponse>) => {
      const stream: RecordedStream = { messages: [], events: [] };
      rec.streams.push(stream);
      call.on('data', (msg: ProcessingRequest) => {
        const phase = phaseOf(msg);
        const part = msg[phase] as { end_of_stream?: boolean; body?: Buffer; headers?: { headers?: { value?: string; raw_value?: Buffer }[] } };
        stream.messages.push({
          phase,
          endOfStream: part.end_of_stream ?? false,
          bodyBytes: part.body?.length ?? 0,
          headerFields: [...new Set((part.headers?.headers ?? []).map((h) => (h.raw_value?.length ? 'raw_value' as const : 'value' as const)))],
        });
        call.write(rec.answer(phase, msg) ?? ({ [phase]: { response: {} } } as ProcessingResponse));
      });
      call.on('end', () => {
        stream.events.push('half-close');
        call.end();
      });
      call.on('cancelled', () => stream.events.push('reset'));
      // A reset also surfaces as an 'error' (CANCELLED); it is recorded above, and unhandled it would throw.
      call.on('error', () => undefined);
    },
  });
  // deploy/envoy.yaml health-checks its cache and sends nothing to one that fails.
  new HealthImplementation({ '': 'SERVING' }).addToServer(server);
  rec.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return rec;
}
