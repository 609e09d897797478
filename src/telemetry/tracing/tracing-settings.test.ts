import { describe, expect, it } from 'vitest';
import { parseOtlpHeaders, tracingSettings } from './tracing-settings.js';

describe('tracing settings', () => {
  it('is off with neither config nor OTEL variables', () => {
    expect(tracingSettings(undefined, {})).toBeUndefined();
  });

  it('takes the config endpoint as the base URL and appends /v1/traces once', () => {
    const otlp = { endpoint: 'http://collector:4318', headers: { 'x-key': 'k' }, sample_ratio: 0.25 };
    expect(tracingSettings(otlp, {})).toEqual({
      url: 'http://collector:4318/v1/traces',
      headers: { 'x-key': 'k' },
      sampleRatio: 0.25,
    });
    expect(tracingSettings({ ...otlp, endpoint: 'http://c:4318/v1/traces' }, {})?.url).toBe('http://c:4318/v1/traces');
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
    });
    expect(tracingSettings(undefined, { ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/custom' })?.url).toBe(
      'http://t:1/custom',
    );
    expect(tracingSettings(undefined, { ...env, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('parses OTLP header lists, skipping malformed pairs', () => {
    expect(parseOtlpHeaders('a=1,broken,=x, b = two%3D ')).toEqual({ a: '1', b: 'two=' });
  });
});
