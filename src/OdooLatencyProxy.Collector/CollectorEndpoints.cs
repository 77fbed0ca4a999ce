using Microsoft.Extensions.Options;

namespace OdooLatencyProxy.Collector;

/// <summary>The collector's part of the JSON API on the admin listener.</summary>
public static class CollectorEndpoints
{
    /// <summary>
    /// Maps <c>GET /api/db/status</c> (probes, Odoo version), <c>/api/db/activity</c> (longest transactions and
    /// queries now) and <c>/api/db/statements</c> (top statements of the last interval).
    /// </summary>
    public static RouteGroupBuilder MapCollectorApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/db");
        group.MapGet("/status", (CollectorStatus status, IOptions<CollectorOptions> options) => Results.Json(
            new CollectorStatusDocument(options.Value.Enabled, status.OdooVersion, status.Probes),
            CollectorJson.Default.CollectorStatusDocument));
        group.MapGet("/activity", (CollectorStatus status, IOptions<CollectorOptions> options) => Results.Json(
            new CollectorActivityDocument(options.Value.Enabled, status.Activity?.CollectedAt, status.Activity?.Items ?? []),
            CollectorJson.Default.CollectorActivityDocument));
        group.MapGet("/statements", (CollectorStatus status, IOptions<CollectorOptions> options) => Results.Json(
            new CollectorStatementsDocument(
                options.Value.Enabled, status.Statements?.CollectedAt, status.Statements?.IntervalSeconds, status.Statements?.Items ?? []),
            CollectorJson.Default.CollectorStatementsDocument));
        return group;
    }
}
