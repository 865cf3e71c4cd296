export * from './envoy-client.ts';
export * from './fake-upstream.ts';
export * from './grpc-h2-stream.ts';
export * from './openai-stream.ts';
export * from './ext-proc-connection.ts';
export * from './loopback-server.ts';
