import { describe, expect, it } from 'vitest';
import { prometheusRuleFile, type ExportRule } from '../../worker/alerting/prometheus-export';

const rule = (over: Partial<ExportRule>): ExportRule => ({
  id: 1,
  name: 'Inlet above ASHRAE A1 (27 °C)',
  kind: 'metric',
  enabled: true,
  severity: 'warning',
  metric: 'inlet_temp_c',
  aggregate: 'avg',
  window_s: 300,
  comparison: '>',
  threshold: 27,
  clear_threshold: 26,
  for_s: 300,
  keep_firing_for_s: 0,
  scope_type: 'all',
  scope_value: null,
  labels: {},
  message: '{{device}} inlet {{value}} °C > {{threshold}} °C',
  description: null,
  ...over,
});
const families = (m: string) =>
  m === 'inlet_temp_c'
    ? { family: 'dcp_server_inlet_temperature_celsius', factor: 1 }
    : m === 'net_in_bps'
      ? { family: 'dcp_server_network_receive_bytes_per_second', factor: 1 / 8 }
      : undefined;
const names = { datacenters: new Map([[3, 'DC-NYC-1']]), racks: new Map([[7, 'NYC1-A01']]) };
const NOW = new Date('2026-12-06T00:00:00Z');

describe('Prometheus rule export', () => {
  it('writes a metric rule with its window, for duration and hysteresis (the ALERTS idiom)', () => {
    const yaml = prometheusRuleFile([rule({})], families, names, NOW);
    expect(yaml).toContain('groups:\n  - name: dc-platform\n    rules:\n      - alert: InletAboveASHRAEA127C\n');
    expect(yaml).toContain(
      '        expr: "avg_over_time(dcp_server_inlet_temperature_celsius[5m]) > 27 or (avg_over_time(dcp_server_inlet_temperature_celsius[5m]) > 26 and ignoring(alertname, alertstate, severity) ALERTS{alertname=\\"InletAboveASHRAEA127C\\", alertstate=\\"firing\\"})"\n',
    );
    expect(yaml).toContain('        for: 5m\n        labels:\n          severity: "warning"\n');
    expect(yaml).toContain('          summary: "{{ $labels.server }} inlet {{ $value | humanize }} °C > 27 °C"\n');
    expect(yaml).not.toContain('keep_firing_for');
  });

  it('scopes by the /metrics labels, converts units, and lists what it cannot express', () => {
    const yaml = prometheusRuleFile(
      [
        rule({
          id: 2,
          name: 'Rack hot',
          aggregate: 'last',
          window_s: 0,
          clear_threshold: null,
          for_s: 0,
          scope_type: 'rack',
          scope_value: '7',
          keep_firing_for_s: 120,
        }),
        rule({
          id: 3,
          name: 'Uplink busy',
          metric: 'net_in_bps',
          aggregate: 'max',
          window_s: 60,
          threshold: 8e9,
          clear_threshold: null,
          scope_type: 'datacenter',
          scope_value: '3',
        }),
        rule({ id: 4, name: 'GPUs hot', scope_type: 'server_type', scope_value: 'GPU' }),
        rule({ id: 5, name: 'Custom', metric: 'chip_temp_c' }),
        rule({ id: 6, name: 'Warranty', kind: 'inventory', metric: null }),
        rule({ id: 7, name: 'Off', enabled: false }),
      ],
      families,
      names,
      NOW,
    );
    expect(yaml).toContain(
      '        expr: "dcp_server_inlet_temperature_celsius{rack=\\"NYC1-A01\\"} > 27"\n        keep_firing_for: 2m\n',
    );
    expect(yaml).toContain(
      '        expr: "max_over_time(dcp_server_network_receive_bytes_per_second{datacenter=\\"DC-NYC-1\\"}[1m]) > 1000000000"\n',
    );
    expect(yaml).toContain('#   GPUs hot: a server_type scope has no /metrics label\n');
    expect(yaml).toContain('#   Custom: /metrics does not expose chip_temp_c\n');
    expect(yaml).toContain('#   Warranty: inventory rule, evaluated by the platform itself\n');
    expect(yaml).not.toContain('Off');
  });
});
