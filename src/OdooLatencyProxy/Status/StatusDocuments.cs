using OdooLatencyProxy.AccessLog;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.SlowRequests;
using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.Status;

/// <summary><c>GET /api/status</c>: everything the status page shows, in one document (docs/api.md).</summary>
internal sealed record StatusDocument(
    DateTimeOffset GeneratedAt,
    bool TelemetryEnabled,
    IReadOnlyList<OperationDocument> Operations,
    IReadOnlyList<WorkerPoolSnapshot> Workers,
    SaturationDocument Saturation,
    IReadOnlyDictionary<string, double[]> QueueHistory,
    IReadOnlyList<InFlightRequest> Inflight,
    SlowRequestsDocument SlowRequests,
    int RealtimeConnections,
    AccessLogStatus? AccessLog);

/// <summary><c>GET /api/inflight</c>: the requests in flight now.</summary>
internal sealed record InFlightDocument(DateTimeOffset GeneratedAt, IReadOnlyList<InFlightRequest> Requests);

/// <summary>One row of <c>GET /api/metrics/catalog</c>.</summary>
internal sealed record MetricDocument(
    string Name, string Kind, string? Unit, string Source, IReadOnlyList<string> Attributes, IReadOnlyList<double>? Buckets, string Description);

/// <summary><c>GET /api/slow-requests</c>: the kept requests and how the statements beside them are sampled.</summary>
internal sealed record SlowRequestsDocument(
    DateTimeOffset GeneratedAt, int Capacity, double DefaultThresholdSeconds, StatementSamplingDocument StatementSampling, IReadOnlyList<SlowRequest> Requests);

/// <summary>Whether pg_stat_activity is sampled beside slow requests, how often (s) and when last.</summary>
internal sealed record StatementSamplingDocument(bool Enabled, double? IntervalSeconds, DateTimeOffset? LastSampleAt);

/// <summary><c>GET /api/costs</c>: Odoo's own SQL time, Python time and query count per operation.</summary>
internal sealed record CostsDocument(DateTimeOffset GeneratedAt, AccessLogStatus? AccessLog, IEnumerable<CostOperationDocument> Operations);

/// <summary>One operation's costs per window (<c>1m</c>, <c>5m</c>).</summary>
internal sealed record CostOperationDocument(string Operation, IReadOnlyDictionary<string, CostWindowDocument> Windows);

/// <summary>One window of costs: the request count and the quantiles of queries, SQL seconds and Python seconds.</summary>
internal sealed record CostWindowDocument(long Count, QuantilesDocument? Queries, QuantilesDocument? SqlSeconds, QuantilesDocument? PythonSeconds);

/// <summary><c>GET /api/saturation</c>: per destination, the busy workers now and the share of time saturated.</summary>
internal sealed record SaturationDocument(DateTimeOffset GeneratedAt, double Threshold, int? HistorySeconds, IEnumerable<SaturationDestinationDocument> Destinations);

/// <summary>One destination's saturation: live busy/limit, occupancy, saturated share per window and history.</summary>
internal sealed record SaturationDestinationDocument(
    string Pool,
    string Destination,
    int Busy,
    int Limit,
    double? Occupancy,
    IReadOnlyDictionary<string, double> SaturatedShare,
    double SaturatedSeconds,
    double[]? BusyHistory);

/// <summary>One YARP cluster of <c>GET /api/destinations</c>.</summary>
internal sealed record ClusterDocument(string Cluster, IEnumerable<DestinationHealthDocument> Destinations);

/// <summary>One destination's active and passive health as YARP sees it.</summary>
internal sealed record DestinationHealthDocument(string Id, string Active, string Passive);
