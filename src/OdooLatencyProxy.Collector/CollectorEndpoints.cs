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
        group.MapGet("/status", (CollectorStatus status, IOptions<CollectorOptions> options) => Results.Json(new
        {
            enabled = options.Value.Enabled,
            odooVersion = status.OdooVersion,
            probes = status.Probes,
        }));
        group.MapGet("/activity", (CollectorStatus status, IOptions<CollectorOptions> options) => Results.Json(new
        {
            enabled = options.Value.Enabled,
            collectedAt = status.Activity?.CollectedAt,
            items = status.Activity?.Items ?? [],
        }));
        group.MapGet("/statements", (CollectorStatus status, IOptions<CollectorOptions> options) => Results.Json(new
        {
            enabled = options.Value.Enabled,
            collectedAt = status.Statements?.CollectedAt,
            intervalSeconds = status.Statements?.IntervalSeconds,
            items = status.Statements?.Items ?? [],
        }));
        return group;
    }
}
