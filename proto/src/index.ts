import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export type * from './ext-proc-types.ts';
import type { ProcessingRequest, ProcessingResponse } from './ext-proc-types.ts';

const require = createRequire(import.meta.url);

/** Envoy's own protos, as shipped by @grpc/grpc-js-xds: never retyped by hand. */
const depsDir = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
const includeDirs = ['envoy-api', 'xds', 'protoc-gen-validate', 'googleapis'].map((d) => path.join(depsDir, d));

/** Field names as in the .proto (snake_case), enums as strings, bytes as Buffers, oneofs named. */
export const loaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs,
};

let cached: grpc.ServiceClientConstructor | undefined;
let definition: protoLoader.PackageDefinition | undefined;

function packageDefinition(): protoLoader.PackageDefinition {
  definition ??= protoLoader.loadSync('envoy/service/ext_proc/v3/external_processor.proto', loaderOptions);
  return definition;
}

export function loadExternalProcessor(): grpc.ServiceClientConstructor {
  if (cached) return cached;
  const pkg = grpc.loadPackageDefinition(packageDefinition()) as unknown as {
    envoy: { service: { ext_proc: { v3: { ExternalProcessor: grpc.ServiceClientConstructor } } } };
  };
  cached = pkg.envoy.service.ext_proc.v3.ExternalProcessor;
  return cached;
}

export const PROCESS_METHOD = '/envoy.service.ext_proc.v3.ExternalProcessor/Process';

/** The Process method's protobuf codecs, for clients that speak HTTP/2 themselves (as Envoy does). */
export function processCodec(): {
  serialize: (msg: ProcessingRequest) => Buffer;
  deserialize: (bytes: Buffer) => ProcessingResponse;
} {
  const service = packageDefinition()['envoy.service.ext_proc.v3.ExternalProcessor'] as unknown as {
    Process: protoLoader.MethodDefinition<ProcessingRequest, ProcessingResponse>;
  };
  return { serialize: service.Process.requestSerialize, deserialize: service.Process.responseDeserialize };
}
