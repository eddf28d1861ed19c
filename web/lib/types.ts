// Shapes of what the API returns: names for the schemas of the generated OpenAPI types (web/lib/api-types.gen.ts,
// `npm run api-types`). A shape missing here is added to the Worker's route declarations, never typed by hand.
// Inputs are validated with the shared valibot schemas ($worker/...).
import type { components, paths } from './api-types.gen';

type Schemas = components['schemas'];

export type Datacenter = Schemas['Datacenter'];
export type Alert = Schemas['Alert'];
export type AlertDetail = Schemas['AlertDetail'];
export type AlertRule = Schemas['AlertRule'];
export type NotificationChannel = Schemas['NotificationChannel'];
export type EscalationPolicy = Schemas['EscalationPolicy'];
export type OncallSchedule = Schemas['OncallSchedule'];
export type Notification = Schemas['Notification'];
export type NotificationDetail = Schemas['NotificationDetail'];
export type TestResult = Schemas['TestResult'];
export type MaintenanceWindow = Schemas['MaintenanceWindow'];
export type Incident = Schemas['Incident'];
export type IncidentDetail = Schemas['IncidentDetail'];
export type IncidentStats = Schemas['IncidentStats'];
export type RulePreview = Schemas['RulePreview'];
export type Rack = Schemas['Rack'];
export type Vm = Schemas['Vm'];
export type VmOperation = Schemas['VmOperation'];
export type HostCapacity = Schemas['HostCapacity'];
export type SiteAgentStatus = Schemas['SiteAgentStatus'];
export type VmSnapshot = Schemas['VmSnapshot'];
export type Cluster = Schemas['Cluster'];
export type ClusterNode = Schemas['ClusterNode'];
export type Workload = Schemas['Workload'];
export type WorkloadOperation = Schemas['WorkloadOperation'];
export type AutoscalePolicy = Schemas['AutoscalePolicy'];
export type AutoscaleDecision = Schemas['AutoscaleDecision'];
export type VmScalingGroup = Schemas['VmScalingGroup'];
export type VmScalingDecision = Schemas['VmScalingDecision'];
export type SeriesAnomalies = Schemas['SeriesAnomalies'];
export type SeriesPattern = Schemas['SeriesPattern'];
export type ResourceCapacity = HostCapacity['resources'][number];
export type MigrationTarget =
  paths['/api/vms/{id}/migration-targets']['get']['responses'][200]['content']['application/json'][number];
export type Server = Schemas['Server'];
export type Elevation = Schemas['Elevation'];
export type ElevationDevice = Elevation['devices'][number];
export type CapacityReport = Schemas['CapacityReport'];
export type DatacenterCapacity = CapacityReport['datacenters'][number];
export type Utilization = CapacityReport['power'];
export type DashboardMetrics = Schemas['DashboardMetrics'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditCheckpoint = Schemas['AuditCheckpoint'];
export type AuditVerifyResult = Schemas['AuditVerifyResult'];
export type User = Schemas['User'];
export type UserCreated = Schemas['UserCreated'];
export type Me = Schemas['Me'];
export type SignInSession = Schemas['SignInSession'];
export type ApiToken = Schemas['ApiToken'];
export type ApiTokenCreated = Schemas['ApiTokenCreated'];
export type TokenScope = ApiToken['scopes'][number];
export type MetricSeries = Schemas['MetricSeries'];
export type LatestSample = Schemas['LatestSample'];
export type GrowthReport = Schemas['GrowthReport'];
export type ForecastMonth = Schemas['ForecastMonth'];
export type ExhaustionRow = Schemas['ExhaustionRow'];
export type ProcurementLine = Schemas['ProcurementLine'];
export type StrandedRack = Schemas['StrandedRack'];
export type PlacementPlan = Schemas['PlacementPlan'];
export type CapacityRisk = Schemas['CapacityRisk'];
export type PueReport = Schemas['PueReport'];
export type ServerFailureRisk = Schemas['ServerFailureRisk'];
