// Cost lines as FinOps FOCUS 1.0 rows, pure. Column names, types and allowed values follow the FOCUS 1.0
// specification (https://focus.finops.org, github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec); columns of
// our own carry the spec's `x_` prefix. The estate bills itself: provider, publisher and invoice issuer are the
// platform (a contract's publisher is its vendor), a datacenter is a sub account and a region.
import type { Allocated } from './breakdown';
import type { Category } from './model';
import type { Window } from './time';

type FocusType = 'Decimal' | 'DateTime' | 'String' | 'JSON';

/** Every FOCUS 1.0 column, in the specification's order, with its data type; then ours. */
export const FOCUS_COLUMNS = {
  AvailabilityZone: 'String',
  BilledCost: 'Decimal',
  BillingAccountId: 'String',
  BillingAccountName: 'String',
  BillingCurrency: 'String',
  BillingPeriodEnd: 'DateTime',
  BillingPeriodStart: 'DateTime',
  ChargeCategory: 'String',
  ChargeClass: 'String',
  ChargeDescription: 'String',
  ChargeFrequency: 'String',
  ChargePeriodEnd: 'DateTime',
  ChargePeriodStart: 'DateTime',
  CommitmentDiscountCategory: 'String',
  CommitmentDiscountId: 'String',
  CommitmentDiscountName: 'String',
  CommitmentDiscountStatus: 'String',
  CommitmentDiscountType: 'String',
  ConsumedQuantity: 'Decimal',
  ConsumedUnit: 'String',
  ContractedCost: 'Decimal',
  ContractedUnitPrice: 'Decimal',
  EffectiveCost: 'Decimal',
  InvoiceIssuerName: 'String',
  ListCost: 'Decimal',
  ListUnitPrice: 'Decimal',
  PricingCategory: 'String',
  PricingQuantity: 'Decimal',
  PricingUnit: 'String',
  ProviderName: 'String',
  PublisherName: 'String',
  RegionId: 'String',
  RegionName: 'String',
  ResourceId: 'String',
  ResourceName: 'String',
  ResourceType: 'String',
  ServiceCategory: 'String',
  ServiceName: 'String',
  SkuId: 'String',
  SkuPriceId: 'String',
  SubAccountId: 'String',
  SubAccountName: 'String',
  Tags: 'JSON',
  x_CostBasis: 'String',
  x_MeasuredEnergyShare: 'Decimal',
  x_RackId: 'String',
  x_RackName: 'String',
  x_HostResourceId: 'String',
  x_AllocationShare: 'Decimal',
} as const satisfies Record<string, FocusType>;
export type FocusColumn = keyof typeof FOCUS_COLUMNS;

/** FOCUS ServiceCategory (an allowed value) of what a line is about. */
const SERVICE_CATEGORY = {
  server: 'Compute',
  vm: 'Compute',
  workload: 'Compute',
  storage_system: 'Storage',
  network_device: 'Networking',
  rack: 'Compute',
  contract: 'Other',
} as const;

const SERVICE_NAME: Record<Category, string> = {
  energy: 'Datacenter energy',
  hardware: 'Hardware depreciation',
  space: 'Datacenter space',
  licence: 'Software licences',
  support: 'Support contracts',
};

const RESOURCE_TYPE = {
  server: 'Server',
  vm: 'Virtual Machine',
  workload: 'Container Workload',
  storage_system: 'Storage System',
  network_device: 'Network Device',
  rack: 'Rack',
  contract: 'Contract',
} as const;

/** UTC, seconds, Z: the FOCUS date/time format. */
export const focusTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const decimal = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e6) / 1e6);

export interface FocusContext {
  billingPeriod: Window;
  chargePeriod: Window;
  names: {
    datacenter: Map<number, string>;
    rack: Map<number, string>;
    server: Map<number, string>;
    vm: Map<number, string>;
    workload?: Map<number, string>;
  };
  /** a contract's vendor, by contract id */
  vendors: Map<number, string | null>;
}

/**
 * One FOCUS row per allocated line. Energy and space are usage at the tariff's price (billed, effective, list and
 * contracted cost alike: no discounts). Hardware is the period's write-off of an upfront purchase: effective cost
 * only, billed cost 0 (the invoice was the purchase). Contracts are recurring purchases.
 */
