using OdooLatencyProxy.Forwarding;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// The requests holding an Odoo worker right now: listed when admitted, unlisted the moment the worker is given back
/// (which for buffered responses is before the client has the whole response). Method, path without query string,
/// operation, destination, ages and client address only: never headers, cookies, tokens or bodies.
/// </summary>
internal sealed class InFlightRegistry(TimeProvider time, ForwardedHeaders forwarded)
{
    // Paths can be long (file names); the list is for people.
    private const int MaxPathLength = 200;

    private readonly Lock _lock = new();
    private RequestRecord? _head;
    private RequestRecord? _tail;
    private int _count;

    /// <summary>Requests listed now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Lists a request that just took a worker; it leaves the list when its lease is released. Allocation-free.</summary>
    public void Add(HttpContext context, RequestRecord record)
    {
        if (record.Lease is not { } lease) return;
        var request = context.Request;
        record.Method = request.Method;
        record.Path = request.Path.Value; // PathString never holds the query string.
        record.ClientAddress = context.Connection.RemoteIpAddress;
        record.ForwardedClient = forwarded.ForwardedClient(context);
        record.AdmittedAt = time.GetTimestamp();
        record.InFlightOwner = this;
        lock (_lock)
        {
            record.InFlightPrevious = _tail;
            record.InFlightNext = null;
            if (_tail is null) _head = record;
            else _tail.InFlightNext = record;
            _tail = record;
            _count++;
        }
        lease.OnRelease(static state => ((RequestRecord)state).InFlightOwner!.Remove((RequestRecord)state), record);
    }

    /// <summary>The listed requests, oldest (by arrival at the proxy) first.</summary>
    public IReadOnlyList<InFlightRequest> Snapshot()
    {
        var now = time.GetTimestamp();
        var result = new List<InFlightRequest>();
        lock (_lock)
        {
            for (var r = _head; r is not null; r = r.InFlightNext)
            {
                var path = r.Path ?? "/";
                result.Add(new InFlightRequest(
                    r.Operation.Name, r.Destination ?? "", r.Method ?? "", path.Length > MaxPathLength ? path[..MaxPathLength] + "…" : path,
                    r.ForwardedClient ?? r.ClientAddress?.ToString() ?? "",
                    time.GetElapsedTime(r.StartedAt, now).TotalSeconds,
                    time.GetElapsedTime(r.AdmittedAt, now).TotalSeconds,
                    r.QueueWait.TotalSeconds,
                    r.StartedAt));
            }
        }
        result.Sort(static (a, b) => a.StartedAt.CompareTo(b.StartedAt));
        return result;
    }

    private void Remove(RequestRecord record)
    {
        lock (_lock)
        {
            if (record.InFlightOwner is null) return;
            if (record.InFlightPrevious is { } previous) previous.InFlightNext = record.InFlightNext;
            else _head = record.InFlightNext;
            if (record.InFlightNext is { } next) next.InFlightPrevious = record.InFlightPrevious;
            else _tail = record.InFlightPrevious;
            record.InFlightPrevious = record.InFlightNext = null;
            record.InFlightOwner = null;
            _count--;
        }
    }
}

/// <summary>One request holding a worker: ages in seconds (since arrival, since it took the worker), the time it queued.</summary>
internal sealed record InFlightRequest(
    string Operation, string Destination, string Method, string Path, string Client, double AgeSeconds, double HoldingSeconds, double QueuedSeconds,
    [property: System.Text.Json.Serialization.JsonIgnore] long StartedAt);
