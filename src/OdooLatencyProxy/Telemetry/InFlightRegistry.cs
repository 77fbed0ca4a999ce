using OdooLatencyProxy.Admission;
using OdooLatencyProxy.RequestPath;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// The requests holding an Odoo worker right now, read from the worker pools' in-flight sets (a request leaves when its
/// worker is given back, which for buffered responses is before the client has the whole response). Method, path
/// without query string, operation, destination, ages and client address only: never headers, cookies, tokens or bodies.
/// </summary>
internal sealed class InFlightRegistry(TimeProvider time, WorkerPools pools, TelemetryOptions options)
{
    /// <summary>The requests holding a worker, oldest (by arrival at the proxy) first; none while telemetry is off.</summary>
    public IReadOnlyList<InFlightRequest> Snapshot()
    {
        if (!options.Enabled) return [];
        var now = time.GetTimestamp();
        var leases = pools.InFlight();
        var result = new List<InFlightRequest>(leases.Count);
        foreach (var lease in leases)
        {
            if (lease.Holder is not ProxyExchange r) continue;
            result.Add(new InFlightRequest(
                r.Operation.Name, lease.Destination, r.Method ?? "", ListedPath.Of(r.Path),
                r.ForwardedClient ?? r.ClientAddress?.ToString() ?? "",
                time.GetElapsedTime(r.StartedAt, now).TotalSeconds,
                time.GetElapsedTime(lease.AdmittedAt, now).TotalSeconds,
                r.QueueWait.TotalSeconds,
                r.StartedAt));
        }
        result.Sort(static (a, b) => a.StartedAt.CompareTo(b.StartedAt));
        return result;
    }
}