export function focusRow(l: Allocated, c: FocusContext): Record<FocusColumn, string | number | null> {
  const onVm = l.vm_id !== null && l.resource_type !== 'contract';
  // a workload's part of a node: the node (VM or server) is its host
  const onWorkload = l.workload_id != null && l.resource_type !== 'contract';
  const kind = onWorkload ? 'workload' : onVm ? 'vm' : l.resource_type;
  const resourceId = onWorkload
    ? `workload/${l.workload_id}`
    : onVm
      ? `vm/${l.vm_id}`
      : `${l.resource_type}/${l.resource_id}`;
  const resourceName = onWorkload
    ? (c.names.workload?.get(l.workload_id!) ?? `workload ${l.workload_id}`)
    : onVm
      ? (c.names.vm.get(l.vm_id!) ?? `vm ${l.vm_id}`)
      : l.resource_name;
  const host = onWorkload
    ? onVm
      ? `vm/${l.vm_id}`
      : `server/${l.server_id}`
    : onVm && l.server_id !== null
      ? `server/${l.server_id}`
      : null;
  const usage = l.category === 'energy' || l.category === 'space' || l.category === 'hardware';
  const billed = l.category === 'hardware' ? 0 : l.amount;
  const unit =
    l.unit === 'kWh' ? 'kWh' : l.unit === 'U-month' ? 'U-Months' : l.unit === 'rack-month' ? 'Rack-Months' : null;
  const unitPrice = l.quantity && l.quantity > 0 ? l.amount / l.quantity : null;
  const tags: Record<string, string> = {};
  if (l.owner) tags.owner = l.owner;
  for (const t of l.tags) tags[`tag:${t}`] = t;
  if (l.datacenter_id !== null) tags.datacenter = c.names.datacenter.get(l.datacenter_id) ?? String(l.datacenter_id);
  const dc = l.datacenter_id === null ? null : String(l.datacenter_id);
  const dcName = l.datacenter_id === null ? null : (c.names.datacenter.get(l.datacenter_id) ?? null);
  const vendor = l.resource_type === 'contract' ? (c.vendors.get(l.resource_id) ?? null) : null;
  return {
    AvailabilityZone: null,
    BilledCost: decimal(billed),
    BillingAccountId: 'dc-platform',
    BillingAccountName: 'DC Platform estate',
    BillingCurrency: l.currency,
    BillingPeriodEnd: focusTime(c.billingPeriod.to),
    BillingPeriodStart: focusTime(c.billingPeriod.from),
    ChargeCategory: usage ? 'Usage' : 'Purchase',
    ChargeClass: null,
    ChargeDescription: l.description,
    ChargeFrequency: l.category === 'energy' ? 'Usage-Based' : 'Recurring',
    ChargePeriodEnd: focusTime(c.chargePeriod.to),
    ChargePeriodStart: focusTime(c.chargePeriod.from),
    CommitmentDiscountCategory: null,
    CommitmentDiscountId: null,
    CommitmentDiscountName: null,
    CommitmentDiscountStatus: null,
    CommitmentDiscountType: null,
    ConsumedQuantity: l.category === 'energy' ? decimal(l.quantity) : null,
    ConsumedUnit: l.category === 'energy' ? 'kWh' : null,
    ContractedCost: decimal(l.amount),
    ContractedUnitPrice: unit ? decimal(unitPrice) : null,
    EffectiveCost: decimal(l.amount),
    InvoiceIssuerName: vendor ?? 'DC Platform',
    ListCost: decimal(l.amount),
    ListUnitPrice: unit ? decimal(unitPrice) : null,
    PricingCategory: unit ? 'Standard' : null,
    PricingQuantity: unit ? decimal(l.quantity) : null,
    PricingUnit: unit,
    ProviderName: 'DC Platform',
    PublisherName: vendor ?? 'DC Platform',
    RegionId: dc,
    RegionName: dcName,
    ResourceId: resourceId,
    ResourceName: resourceName,
    ResourceType: RESOURCE_TYPE[kind],
    ServiceCategory: SERVICE_CATEGORY[kind],
    ServiceName: SERVICE_NAME[l.category],
    SkuId: `${l.category}:${l.basis}`,
    SkuPriceId: null,
    SubAccountId: dc,
    SubAccountName: dcName,
    Tags: JSON.stringify(tags),
    x_CostBasis: l.basis,
    x_MeasuredEnergyShare:
      l.category === 'energy' && (l.measured_wh ?? 0) + (l.allocated_wh ?? 0) > 0
        ? decimal((l.measured_wh ?? 0) / ((l.measured_wh ?? 0) + (l.allocated_wh ?? 0)))
        : null,
    x_RackId: l.rack_id === null ? null : String(l.rack_id),
    x_RackName: l.rack_id === null ? null : (c.names.rack.get(l.rack_id) ?? null),
    x_HostResourceId: host,
    x_AllocationShare: decimal(l.share),
  };
}
