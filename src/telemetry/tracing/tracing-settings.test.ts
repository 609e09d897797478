import { describe, expect, it } from 'vitest';
import { parseOtlpHeaders, tracingSettings } from './tracing-settings.js';

describe('tracing settings', () => {
  it('is off with neither config nor OTEL variables', () => {
    expect(tracingSettings(undefined, {})).toBeUndefined();
  });

  it('takes the config endpoint as the base URL and appends /v1/traces once', () => {
    const otlp = {
      endpoint: 'http://collector:4318',
      headers: { 'x-key': 'k' },
      sample_ratio: 0.25,
      protocol: 'http/json' as const,
      capture_content: false,
      content_max_bytes: 16_384,
    };
    expect(tracingSettings(otlp, {})).toEqual({
      url: 'http://collector:4318/v1/traces',
      headers: { 'x-key': 'k' },
      sampleRatio: 0.25,
      protocol: 'http/json',
    });
    expect(tracingSettings({ ...otlp, endpoint: 'http://c:4318/v1/traces' }, {})?.url).toBe('http://c:4318/v1/traces');
  });

  it('merges the header variables under the config headers, by case-insensitive name', () => {
    const otlp = {
      endpoint: 'http://collector:4318',
      headers: { Authorization: 'Bearer from-config', 'x-key': 'k' },
      sample_ratio: 1,
      protocol: 'http/json' as const,
      capture_content: false,
      content_max_bytes: 16_384,
    };
    const env = {
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20from-env,x-tenant=generic,x-route=eu',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'X-Tenant=traces',
    };
    expect(tracingSettings(otlp, env)?.headers).toEqual({
      authorization: 'Bearer from-config',
      'x-key': 'k',
      'x-tenant': 'traces',
      'x-route': 'eu',
    });
    expect(tracingSettings({ ...otlp, headers: {} }, { OTEL_EXPORTER_OTLP_HEADERS: '' })?.headers).toEqual({});
  });

  it('reads the standard variables, the traces-specific endpoint taken as it is', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-team=llm',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    };
    expect(tracingSettings(undefined, env)).toEqual({
      url: 'http://base:4318/v1/traces',
      headers: { authorization: 'Bearer abc', 'x-team': 'llm' },
      sampleRatio: 0.1,
      parentBased: true,
      protocol: 'http/protobuf',
    });
    expect(tracingSettings(undefined, { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })?.protocol).toBe(
      'http/json',
    );
    expect(tracingSettings(undefined, { ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/custom' })?.url).toBe(
      'http://t:1/custom',
    );
    expect(tracingSettings(undefined, { ...env, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('captures content only when asked, by the config or the GenAI instrumentation variable', () => {
    const otlp = {
      endpoint: 'http://collector:4318',
      headers: {},
      sample_ratio: 1,
      protocol: 'http/json' as const,
      capture_content: false,
      content_max_bytes: 4096,
    };
    expect(tracingSettings(otlp, {})?.content).toBeUndefined();
    expect(tracingSettings({ ...otlp, capture_content: true }, {})?.content).toEqual({ maxBytes: 4096 });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318' };
    expect(tracingSettings(undefined, env)?.content).toBeUndefined();
    expect(
      tracingSettings(undefined, { ...env, OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' })?.content,
    ).toEqual({ maxBytes: 16_384 });
  });

  it('parses OTLP header lists, skipping malformed pairs', () => {
    expect(parseOtlpHeaders('a=1,broken,=x, b = two%3D ')).toEqual({ a: '1', b: 'two=' });
  });

  it('takes resource attributes from OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME, however tracing is on', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes,deployment.environment.name=prod%20eu',
    };
    expect(tracingSettings(undefined, env)?.resource).toEqual({
      'service.name': 'from-attributes',
      'deployment.environment.name': 'prod eu',
    });
    expect(tracingSettings(undefined, { ...env, OTEL_SERVICE_NAME: 'amg-eu' })?.resource).toMatchObject({
      'service.name': 'amg-eu',
    });
    const otlp = {
      endpoint: 'http://collector:4318',
      headers: {},
      sample_ratio: 1,
      protocol: 'http/json' as const,
      capture_content: false,
      content_max_bytes: 16_384,
    };
    expect(tracingSettings(otlp, { OTEL_SERVICE_NAME: 'amg-eu' })?.resource).toEqual({ 'service.name': 'amg-eu' });
    expect(tracingSettings(otlp, {})?.resource).toBeUndefined();
  });

  it('treats an empty endpoint variable as unset, and keeps a value that is not percent-encoding as written', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
    expect(tracingSettings(undefined, env)?.url).toBe('http://base:4318/v1/traces');
    expect(tracingSettings(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' })).toBeUndefined();
    expect(parseOtlpHeaders('x-quota=100%,x-ok=a%2Cb')).toEqual({ 'x-quota': '100%', 'x-ok': 'a,b' });
  });

  it('treats an empty or unreadable sampler argument as unset (ratio 1), never as 0', () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' };
    expect(tracingSettings(undefined, { ...base, OTEL_TRACES_SAMPLER_ARG: '' })?.sampleRatio).toBe(1);
    expect(tracingSettings(undefined, { ...base, OTEL_TRACES_SAMPLER_ARG: '  ' })?.sampleRatio).toBe(1);
    expect(tracingSettings(undefined, { ...base, OTEL_TRACES_SAMPLER_ARG: 'half' })?.sampleRatio).toBe(1);
    expect(tracingSettings(undefined, { ...base, OTEL_TRACES_SAMPLER_ARG: '0' })?.sampleRatio).toBe(0);
    expect(tracingSettings(undefined, { ...base, OTEL_TRACES_SAMPLER_ARG: '0.25' })?.sampleRatio).toBe(0.25);
  });

  it('takes the batch delay from OTEL_BSP_SCHEDULE_DELAY, however tracing was turned on, and ignores a bad one', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318', OTEL_BSP_SCHEDULE_DELAY: '60000' };
    expect(tracingSettings(undefined, env)?.scheduleDelayMs).toBe(60_000);
    const otlp = {
      endpoint: 'http://collector:4318',
      headers: {},
      sample_ratio: 1,
      protocol: 'http/protobuf' as const,
      capture_content: false,
      content_max_bytes: 16_384,
    };
    expect(tracingSettings(otlp, { OTEL_BSP_SCHEDULE_DELAY: '250' })?.scheduleDelayMs).toBe(250);
    for (const bad of ['', ' ', '-1', '1.5', 'soon']) {
      expect(tracingSettings(otlp, { OTEL_BSP_SCHEDULE_DELAY: bad })?.scheduleDelayMs).toBeUndefined();
    }
  });
});
